#!/usr/bin/env bash
# Footprint at the default interval, side by side in one run: ftel-agent,
# both the edge build and the Release build (the demo's 20-scenario factory,
# simulated source, 10 s interval), and collectd
# (cpu + memory plugins, MQTT plugin publishing every 10 s) against the same
# mosquitto. Prints resident memory split into anonymous and file-backed, and
# CPU time used, in all and per minute after the start. Needs the bench and
# x86_64-edge presets built (scripts/bench.sh does it).
#
#   bench/footprint.sh [seconds]      # default 60
#   AGENTS="before=/tmp/a/ftel-agent after=build/x86_64-edge/ftel-agent" bench/footprint.sh
#                                     # other builds, side by side in one run
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/free_port.sh"
seconds=${1:-60}
# The edge build is what a factory box runs (static protobuf, Abseil and
# yaml-cpp); the Release build links everything shared.
agents=${AGENTS:-"agent-edge=$root/build/x86_64-edge/ftel-agent agent-rel=$root/build/bench/ftel-agent"}
labels=()
bins=()
for agent in $agents; do
  labels+=("${agent%%=*}")
  bins+=("${agent#*=}")
done
for bin in "${bins[@]}"; do
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
agent_pids=()
for i in "${!bins[@]}"; do
  agent_pids+=("$(start_agent "${bins[$i]}" "node-$i")")
  pids+=("${agent_pids[$i]}")
done

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
ticks() { cut -d' ' -f14,15 "/proc/$1/stat" | awk '{print $1 + $2}'; }  # user + system
# The start (config, connect, first report) apart from the steady state.
start_s=15
(( seconds > start_s )) || { echo "footprint: run for more than $start_s s" >&2; exit 2; }
sleep "$start_s"
declare -A started
for pid in "${agent_pids[@]}" "$collectd_pid"; do started[$pid]=$(ticks "$pid"); done
sleep $((seconds - start_s))
declare -A ended
for pid in "${agent_pids[@]}" "$collectd_pid"; do ended[$pid]=$(ticks "$pid"); done

row() {  # name pid published
  local status hz now
  status="/proc/$2/status"
  hz=$(getconf CLK_TCK)
  now=${ended[$2]}
  printf '%-12s %10s %10s %10s %12.2f %16.3f %10s\n' "$1" \
    "$(awk '/VmRSS/{print $2}' "$status")" "$(awk '/RssAnon/{print $2}' "$status")" \
    "$(awk '/RssFile/{print $2}' "$status")" \
    "$(awk -v t="$now" -v hz="$hz" 'BEGIN{print t / hz}')" \
    "$(awk -v t="$now" -v s="${started[$2]}" -v hz="$hz" -v d=$((seconds - start_s)) \
      'BEGIN{print (t - s) / hz * 60 / d}')" "$3"
}
published=()
for i in "${!bins[@]}"; do published+=("$(messages "ftel/v1/node/+/node-$i/report")"); done
collectd_published=$(messages 'collectd/#')
echo "== footprint after ${seconds} s at a 10 s interval, $(date -u +%Y-%m-%d), $(nproc) cores"
echo "   (CPU s: all of it, start included; CPU s/min: from ${start_s} s on, per minute)"
printf '%-12s %10s %10s %10s %12s %16s %10s\n' PROGRAM "RSS KiB" "ANON KiB" "FILE KiB" "CPU s" \
  "CPU s/min" PUBLISHED
for i in "${!bins[@]}"; do row "${labels[$i]}" "${agent_pids[$i]}" "${published[$i]}"; done
row collectd "$collectd_pid" "$collectd_published"
