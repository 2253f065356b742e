#!/usr/bin/env bash
# The checks scripts/package-test.sh runs in a fresh Debian 12 root (an
# mmdebstrap customize hook; ROOT is the root's path): installs the amd64
# packages with apt, so that their dependencies come from the archive, and
# checks the programs, the configs, the units (systemd-analyze verify and
# security), an upgrade that keeps a changed conffile, a remove that keeps
# config and state, and a purge that leaves nothing behind. Appends
# `key value` lines to RESULTS for the summary. Exits non-zero on a failure.
#
#   scripts/lib/package-test-root.sh ROOT DEB_DIR UPGRADE_DIR RESULTS
set -euo pipefail
root=${1:?usage: package-test-root.sh ROOT DEB_DIR UPGRADE_DIR RESULTS}
debs=${2:?}
upgrade=${3:?}
results=${4:?}
units=(ftel-agent ftel-aggregator)
max_exposure=2.0

in_root() {
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"
}
fail() {
  echo "package-test: FAILED: $*" >&2
  exit 1
}
step() {
  echo "package-test: $*" >&2
}
result() {
  echo "$*" >>"$results"
}

# The three packages of a directory (not their -dbgsym), as paths in the root.
copy_in() {
  local from=$1 to=$2 package
  mkdir -p "$root$to"
  for package in ftel-agent ftel-aggregator ftelctl; do
    cp "$from/${package}"_*_amd64.deb "$root$to/"
  done
  ls "$root$to" | sed "s|^|$to/|"
}

apt_install() {
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    </dev/null >"$root/tmp/apt.log" 2>&1 || { tail -n 20 "$root/tmp/apt.log" >&2; fail "apt-get install $*"; }
}

version_of() {
  in_root dpkg-query -W -f '${Version}' "$1"
}

check_programs() {
  local version=$1 out
  for program in ftel-agent ftel-aggregator; do
    out=$(in_root "$program" --version) || fail "$program --version"
    [[ "$out" == "$program ${version%%[+~-]*}" ]] || fail "$program --version printed '$out'"
    step "$out"
  done
  for config in agent aggregator; do
    in_root ftelctl validate-config "/etc/ftel/$config.yaml" >&2 || fail "ftelctl validate-config /etc/ftel/$config.yaml"
  done
  in_root getent passwd ftel >/dev/null || fail "no ftel user after the install"
  in_root getent group ftel >/dev/null || fail "no ftel group after the install"
}

# Each Documentation= of a unit is a file of the installed packages.
check_documentation() {
  local unit=$1 uri page path
  for uri in $(sed -n 's/^Documentation=//p' "$root/lib/systemd/system/$unit.service"); do
    case "$uri" in
      man:*) page=${uri#man:}; path="/usr/share/man/man${page//[^0-9]/}/${page%%(*}.${page//[^0-9]/}.gz" ;;
      file://*) path=${uri#file://} ;;
      *) fail "$unit.service: Documentation=$uri is neither man: nor file:" ;;
    esac
    [[ -e "$root$path" ]] || fail "$unit.service: Documentation=$uri: no $path in the packages"
  done
}

check_units() {
  local unit line score
  for unit in "${units[@]}"; do
    check_documentation "$unit"
    in_root systemd-analyze verify --man=no "/lib/systemd/system/$unit.service" >"$root/tmp/verify.log" 2>&1 \
      || { cat "$root/tmp/verify.log" >&2; fail "systemd-analyze verify $unit.service"; }
    [[ ! -s "$root/tmp/verify.log" ]] || { cat "$root/tmp/verify.log" >&2; fail "systemd-analyze verify $unit.service warned"; }
    line=$(in_root systemd-analyze security --offline=yes "/lib/systemd/system/$unit.service" \
      | grep 'Overall exposure level') || fail "systemd-analyze security $unit.service"
    score=$(sed -n 's/.*: \([0-9.]*\) .*/\1/p' <<<"$line")
    step "$unit.service: ${line#→ }"
    awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s != "" && s <= m) }' \
      || fail "$unit.service: exposure $score, more than $max_exposure"
    result "exposure $unit $score"
  done
}

# What the unit's StateDirectory= does before a start, then the daemon as
# the ftel user for a moment, with its packaged config.
run_briefly() {
  local program=$1
  in_root install -d -o ftel -g ftel -m 0750 /var/lib/ftel
  in_root timeout -s TERM 3 setpriv --reuid=ftel --regid=ftel --init-groups \
    "$program" --config "/etc/ftel/${program#ftel-}.yaml" >"$root/tmp/$program.log" 2>&1 || true
}

# What the issue's user does on a gateway: `apt install ./ftel-agent_*.deb`
# and nothing else (Recommends as apt's default). The agent starts on its
# packaged config with its built-in catalogue.
check_agent_alone() {
  local deb
  deb=$(ls "$root"/tmp/ftel-debs/ftel-agent_*_amd64.deb)
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/ftel-debs/$(basename "$deb")" \
    </dev/null >"$root/tmp/apt.log" 2>&1 || { tail -n 20 "$root/tmp/apt.log" >&2; fail "apt-get install ./ftel-agent_*.deb alone"; }
  [[ "$(in_root dpkg-query -W -f '${Status}' ftelctl 2>/dev/null || true)" != "install ok installed" ]] \
    || fail "installing ftel-agent alone installed ftelctl"
  run_briefly ftel-agent
  [[ -s "$root/var/lib/ftel/spool/session" ]] || { cat "$root/tmp/ftel-agent.log" >&2; fail "ftel-agent alone made no /var/lib/ftel/spool/session"; }
  step "ftel-agent installed alone ($(version_of ftel-agent)) runs on /etc/ftel/agent.yaml"
  result "alone ftel-agent"
}

# Each daemon as the ftel user for a moment, so that there is state to keep
# and to purge.
make_state() {
  for program in ftel-agent ftel-aggregator; do run_briefly "$program"; done
  [[ -s "$root/var/lib/ftel/spool/session" ]] || { cat "$root/tmp/ftel-agent.log" >&2; fail "the agent made no /var/lib/ftel/spool/session"; }
  [[ -f "$root/var/lib/ftel/aggregator.db" ]] || { cat "$root/tmp/ftel-aggregator.log" >&2; fail "the aggregator made no /var/lib/ftel/aggregator.db"; }
}

check_upgrade() {
  local session marker='# changed by package-test'
  in_root systemctl enable ftel-agent.service >/dev/null 2>&1 || fail "systemctl enable ftel-agent"
  echo "$marker" >>"$root/etc/ftel/agent.yaml"
  session=$(cat "$root/var/lib/ftel/spool/session")
  mapfile -t newer < <(copy_in "$upgrade" /tmp/ftel-upgrade)
  apt_install "${newer[@]}"
  step "upgraded to $(version_of ftel-agent)"
  [[ "$(version_of ftel-agent)" == "$(version_of ftel-aggregator)" && "$(version_of ftel-agent)" != "$1" ]] \
    || fail "the upgrade did not install the newer packages"
  grep -qxF "$marker" "$root/etc/ftel/agent.yaml" || fail "the upgrade replaced the changed /etc/ftel/agent.yaml"
  [[ -z "$(ls "$root"/etc/ftel/*.dpkg-* 2>/dev/null)" ]] || fail "the upgrade left $(ls "$root"/etc/ftel/*.dpkg-*)"
  [[ "$(cat "$root/var/lib/ftel/spool/session")" == "$session" ]] || fail "the upgrade changed the agent's session"
  [[ -L "$root/etc/systemd/system/multi-user.target.wants/ftel-agent.service" ]] \
    || fail "the upgrade disabled ftel-agent.service"
  in_root ftelctl validate-config /etc/ftel/agent.yaml >/dev/null || fail "validate-config after the upgrade"
}

check_remove() {
  in_root dpkg --remove ftel-agent >/dev/null || fail "dpkg --remove ftel-agent"
  [[ -f "$root/etc/ftel/agent.yaml" ]] || fail "dpkg --remove deleted the conffile /etc/ftel/agent.yaml"
  [[ -f "$root/var/lib/ftel/spool/session" ]] || fail "dpkg --remove deleted the agent's spool"
}

# Everything of the packages' that could stay behind after a purge.
leftovers() {
  local path
  for path in /etc/ftel /var/lib/ftel /usr/share/ftel /usr/share/doc/ftelctl /usr/share/doc/ftel-agent \
    /usr/share/doc/ftel-aggregator /usr/bin/ftel-agent /usr/bin/ftel-aggregator /usr/bin/ftelctl \
    /lib/systemd/system/ftel-agent.service /lib/systemd/system/ftel-aggregator.service \
    /usr/lib/sysusers.d/ftel-agent.conf /usr/lib/sysusers.d/ftel-aggregator.conf; do
    if [[ -e "$root$path" || -L "$root$path" ]]; then echo "$path"; fi
  done
  (cd "$root" && find etc/systemd var/lib/systemd usr/share/man -name '*ftel*' 2>/dev/null | sed 's|^|/|')
}

check_purge() {
  local left
  # What dpkg leaves beside a conffile when an upgrade asked: a purge takes it too.
  cp "$root/etc/ftel/agent.yaml" "$root/etc/ftel/agent.yaml.dpkg-old"
  in_root dpkg --purge ftel-agent ftel-aggregator ftelctl >/dev/null || fail "dpkg --purge"
  left=$(leftovers)
  if [[ -n "$left" ]]; then
    echo "$left" | sed 's/^/  /' >&2
    fail "the purge left the files above behind"
  fi
  in_root dpkg-query -W 'ftel*' >/dev/null 2>&1 && fail "dpkg still knows ftel packages after the purge"
  step "purged: nothing left in /etc/ftel, /var/lib/ftel, /usr/share/ftel, the units, the sysusers files;" \
    "the ftel user stays ($(in_root getent passwd ftel | cut -d: -f1,3,6))"
  result "purge clean"
}

main() {
  local version
  mapfile -t packages < <(copy_in "$debs" /tmp/ftel-debs)
  check_agent_alone
  apt_install "${packages[@]}"
  version=$(version_of ftel-agent)
  step "installed ftel-agent, ftel-aggregator and ftelctl $version with their dependencies from the archive"
  check_programs "$version"
  check_units
  make_state
  check_upgrade "$version"
  check_remove
  check_purge
}

main
