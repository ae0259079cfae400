#!/usr/bin/env bash
# Build the PWA into pwa/dist from a clean clone: exact install from the
# lockfile, then type check and vite build. The Dockerfile's node stage runs
# this same script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../pwa"

npm ci --no-audit --no-fund
npm run build
