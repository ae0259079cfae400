#!/usr/bin/env bash
# Debian packages the test suite drives: chromium (browser tests) and poppler-utils (pdfsig),
# with libnss3-tools for pdfsig's certificate database; wrk, the load generator of `make bench`.
# Installed only where missing, as root.
set -euo pipefail
missing=()
# The browser tests launch this path (tests/browser/harness.py), not whatever is on PATH.
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdfsig >/dev/null 2>&1 || missing+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -eq 0 ]; then
  echo "system test dependencies present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing ${missing[*]}: install them (as root: apt-get install ${missing[*]})" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed ${missing[*]}"
