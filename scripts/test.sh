#!/usr/bin/env bash
# Installs what is missing, builds ftel with its tests and runs the whole suite:
#  - native: unit tests, integration tests against a real mosquitto on free
#    loopback ports, the formatting check;
#  - fuzz: the aggregator's input path under libFuzzer (clang, ASan, UBSan)
#    for FTEL_FUZZ_SECONDS (60 s by default);
#  - containers: the images of docker/Dockerfile and the compose demo, built
#    and run with podman (scripts/compose-test.sh);
#  - aarch64 and armhf: cross-built agent, aggregator, ftelctl and their tests, run under
#    qemu-user with a Debian bookworm sysroot, against the host's mosquitto;
#  - packages: the Debian packages made from those build trees, linted,
#    installed, upgraded and purged in a fresh Debian 12 root, and the ARM
#    ones run under qemu-user (scripts/package-test.sh).
# A failed test is run once more on its own and named at the end (flaky);
# the suite fails if it fails again. Exits non-zero on any failure. FTEL_SKIP_CROSS=1 runs the native part only;
# FTEL_SKIP_CONTAINERS=1 and FTEL_SKIP_PACKAGES=1 skip those parts.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cross=1
[[ "${FTEL_SKIP_CROSS:-0}" == 1 ]] && cross=0
if [[ $cross == 1 ]]; then
  scripts/install-deps.sh --tests --cross
else
  scripts/install-deps.sh --tests
fi

jobs=$(nproc)
# The integration tests run real brokers, daemons and peers on a shared
# 2-core machine. A test that fails is run once more, alone, and both runs
# are printed: the suite passes only if the second run passes, and every
# test that needed it is named at the end, so a flaky test shows and is
# fixed rather than hidden. The fuzz preset gets no second run: a crash
# found by one random run need not come back in the next.
retried=()
run_preset() {
  echo "=== $1 ===" >&2
  cmake --preset "$@" >/dev/null
  cmake --build --preset "$1" -j"$jobs"
  if ctest --preset "$1" -j"$jobs"; then return 0; fi
  [[ "$1" != fuzz ]] || return 1
  local failed="build/$1/Testing/Temporary/LastTestsFailed.log"
  [[ -s "$failed" ]] || return 1
  local names
  names=$(cut -d: -f2 "$failed" | paste -sd' ')
  echo "=== $1: running the failed tests once more, alone: $names ===" >&2
  ctest --preset "$1" --rerun-failed || return
  retried+=("$1: $names")
}
report_retried() {
  [[ ${#retried[@]} -eq 0 ]] && return 0
  echo "=== tests that failed once and passed when run again (flaky: each deserves a fix) ===" >&2
  printf '  %s\n' "${retried[@]}" >&2
}
trap report_retried EXIT

run_preset native
# The images and the compose demo, with podman (FTEL_SKIP_CONTAINERS=1 skips).
if [[ "${FTEL_SKIP_CONTAINERS:-0}" != 1 ]]; then
  echo "=== containers ===" >&2
  scripts/compose-test.sh
fi
run_preset fuzz -DFTEL_FUZZ_SECONDS="${FTEL_FUZZ_SECONDS:-60}"
if [[ $cross == 1 ]]; then
  for arch in arm64 armhf; do toolchains/make-sysroot.sh "$arch"; done
  run_preset aarch64
  run_preset armhf
fi
# The Debian packages, from the trees built above (FTEL_SKIP_PACKAGES=1 skips).
echo "=== packages ===" >&2
scripts/package-test.sh
