#!/usr/bin/env bash
# The builder stage of docker/Dockerfile: builds ftel for TARGETARCH with the
# project's own presets (cross-compiling with its toolchains and a Debian
# sysroot when TARGETARCH is not the build machine's), installs it under
# OUT/root, and writes OUT/runtime-packages: the Debian packages whose
# libraries the programs link, computed from their ELF NEEDED entries.
#
#   docker/build-in-container.sh amd64|arm64|arm OUT
set -euo pipefail
target=${1:?usage: build-in-container.sh amd64|arm64|arm OUT}
out=${2:?usage: build-in-container.sh amd64|arm64|arm OUT}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_arch=$(dpkg --print-architecture)

if [[ "$target" == "$build_arch" ]]; then
  preset=release
  cmake --preset "$preset" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
  targets=(ftel-agent ftel-aggregator ftelctl ftel-plant-sim)
else
  case "$target" in
    arm64) preset=aarch64-edge; sysroot_arch=arm64 ;;
    arm) preset=armhf-edge; sysroot_arch=armhf ;;
    *) echo "build-in-container: no cross preset for $target" >&2; exit 2 ;;
  esac
  toolchains/make-sysroot.sh "$sysroot_arch"
  cmake --preset "$preset" >/dev/null
  targets=(ftel-agent ftelctl)  # the edge build: no aggregator
fi
cmake --build --preset "$preset" -j"$(nproc)" --target "${targets[@]}"
DESTDIR="$out/root" cmake --install "build/$preset" --strip >/dev/null
# The demo's plant simulator is not installed by packages; the image has it.
if [[ -x "build/$preset/ftel-plant-sim" ]]; then
  install -m 0755 -s "build/$preset/ftel-plant-sim" "$out/root/usr/bin/ftel-plant-sim"
fi

# Debian package of each shared library the programs need, by soname; what
# debian:bookworm-slim already has is left out.
: >"$out/runtime-packages"
for program in "$out"/root/usr/bin/*; do
  readelf -d "$program" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
done | sort -u | while read -r soname; do
  case "$soname" in libc.so.*|libm.so.*|libstdc++.so.*|libgcc_s.so.*|ld-linux*) continue ;; esac
  # The build machine's package of the same soname (Debian's names do not
  # depend on the architecture); never a cross toolchain's copy.
  package=$(dpkg -S "*/$soname" 2>/dev/null | grep -v -- '-cross' | head -1 | cut -d: -f1)
  [[ -n "$package" ]] || { echo "build-in-container: no package has $soname" >&2; exit 1; }
  echo "$package"
done | sort -u >"$out/runtime-packages"
echo "build-in-container: $target programs: $(ls "$out/root/usr/bin" | tr '\n' ' ')" >&2
echo "build-in-container: runtime packages: $(tr '\n' ' ' <"$out/runtime-packages")" >&2
