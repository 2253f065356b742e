#!/usr/bin/env bash
# Tests the Debian packages (part of the test command, after the builds it
# reuses):
#  - builds them for amd64, arm64 and armhf (scripts/build-packages.sh), and
#    the amd64 ones again with a higher version, for the upgrade;
#  - runs lintian on every package and fails on an error;
#  - installs ftel-agent alone with apt in a fresh Debian 12 root made with
#    mmdebstrap and runs it; then all three, and checks there the programs, the packaged configs, the
#    units (systemd-analyze verify, and security: exposure 2.0 or less), an
#    upgrade that keeps a changed /etc/ftel/agent.yaml, remove and purge
#    (scripts/lib/package-test-root.sh);
#  - unpacks the arm64 and armhf packages into a copy of their sysroots and
#    runs ftel-agent and ftel-aggregator --version and ftelctl
#    validate-config on their configs under qemu-user;
#  - prints a summary: packages and sizes, lintian, exposure levels, time.
# Needs root (mmdebstrap's root mode, chroot). The base root is cached in
# build/package-test/ (delete it to refresh it). Exits non-zero on a failure.
#
#   scripts/package-test.sh     # FTEL_SKIP_PACKAGES=1 skips it, FTEL_SKIP_CROSS=1 tests amd64 only
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ "${FTEL_SKIP_PACKAGES:-0}" == 1 ]]; then
  echo "package-test: skipped (FTEL_SKIP_PACKAGES=1): no Debian packages built or tested" >&2
  exit 0
fi
archs=(amd64 arm64 armhf)
[[ "${FTEL_SKIP_CROSS:-0}" == 1 ]] && archs=(amd64)
work=$root/build/package-test
out=$root/build/packages
results=$work/results
started=$SECONDS

fail() {
  echo "package-test: FAILED: $*" >&2
  exit 1
}

# The host's apt sources, which the test root uses as they are.
apt_sources() {
  local file
  for file in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [[ -s "$file" ]]; then echo "$file"; return; fi
  done
  fail "no Debian apt sources on this machine"
}

# The packages of the architectures under test (build/packages may hold others).
debs() {
  local arch
  for arch in "${archs[@]}"; do ls "$out"/*_"$arch".deb; done
}

build() {
  scripts/build-packages.sh "${archs[@]}"
  FTEL_PACKAGE_VERSION_SUFFIX=+1 FTEL_PACKAGE_DIR=$work/upgrade scripts/build-packages.sh amd64
}

lint() {
  local as=() log=$work/lintian.log packages
  # As an ordinary user, as lintian asks; the packages are world-readable.
  [[ $(id -u) -eq 0 ]] && as=(setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp)
  mapfile -t packages < <(debs)
  "${as[@]}" lintian --display-info --fail-on error "${packages[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; fail "lintian found errors (above)"; }
  if [[ -s "$log" ]]; then sed 's/^/  /' "$log" >&2; fi
  echo "lintian $(grep -c '^E: ' "$log" || true) $(grep -c '^W: ' "$log" || true) $(grep -c '^I: ' "$log" || true)" >>"$results"
}

# Every command that `ftelctl --help` lists has its entry in ftelctl(1).
check_manual() {
  local command page=build/native/man/ftelctl.1
  for command in $(build/native/ftelctl --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
    grep -q "^\.B $command\b" "$page" || fail "ftelctl(1) does not describe '$command' (packaging/man/ftelctl.1.in)"
  done
}

# Debian 12 with apt and systemd, made once and kept as a tarball.
base_root() {
  local base=$work/bookworm-amd64.tar
  if [[ ! -s "$base" ]]; then
    echo "package-test: making the Debian 12 base root $base" >&2
    mmdebstrap --quiet --mode=root --variant=apt --include=systemd bookworm "$work/bookworm-amd64.new.tar" "$(apt_sources)" >&2
    mv "$work/bookworm-amd64.new.tar" "$base"
  fi
  echo "$base"
}

install_test() {
  local base
  base=$(base_root)
  rm -rf "$work/root"
  mmdebstrap --quiet --mode=root --variant=custom --setup-hook="tar-in $base /" \
    --customize-hook="\"$root/scripts/lib/package-test-root.sh\" \"\$1\" \"$out\" \"$work/upgrade\" \"$results\"" \
    bookworm "$work/root" "$(apt_sources)" || fail "the install test in a Debian 12 root (above)"
  rm -rf "$work/root"
}

qemu_of() {
  case "$1" in arm64) echo qemu-aarch64 ;; armhf) echo qemu-arm ;; esac
}

# The three packages unpacked over a copy of the sysroot (hard links where
# the file system allows), run with it as their root.
qemu_test() {
  local arch=$1 qemu copy printed package
  qemu=$(qemu_of "$arch")
  copy=$work/root-$arch
  rm -rf "$copy"
  cp -al "$(realpath ".sysroots/$arch")" "$copy" 2>/dev/null || cp -a "$(realpath ".sysroots/$arch")" "$copy"
  for package in ftel-agent ftel-aggregator ftelctl; do dpkg-deb -x "$out/${package}_${version}_$arch.deb" "$copy"; done
  for program in ftel-agent ftel-aggregator; do
    printed=$("$qemu" -L "$copy" "$copy/usr/bin/$program" --version) || fail "$arch: $program --version"
    [[ "$printed" == "$program $version" ]] || fail "$arch: $program --version printed '$printed'"
    "$qemu" -L "$copy" "$copy/usr/bin/ftelctl" validate-config "/etc/ftel/${program#ftel-}.yaml" >&2 \
      || fail "$arch: ftelctl validate-config /etc/ftel/${program#ftel-}.yaml"
  done
  echo "package-test: $arch under $qemu: ftel-agent and ftel-aggregator $version," \
    "the packaged /etc/ftel/agent.yaml and aggregator.yaml are valid" >&2
  echo "qemu $arch ok" >>"$results"
  rm -rf "$copy"
}

summary() {
  local lintian exposures
  echo "package-test: summary ($((SECONDS - started)) s: $(awk '$1 == "time" { printf "%s%s %s s", sep, $2, $3; sep = ", " }' "$results"))"
  printf '  %-40s %10s\n' PACKAGE BYTES
  for deb in $(debs); do printf '  %-40s %10s\n' "$(basename "$deb")" "$(stat -c %s "$deb")"; done
  read -r _ e w i < <(grep '^lintian ' "$results")
  lintian="$e errors, $w warnings, $i informational tags"
  exposures=$(awk '$1 == "exposure" { printf "%s%s.service %s", sep, $2, $3; sep = ", " }' "$results")
  echo "  lintian: $lintian"
  echo "  systemd-analyze security --offline=yes: $exposures (2.0 or less is OK)"
  echo "  amd64 in Debian 12: ftel-agent installed alone and run, then all three installed with apt," \
    "upgraded keeping a changed conffile, removed, purged clean"
  if grep -q '^qemu ' "$results"; then
    echo "  under qemu-user: $(awk '$1 == "qemu" { printf "%s%s", sep, $2; sep = ", " }' "$results")"
  fi
}

# Runs a step and records how long it took.
timed() {
  local name=$1 begun=$SECONDS
  shift
  "$@"
  echo "time $name $((SECONDS - begun))" >>"$results"
}

qemu_tests() {
  for arch in "${archs[@]}"; do
    [[ "$arch" == amd64 ]] || qemu_test "$arch"
  done
}

main() {
  [[ $(id -u) -eq 0 ]] || fail "run as root (mmdebstrap's root mode and chroot)"
  scripts/install-deps.sh --packages
  mkdir -p "$work"
  : >"$results"
  timed build build
  version=$(dpkg-deb --field "$out/ftel-agent_"*_amd64.deb Version)
  timed lintian lint
  check_manual
  timed install install_test
  timed qemu qemu_tests
  summary
}

main
