#!/usr/bin/env bash
# Installs the dashboard's npm packages exactly as package-lock.json says
# (npm ci, from the local npm cache when it has them) and builds the page into
# OUTPUT_DIR (default build/dashboard). The install is skipped while
# node_modules was installed from the same lockfile.
#
#   dashboard/build.sh [OUTPUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(realpath -m "${1:-$here/../build/dashboard}")
cd "$here"
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.ftel-lock 2>/dev/null)" != "$lock" ]]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  echo "$lock" >node_modules/.ftel-lock
fi
node build.mjs "$out"
