#!/usr/bin/env bash
# The whole suite: lint and types, then the tests on SQLite, then again on PostgreSQL wherever
# one is reachable, then the browser tests in Chromium. KEUKENTAFEL_REQUIRE_POSTGRES=1 (CI) turns
# an unreachable PostgreSQL into a failure instead of a skipped stage.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
export KEUKENTAFEL_TEST_POSTGRES_URL=${KEUKENTAFEL_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}

stage() {
  local name=$1; shift
  local start=$SECONDS
  echo "== $name"
  "$@"
  echo "== $name: $((SECONDS - start)) s"
}

postgres_reachable() {
  "$venv/bin/python" - <<'PY'
import asyncio, os, sys
import asyncpg
async def main():
    connection = await asyncpg.connect(os.environ["KEUKENTAFEL_TEST_POSTGRES_URL"], timeout=5)
    await connection.close()
try:
    asyncio.run(main())
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

stage "ruff" "$venv/bin/ruff" check api visit_forms tests
stage "ruff format" "$venv/bin/ruff" format --check api visit_forms tests
stage "mypy" "$venv/bin/mypy"
# The tablet's data layer (IndexedDB via fake-indexeddb, the outbox against a strict fake server).
stage "npm ci (pwa)" npm --prefix pwa ci --no-audit --no-fund --silent
stage "vitest" npm --prefix pwa test --silent
# The browser tests and the long fault runs run once, in stages of their own below.
stage "pytest on SQLite" env KEUKENTAFEL_TEST_BACKEND=sqlite "$venv/bin/pytest" -q \
  -m "not browser and not reliability" "$@"
if postgres_reachable; then
  stage "pytest on PostgreSQL" env KEUKENTAFEL_TEST_BACKEND=postgres \
    "$venv/bin/pytest" -q -m "database and not reliability" "$@"
elif [ "${KEUKENTAFEL_REQUIRE_POSTGRES:-0}" = "1" ]; then
  echo "PostgreSQL is required (KEUKENTAFEL_REQUIRE_POSTGRES=1) but not reachable" >&2
  exit 1
else
  echo "== pytest on PostgreSQL: skipped (no server reachable)"
fi
# End to end in Debian's Chromium against the real server and the built PWA; the fixtures start
# one server on SQLite and one on a throwaway PostgreSQL database. KEUKENTAFEL_REQUIRE_BROWSER=1
# makes a missing Chromium, a skipped or a deselected browser test fail the stage (no cache:
# nothing from an earlier run may narrow it).
stage "browser tests (Chromium)" env KEUKENTAFEL_TEST_BACKEND=sqlite KEUKENTAFEL_REQUIRE_BROWSER=1 \
  "$venv/bin/pytest" -q -p no:cacheprovider tests/browser
# Faults and load against real server processes: killed APIs, a crashed PostgreSQL cluster of
# the test's own (initdb on a free port), lost responses, concurrent SQLite writers. Each test
# starts what it needs; with KEUKENTAFEL_LONG_RUNS=0 a quick local run leaves them out.
if [ "${KEUKENTAFEL_LONG_RUNS:-1}" = "1" ]; then
  stage "reliability (faults and load)" env KEUKENTAFEL_TEST_BACKEND=sqlite \
    "$venv/bin/pytest" -q -p no:cacheprovider -m reliability tests/reliability
fi
