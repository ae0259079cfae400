#!/usr/bin/env bash
# Prepare the data and serve the API with the built PWA. `make run` and the container's CMD.
set -euo pipefail
cd "$(dirname "$0")/.."
kt=${KEUKENTAFEL_BIN:-.venv/bin/keukentafel}
# Migrations as the tables' owner where one is named (docker/compose.yaml: the server itself runs
# as a role that may not change the schema nor the audit trail).
KEUKENTAFEL_BIN=$kt DATABASE_URL=${KEUKENTAFEL_OWNER_DATABASE_URL:-${DATABASE_URL:-}} \
  scripts/prepare-data.sh
exec "$kt" serve "$@"
