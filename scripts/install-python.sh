#!/usr/bin/env bash
# Install the keukentafel distribution with its pinned dependencies into a virtual environment.
# Usage: scripts/install-python.sh VENV_DIR [--dev]
#   --dev  editable install plus the test and lint tools (what `make test` needs)
# The Makefile and the Dockerfile both call this script, so CI exercises the container's step.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${1:?usage: install-python.sh VENV_DIR [--dev]}
mode=${2:-}
python=${PYTHON:-python3}
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
if [ "$mode" = "--dev" ]; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
else
  "$venv/bin/pip" install --quiet --disable-pip-version-check -c constraints.txt .
fi
echo "python environment ready in $venv"
