#!/usr/bin/env bash
# Keys (made once, under a lock), migrations, and the demo network on an empty non-production
# database. Idempotent: safe before every start. Used by `make run` and the container's start.
set -euo pipefail
cd "$(dirname "$0")/.."
kt=${KEUKENTAFEL_BIN:-.venv/bin/keukentafel}
"$kt" keys
"$kt" migrate
if [ "${KEUKENTAFEL_ENV:-development}" != "production" ]; then
  "$kt" seed-demo
fi
