#!/usr/bin/env bash
# The benchmarks (tests/bench): they start the API on SQLite and on a throwaway PostgreSQL
# database (`bench_<pid>` at KEUKENTAFEL_TEST_POSTGRES_URL's server), run each after a warm-up
# and print a table, also written to var/bench/. BENCH=quick: the small version CI runs.
# Figures only: no timing is asserted; a benchmark that breaks makes the exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${VENV:-.venv}
export KEUKENTAFEL_TEST_POSTGRES_URL=${KEUKENTAFEL_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk (the load generator) is missing: run scripts/install-test-system-deps.sh as root" >&2
  exit 1
fi
exec "$venv/bin/python" -m tests.bench
