#!/usr/bin/env bash
# Writes config/compose/*.yaml, the configs docker/compose.yaml mounts: the
# demo configs of config/demo/ with the containers' host names (broker,
# plant-sim), the images' state paths (/var/lib/ftel), the programs' built-in
# scenario catalogue and the aggregator's metrics on every interface of its
# container. With --check it
# writes nothing and fails when the committed files differ (a ctest test).
#
#   docker/make-compose-configs.sh [--check]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=0
[[ "${1:-}" == --check ]] && check=1
status=0
for demo in "$root"/config/demo/*.yaml; do
  name=$(basename "$demo")
  out="$root/config/compose/$name"
  generated=$( {
    echo "# Generated from config/demo/$name by docker/make-compose-configs.sh: edit that file."
    sed -e 's|tcp://127\.0\.0\.1:1883|tcp://broker:1883|' \
        -e 's|^\( *\)host: 127\.0\.0\.1|\1host: plant-sim|' \
        -e 's|http://127\.0\.0\.1:9102/|http://plant-sim:9102/|' \
        -e '/^catalogue_path: /d' \
        -e 's|^spool: {dir: [^,}]*|spool: {dir: /var/lib/ftel/spool|' \
        -e 's|^state_file: .*|state_file: /var/lib/ftel/aggregator.db|' \
        -e 's|^http_listen: .*|http_listen: 0.0.0.0:9464|' \
        -e 's| *# the demo script [^#]*$||' \
        "$demo"
  } )
  if [[ $check == 1 ]]; then
    if ! diff -q <(echo "$generated") "$out" >/dev/null 2>&1; then
      echo "make-compose-configs: $out is not current: run docker/make-compose-configs.sh" >&2
      status=1
    fi
  else
    mkdir -p "$root/config/compose"
    echo "$generated" >"$out"
  fi
done
exit $status
