#!/usr/bin/env bash
# The ftel demo: installs what is missing, builds in Release, starts mosquitto
# on a free loopback port, the plant simulator (ftel-plant-sim: Modbus TCP,
# Prometheus metrics, a Sparkplug B edge node; docs/plant-simulator.md), the
# aggregator and three factory agents that read it, and shows the live fleet
# table. Ctrl-C stops everything it started.
#
#   scripts/demo.sh                  # until Ctrl-C
#   FTEL_DEMO_SECONDS=20 scripts/demo.sh   # stop by itself after 20 s
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/install-deps.sh"

build="$root/build/release"
(cd "$root" && cmake --preset release >/dev/null && cmake --build --preset release -j"$(nproc)")

run="$root/build/demo-run"
rm -rf "$run"
mkdir -p "$run"

source "$root/scripts/lib/free_port.sh"
port=$(free_port)
http_port=$(free_port)
ws_port=$(free_port)
modbus_port=$(free_port)
sim_port=$(free_port)

pids=()
cleanup() {
  trap - EXIT INT TERM
  [[ ${#pids[@]} -eq 0 ]] && exit 0
  echo "demo: stopping ${#pids[@]} processes"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "demo: stopped; logs are in $run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mosquitto_bin=$(command -v mosquitto || echo /usr/sbin/mosquitto)
# The delivery settings docs/operations.md recommends (persistence, autosave,
# queue limit, TCP_NODELAY), on loopback and without logins.
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nautosave_interval 10\nmax_queued_messages 100000\nset_tcp_nodelay true\n' \
  "$port" "$run" >"$run/mosquitto.conf"
# The web dashboard (docs/dashboard.md): built from dashboard/ with npm, served by a
# WebSockets listener's http_dir. mosquitto 2.0.11 binds a WebSockets listener to
# every address, so the demo broker can be reached from the network there.
dashboard="needs node and npm: scripts/install-deps.sh --tests"
if command -v npm >/dev/null && "$root/dashboard/build.sh" "$root/build/dashboard" >"$run/dashboard-build.log" 2>&1; then
  printf 'listener %s\nprotocol websockets\nhttp_dir %s\n' "$ws_port" "$root/build/dashboard" >>"$run/mosquitto.conf"
  dashboard="http://127.0.0.1:$ws_port/"
fi
"$mosquitto_bin" -c "$run/mosquitto.conf" >"$run/mosquitto.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

# The plant the agents read: its Modbus server, its metrics and controls, and
# one factory's line as a Sparkplug B edge node on the demo broker.
"$build/ftel-plant-sim" --modbus "127.0.0.1:$modbus_port" --metrics "127.0.0.1:$sim_port" \
  --sparkplug-broker "tcp://127.0.0.1:$port" --group plant --edge-node tangshan-steel \
  >"$run/plant-sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$sim_port") 2>/dev/null && break
  sleep 0.1
done

# The demo configs, pointed at this broker, the simulator and the repository's catalogue.
for config in "$root"/config/demo/*.yaml; do
  sed -e "s|^  uri: .*|  uri: tcp://127.0.0.1:$port|" \
      -e "s|tcp://127.0.0.1:1883\b|tcp://127.0.0.1:$port|" \
      -e "s|^\( *\)port: 1502\b|\1port: $modbus_port|" \
      -e "s|http://127.0.0.1:9102/|http://127.0.0.1:$sim_port/|" \
      -e "s|^catalogue_path: .*|catalogue_path: $root/config/scenario-catalogue.tsv|" \
      -e "s|^http_listen: .*|http_listen: 127.0.0.1:$http_port|" \
      "$config" >"$run/$(basename "$config")"
done

"$build/ftel-aggregator" --config "$run/aggregator.yaml" >"$run/aggregator.log" 2>&1 &
pids+=($!)
for agent in suzhou-electronics foshan-appliances tangshan-steel; do
  "$build/ftel-agent" --config "$run/$agent.yaml" >"$run/$agent.log" 2>&1 &
  pids+=($!)
done
echo "demo: broker tcp://127.0.0.1:$port, metrics http://127.0.0.1:$http_port/metrics, logs in $run; Ctrl-C to stop"
echo "demo: dashboard $dashboard"
echo "demo: plant simulator modbus 127.0.0.1:$modbus_port, metrics http://127.0.0.1:$sim_port/metrics, figures http://127.0.0.1:$sim_port/figures"
echo "demo: stop/start its Modbus server: curl http://127.0.0.1:$sim_port/control/modbus/stop (and .../start)"
echo "demo: what a source reads: $build/ftelctl probe-source $run/suzhou-electronics.yaml plc --window-s 2"

count=()
if [[ -n "${FTEL_DEMO_SECONDS:-}" ]]; then
  count=(--count "$(( (FTEL_DEMO_SECONDS + 1) / 2 ))")
fi
"$build/ftelctl" fleet --broker "tcp://127.0.0.1:$port" --refresh-s 2 "${count[@]}"
