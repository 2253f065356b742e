#!/usr/bin/env bash
# Writes the dpkg database of a root that mmdebstrap's extract variant made
# (which unpacks packages without recording them), from the .deb files left
# in ROOT/var/cache/apt/archives: var/lib/dpkg/status, and per package its
# file list, shlibs and symbols. The file lists name the files where they are
# on this machine (ROOT/usr/lib/...), which is where dpkg-shlibdeps finds
# them when given `--admindir=ROOT/var/lib/dpkg -lROOT/usr/lib/TRIPLET`:
# it can then compute the Depends of a program built for ROOT's architecture
# as it does for a native one (scripts/build-packages.sh).
#
#   scripts/lib/dpkg-db-from-debs.sh ROOT
set -euo pipefail
root=$(realpath "${1:?usage: dpkg-db-from-debs.sh ROOT}")
db=$root/var/lib/dpkg
debs=("$root"/var/cache/apt/archives/*.deb)
[[ -f "${debs[0]}" ]] || { echo "dpkg-db-from-debs: no .deb files in $root/var/cache/apt/archives" >&2; exit 1; }

# The name dpkg gives the package's files in info/: arch-qualified for
# Multi-Arch: same packages.
info_name() {
  local deb=$1 package multi_arch
  package=$(dpkg-deb --field "$deb" Package)
  multi_arch=$(dpkg-deb --field "$deb" Multi-Arch)
  if [[ "$multi_arch" == same ]]; then
    echo "$package:$(dpkg-deb --field "$deb" Architecture)"
  else
    echo "$package"
  fi
}

record() {
  local deb=$1 name control
  name=$(info_name "$deb")
  { dpkg-deb --field "$deb"; echo "Status: install ok installed"; echo; } >>"$db/status.new"
  dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./||' -e 's|/$||' -e '/^$/d' \
    -e "s|^|$root/|" >"$db/info/$name.list"
  control=$(mktemp -d)
  dpkg-deb --control "$deb" "$control"
  for file in shlibs symbols; do
    if [[ -f "$control/$file" ]]; then cp "$control/$file" "$db/info/$name.$file"; fi
  done
  rm -rf "$control"
}

mkdir -p "$db/info" "$db/updates"
# The info/ layout with arch-qualified names, as dpkg writes it.
echo 1 >"$db/info/format"
rm -f "$db/info/"*.* "$db/status.new"
for deb in "${debs[@]}"; do record "$deb"; done
mv "$db/status.new" "$db/status"
