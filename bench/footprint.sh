#!/usr/bin/env bash
# Footprint at the default interval, side by side in one run: ftel-agent,
# both the edge build and the Release build (the demo's 20-scenario factory,
# simulated source, 10 s interval), and collectd
# (cpu + memory plugins, MQTT plugin publishing every 10 s) against the same
# mosquitto. Prints resident memory split into anonymous and file-backed, and
# CPU time used. Needs the bench and x86_64-edge presets built
# (scripts/bench.sh does it).
#
#   bench/footprint.sh [seconds]      # default 60
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/free_port.sh"
seconds=${1:-60}
# The edge build is what a factory box runs (static protobuf, Abseil and
# yaml-cpp); the Release build links everything shared.
edge_bin="$root/build/x86_64-edge/ftel-agent"
release_bin="$root/build/bench/ftel-agent"
for bin in "$edge_bin" "$release_bin"; do
  [[ -x "$bin" ]] || { echo "footprint: $bin missing: build the bench and x86_64-edge presets first (scripts/bench.sh does it)" >&2; exit 1; }
done
if ! command -v collectd >/dev/null; then
  echo "footprint: installing collectd-core for the comparison" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends collectd-core \
    libmosquitto1 >/dev/null
fi
run=$(mktemp -d)
pids=()
cleanup() {
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT

port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" >"$run/mosquitto.conf"
"$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$run/mosquitto.conf" >"$run/mosquitto.log" 2>&1 &
pids+=($!)
sleep 0.5

# The demo factory's scenarios and work units, from the seeded `simulated`
# source (the demo config reads the plant simulator, which is not run here).
simulated='{seed: 11, ai_activity: 0.9, mean_inferences: 120, planned_run_time_per_unit_s: 0.25}'
start_agent() {  # binary node_id -> pid
  sed -e "s|^  uri: .*|  uri: tcp://127.0.0.1:$port|" \
      -e "s|^  node_id: .*|  node_id: $2|" \
      -e "s|^catalogue_path: .*|catalogue_path: $root/config/scenario-catalogue.tsv|" \
      -e "s|^publish_interval_ms: .*|publish_interval_ms: 10000|" \
      -e "s|^spool: .*|spool: {dir: $run/spool-$2}|" \
      -e '/^sources:/,/^scenarios:/{/^sources:/!{/^scenarios:/!d}}' \
      -e "s|^sources:|sources:\n  - {name: line-sim, type: simulated, simulated: $simulated}|" \
      -e 's/evidence_source: [a-z-]*/evidence_source: line-sim/' \
      -e 's/\(, source: \)[a-z-]*}/\1line-sim}/' \
      "$root/config/demo/suzhou-electronics.yaml" >"$run/agent-$2.yaml"
  "$1" --config "$run/agent-$2.yaml" >"$run/agent-$2.log" 2>&1 &
  echo $!
}
edge_pid=$(start_agent "$edge_bin" edge-1)
pids+=($edge_pid)
release_pid=$(start_agent "$release_bin" edge-2)
pids+=($release_pid)

cat >"$run/collectd.conf" <<CONF
Interval 10
FQDNLookup false
Hostname "bench"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin mqtt
<Plugin mqtt>
  <Publish "bench">
    Host "127.0.0.1"
    Port $port
    ClientId "collectd-bench"
    Prefix "collectd"
    QoS 1
  </Publish>
</Plugin>
CONF
collectd -f -C "$run/collectd.conf" >"$run/collectd.log" 2>&1 &
collectd_pid=$!
pids+=($collectd_pid)

messages() { timeout 25 mosquitto_sub -p "$port" -t "$1" -C 1 -W 25 >/dev/null 2>&1 && echo yes || echo NO; }
sleep "$seconds"
edge_published=$(messages 'ftel/v1/node/+/edge-1/report')
release_published=$(messages 'ftel/v1/node/+/edge-2/report')
collectd_published=$(messages 'collectd/#')

row() {  # name pid published
  local status stat ticks
  status="/proc/$2/status"
  ticks=$(getconf CLK_TCK)
  stat=($(cut -d' ' -f14,15 "/proc/$2/stat"))
  printf '%-12s %10s %10s %10s %12.2f %10s\n' "$1" \
    "$(awk '/VmRSS/{print $2}' "$status")" "$(awk '/RssAnon/{print $2}' "$status")" \
    "$(awk '/RssFile/{print $2}' "$status")" \
    "$(awk -v u="${stat[0]}" -v s="${stat[1]}" -v t="$ticks" 'BEGIN{print (u + s) / t}')" "$3"
}
echo "== footprint after ${seconds} s at a 10 s interval, $(date -u +%Y-%m-%d), $(nproc) cores"
printf '%-12s %10s %10s %10s %12s %10s\n' PROGRAM "RSS KiB" "ANON KiB" "FILE KiB" "CPU s" PUBLISHED
row agent-edge "$edge_pid" "$edge_published"
row agent-rel "$release_pid" "$release_published"
row collectd "$collectd_pid" "$collectd_published"
