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

# The edge agent's runtime for any architecture, without running anything
# of it: Debian's packages of the target extracted (no maintainer scripts,
# so no emulation), the programs, Debian's CA bundle and a
# passwd entry for the non-root user. docker/Dockerfile's agent-edge image.
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[[ -n "$mirror" ]] || mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list)
rootfs_arch=${sysroot_arch:-$build_arch}
mmdebstrap --quiet --mode=root --arch="$rootfs_arch" --variant=extract \
  --include="libc6,libstdc++6,libgcc-s1,ca-certificates,$(paste -sd, "$out/runtime-packages")" \
  bookworm "$out/rootfs" "$mirror"
rm -rf "$out/rootfs/usr/share/doc" "$out/rootfs/usr/share/man" "$out/rootfs/usr/share/locale" \
  "$out/rootfs/var/cache/apt" "$out/rootfs/var/lib/apt/lists"
cp -a "$out/root/." "$out/rootfs/"
mkdir -p "$out/rootfs/etc/ssl/certs" "$out/rootfs/etc/ftel" "$out/rootfs/var/lib/ftel" "$out/rootfs/tmp"
# The bundle update-ca-certificates would have made from the package's certificates.
cat "$out"/rootfs/usr/share/ca-certificates/mozilla/*.crt >"$out/rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nftel:x:10001:10001:ftel:/var/lib/ftel:/usr/sbin/nologin\n' \
  >"$out/rootfs/etc/passwd"
printf 'root:x:0:\nftel:x:10001:\n' >"$out/rootfs/etc/group"
chown 10001:10001 "$out/rootfs/var/lib/ftel"
chmod 1777 "$out/rootfs/tmp"
echo "build-in-container: $target programs: $(ls "$out/root/usr/bin" | tr '\n' ' ')" >&2
echo "build-in-container: runtime packages: $(tr '\n' ' ' <"$out/runtime-packages")" >&2
