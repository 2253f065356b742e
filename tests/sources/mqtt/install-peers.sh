#!/usr/bin/env bash
# Installs the integration test's npm peers (sparkplug-payload, mqtt) exactly
# as package-lock.json says (npm ci, from the local npm cache when it has
# them). Skipped while node_modules was installed from the same lockfile.
#
#   tests/sources/mqtt/install-peers.sh STAMP_FILE
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ "$(cat node_modules/.ftel-lock 2>/dev/null)" != "$lock" ]]; then
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  echo "$lock" >node_modules/.ftel-lock
fi
touch "$1"
