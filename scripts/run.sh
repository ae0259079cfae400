#!/usr/bin/env bash
# Prepare the data and serve the API with the built PWA. `make run` and the container's CMD.
set -euo pipefail
cd "$(dirname "$0")/.."
kt=${KEUKENTAFEL_BIN:-.venv/bin/keukentafel}
KEUKENTAFEL_BIN=$kt scripts/prepare-data.sh
exec "$kt" serve "$@"
