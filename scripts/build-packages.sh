#!/usr/bin/env bash
# Builds ftel's Debian packages (ftel-agent, ftel-aggregator, ftelctl) with
# debhelper from the build trees of the test command's presets:
# amd64 from build/native, arm64 from build/aarch64, armhf from build/armhf
# (cross-compiled against the sysroots of toolchains/make-sysroot.sh). Only
# the programs are built; a tree the test command built already is reused.
# The packages, with their -dbgsym companions, go to build/packages/.
#
#   scripts/build-packages.sh [ARCH...]       # amd64 arm64 armhf by default
#
# Environment:
#   FTEL_PACKAGE_VERSION_SUFFIX  appended to the version (CMake's project
#                                version, which debian/changelog must match),
#                                e.g. +1 for a test upgrade
#   FTEL_PACKAGE_DIR             where the packages go (build/packages)
#
# A cross build's Depends come from dpkg-shlibdeps run against the target's
# Debian 12 libraries with their packages' symbols and shlibs files, which
# the sysroot does not keep: build/packages/target-ARCH, extracted with
# mmdebstrap (docs/deployment.md#how-the-packages-are-made).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

out=${FTEL_PACKAGE_DIR:-$root/build/packages}
mkdir -p "$out"
out=$(realpath "$out")
jobs=$(nproc)

fail() {
  echo "build-packages: $*" >&2
  exit 1
}

preset_of() {
  case "$1" in
    amd64) echo native ;;
    arm64) echo aarch64 ;;
    armhf) echo armhf ;;
    *) fail "no preset for architecture '$1' (amd64, arm64, armhf)" ;;
  esac
}

programs=(ftel-agent ftelctl ftel-aggregator)

# The package version: the CMake project version, which must also be the
# version of debian/changelog's latest entry, and the suffix.
package_version() {
  local cmake_version changelog_version
  cmake_version=$(sed -n 's/^project(ftel VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
  changelog_version=$(dpkg-parsechangelog --show-field Version)
  [[ -n "$cmake_version" ]] || fail "no project(ftel VERSION ...) in CMakeLists.txt"
  if [[ "$changelog_version" != "$cmake_version" ]]; then
    fail "debian/changelog is at $changelog_version, CMakeLists.txt at $cmake_version:" \
      "add a changelog entry (dch --newversion $cmake_version)"
  fi
  echo "$cmake_version${FTEL_PACKAGE_VERSION_SUFFIX:-}"
}

# The host's own Debian mirror, as toolchains/make-sysroot.sh reads it.
debian_mirror() {
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [[ -z "$mirror" ]]; then
    mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  fi
  [[ -n "$mirror" ]] || fail "no Debian mirror in the host's apt sources"
  echo "$mirror"
}

build_programs() {
  local preset=$1
  shift
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs" --target "$@" >/dev/null
}

# The Debian packages of the libraries the programs load: the host's amd64
# packages of the same sonames (library packages have one name on every
# architecture).
runtime_packages() {
  local library path package
  for library in $(objdump -p "$@" | awk '/NEEDED/{print $2}' | sort -u); do
    package=""
    for path in "/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)" "/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)"; do
      [[ -e "$path/$library" ]] || continue
      package=$(dpkg-query --search "$path/$library" 2>/dev/null | sed -n '1s/:.*//p')
      [[ -n "$package" ]] && break
    done
    [[ -n "$package" ]] || fail "no installed package of this machine holds $library"
    echo "$package"
  done | sort -u | paste -sd, -
}

# The target's runtime libraries and their dpkg database, for dpkg-shlibdeps;
# made again only when the list of packages changes.
target_root() {
  local arch=$1 packages=$2 dir="$out/target-$1" mode=()
  if [[ -f "$dir/.ftel-packages" && "$(cat "$dir/.ftel-packages")" == "$packages" ]]; then
    echo "$dir"
    return
  fi
  rm -rf "$dir"
  [[ $(id -u) -eq 0 ]] && mode=(--mode=root)
  echo "build-packages: $arch libraries for dpkg-shlibdeps: $packages" >&2
  mmdebstrap --quiet "${mode[@]}" --arch="$arch" --variant=extract --include="$packages" \
    --skip=cleanup/apt/cache bookworm "$dir" "$(debian_mirror)" >&2
  scripts/lib/dpkg-db-from-debs.sh "$dir"
  echo "$packages" >"$dir/.ftel-packages"
  echo "$dir"
}

build_arch() {
  local arch=$1 version=$2 preset target=""
  preset=$(preset_of "$arch")
  echo "build-packages: $arch from build/$preset, version $version" >&2
  build_programs "$preset" "${programs[@]}"
  if [[ "$arch" != "$(dpkg-architecture -qDEB_BUILD_ARCH)" ]]; then
    target=$(target_root "$arch" "$(runtime_packages "${programs[@]/#/build/$preset/}")")
  fi
  rm -f "$out"/*_"$arch".deb
  debian/rules clean >/dev/null
  # The architecture's environment, as dpkg-buildpackage -a ARCH sets it; the
  # build dependencies are the sysroot's, not packages of this machine.
  CC=$(dpkg-architecture -a"$arch" -qDEB_HOST_GNU_TYPE 2>/dev/null)-gcc \
    FTEL_PACKAGE_VERSION="$version" FTEL_PACKAGE_DIR="$out" FTEL_TARGET_ROOT="$target" \
    DEB_BUILD_OPTIONS="nocheck parallel=$jobs" DEB_RULES_REQUIRES_ROOT=no \
    dpkg-architecture --host-arch "$arch" --force --command debian/rules binary >"$out/build-$arch.log" 2>&1 \
    || { tail -n 30 "$out/build-$arch.log" >&2; fail "debian/rules binary failed for $arch (log: $out/build-$arch.log)"; }
  debian/rules clean >/dev/null
}

main() {
  local archs=("$@") version arch
  [[ ${#archs[@]} -gt 0 ]] || archs=(amd64 arm64 armhf)
  local cross=()
  for arch in "${archs[@]}"; do
    preset_of "$arch" >/dev/null
    [[ "$arch" == amd64 ]] || cross=(--cross)
  done
  scripts/install-deps.sh --packages "${cross[@]}" >&2
  for arch in "${archs[@]}"; do
    [[ "$arch" == amd64 ]] || toolchains/make-sysroot.sh "$arch"
  done
  version=$(package_version)
  for arch in "${archs[@]}"; do build_arch "$arch" "$version"; done
  ls -l "$out"/*.deb >&2
}

main "$@"
