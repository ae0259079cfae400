#!/usr/bin/env bash
# Migrations, the demo network on an empty non-production database, then keys (made once, under
# a lock; the development seals need the organisations). Idempotent: safe before every start.
# Used by `make run` and the container's start.
set -euo pipefail
cd "$(dirname "$0")/.."
kt=${KEUKENTAFEL_BIN:-.venv/bin/keukentafel}
"$kt" migrate
if [ "${KEUKENTAFEL_ENV:-development}" != "production" ]; then
  "$kt" seed-demo
fi
"$kt" keys
