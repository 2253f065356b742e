#!/usr/bin/env bash
# Installs what is missing, builds ftel with its tests and runs the whole suite:
# unit tests, integration tests against a real mosquitto on free loopback
# ports, and the formatting check. Exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh" --tests

jobs=$(nproc)
build="$root/build/test"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTEL_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs"
