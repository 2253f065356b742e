#!/usr/bin/env bash
# Builds the edge release (size-optimised, LTO, stripped, static protobuf,
# Abseil and yaml-cpp) for aarch64, armhf and x86-64, and prints the size
# of the stripped agent and ftelctl, and the shared libraries the agent still
# needs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/install-deps.sh --cross >&2
for arch in arm64 armhf; do toolchains/make-sysroot.sh "$arch"; done
printf '%-8s %12s %14s  %s\n' ARCH "AGENT BYTES" "FTELCTL BYTES" "SHARED LIBRARIES THE AGENT NEEDS"
for preset in aarch64-edge armhf-edge x86_64-edge; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)" >/dev/null
  agent="build/$preset/ftel-agent"
  needed=$(objdump -p "$agent" | awk '/NEEDED/{print $2}' | tr '\n' ' ')
  printf '%-8s %12s %14s  %s\n' "${preset%-edge}" "$(stat -c %s "$agent")" \
    "$(stat -c %s "build/$preset/ftelctl")" "$needed"
done
