#!/usr/bin/env bash
# Makes a Debian bookworm sysroot holding ftel's -dev packages for one ARM
# architecture, under .sysroots/ARCH (ignored by git). Reuses an existing one
# whose package list is unchanged.
#
#   toolchains/make-sysroot.sh arm64|armhf [DIR]
set -euo pipefail
arch=${1:?usage: make-sysroot.sh arm64|armhf [DIR]}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
sysroot=${2:-$root/.sysroots/$arch}
case "$arch" in arm64|armhf) ;; *) echo "make-sysroot: unknown arch '$arch'" >&2; exit 2 ;; esac

packages=libc6-dev,libstdc++-12-dev,libprotobuf-dev,libabsl-dev,libpaho-mqtt-dev,libpaho-mqttpp-dev,libyaml-cpp-dev,libssl-dev,libcurl4-openssl-dev,libmodbus-dev,libgtest-dev,libgmock-dev,libsqlite3-dev,prometheus-cpp-dev
stamp="$sysroot/.ftel-packages"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$packages" ]]; then
  exit 0
fi

# The host's own main archive, never a mirror written into the repository.
# Suite "bookworm", not "stable": its libprotobuf must match the host's protoc.
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [[ -z "$mirror" ]]; then
  mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
fi
[[ -n "$mirror" ]] || { echo "make-sysroot: no Debian mirror in the host's apt sources" >&2; exit 1; }

rm -rf "$sysroot"
mkdir -p "$(dirname "$sysroot")"
echo "make-sysroot: $arch bookworm sysroot in $sysroot from $mirror" >&2
# As root (also inside an image build, where unshare is not allowed) no
# namespace is needed to only extract packages.
mode=()
[[ $(id -u) -eq 0 ]] && mode=(--mode=root)
mmdebstrap --quiet "${mode[@]}" --arch="$arch" --variant=extract --include="$packages" bookworm \
  "$sysroot" "$mirror"
# qemu -L looks paths up in the sysroot first; an empty /tmp there would hide
# the host's /tmp from emulated tests.
rm -rf "$sysroot/tmp"
echo "$packages" >"$stamp"
