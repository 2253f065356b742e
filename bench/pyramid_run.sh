#!/usr/bin/env bash
# A national-scale run on this box: a mosquitto and an ftel-aggregator of its
# own (free loopback ports, a fresh state file), ftel-loadgen with the MIIT
# pyramid against them, and the CPU and memory of all three sampled from
# /proc every 5 s. Prints the generator's report, then per process the CPU
# it used while every node was publishing (in cores) and its resident
# memory. Needs the bench preset built (or FTEL_BUILD_DIR naming another
# build with ftel-aggregator and ftel-loadgen).
#
#   bench/pyramid_run.sh                               # 43,715 factories, 10 s, 300 s
#   FACTORIES=5000 DURATION_S=60 bench/pyramid_run.sh  # a shorter one
#   FACTORY_RESULTS_MS=0 bench/pyramid_run.sh          # every factory every recompute
#   SAVE_INTERVAL_MS=0 bench/pyramid_run.sh            # save and commit after every batch
#   OUTPUTS=JSON_ONLY bench/pyramid_run.sh             # the aggregator's `outputs`
#   FLAT_VIEWS=GROUP_FLAT_VIEWS bench/pyramid_run.sh   # the aggregator's `flat_views`
#   bench/pyramid_run.sh --nodes-per-factory 2         # extra ftel-loadgen flags
#   FTEL_KEEP_RUN=1 bench/pyramid_run.sh               # keep the logs and samples
#   PAHO_FLOOR=1 bench/pyramid_run.sh                  # the floor: a bare Paho client instead
#
# PAHO_FLOOR=1 runs ftel_bench_paho_floor in the aggregator's place: it
# receives and acknowledges the same reports and publishes as many retained
# messages of the aggregator's sizes (FLOOR_BYTES: a factory's JSON result,
# protobuf result, flat view and a node's commit, measured in a pyramid run)
# as the aggregator would at these intervals (one node per factory), and does
# nothing else. Its CPU is what Paho alone costs at this traffic; the
# generator then finds no results (its verdict is not "exact" and the script
# exits 3, as expected).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/lib/free_port.sh"
build=${FTEL_BUILD_DIR:-$root/build/bench}
factories=${FACTORIES:-43715}
interval_ms=${INTERVAL_MS:-10000}
duration_s=${DURATION_S:-300}
# Each factory's own results at most every 30 s (the groups' and the fleet's
# every recompute); FACTORY_RESULTS_MS=0 publishes every factory on every
# recompute, the aggregator's default.
factory_results_ms=${FACTORY_RESULTS_MS:-30000}
# The state saved and the commits sent at most every 30 s; SAVE_INTERVAL_MS=0
# saves after every batch, the aggregator's default.
save_interval_ms=${SAVE_INTERVAL_MS:-30000}
floor=${PAHO_FLOOR:-}
floor_bytes=${FLOOR_BYTES:-3617,695,1838,42}
for bin in "$build/ftel-aggregator" "$build/ftel-loadgen" ${floor:+"$build/bench/ftel_bench_paho_floor"}; do
  [[ -x "$bin" ]] || { echo "pyramid_run: $bin missing: build the bench preset first" >&2; exit 1; }
done
run=$(mktemp -d)
pids=()
cleanup() {
  [[ ${#pids[@]} -gt 0 ]] && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [[ -n "${FTEL_KEEP_RUN:-}" ]]; then
    echo "logs and samples kept in $run" >&2
  else
    rm -rf "$run"
  fi
}
trap cleanup EXIT

port=$(free_port)
http_port=$(free_port)
# Unbounded queues: at the end the generator subscribes to every factory's
# retained result at once, more than mosquitto's default 1,000 queued
# messages per client.
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n' "$port" \
  >"$run/mosquitto.conf"
"$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$run/mosquitto.conf" \
  >"$run/mosquitto.log" 2>&1 &
mosquitto_pid=$!
pids+=("$mosquitto_pid")
sleep 0.5
cat >"$run/aggregator.yaml" <<CONF
broker: {uri: 'tcp://127.0.0.1:$port', client_id: pyramid-aggregator}
catalogue_path: $root/config/scenario-catalogue.tsv
state_file: $run/aggregator.db
http_listen: 127.0.0.1:$http_port
factory_results_min_interval_ms: $factory_results_ms
save_interval_ms: $save_interval_ms
${OUTPUTS:+outputs: $OUTPUTS}
${FLAT_VIEWS:+flat_views: $FLAT_VIEWS}
CONF
echo "pyramid_run: factory_results_min_interval_ms $factory_results_ms," \
  "save_interval_ms $save_interval_ms${OUTPUTS:+, outputs $OUTPUTS}${FLAT_VIEWS:+, flat_views $FLAT_VIEWS}" >&2
results_args=(--aggregator-port "$http_port" --results-timeout-s 300)
if [[ -n "$floor" ]]; then
  ((factory_results_ms > 0 && save_interval_ms > 0)) || {
    echo "pyramid_run: PAHO_FLOOR needs FACTORY_RESULTS_MS and SAVE_INTERVAL_MS above 0" >&2; exit 1; }
  IFS=, read -r json_b pb_b flat_b commit_b <<<"$floor_bytes"
  results_per_s=$(awk -v f="$factories" -v ms="$factory_results_ms" 'BEGIN { print f * 1000 / ms }')
  commits_per_s=$(awk -v f="$factories" -v ms="$save_interval_ms" 'BEGIN { print f * 1000 / ms }')
  streams="$json_b:$results_per_s,$pb_b:$results_per_s,$flat_b:$results_per_s,$commit_b:$commits_per_s"
  echo "pyramid_run: the Paho floor publishes $streams (bytes:messages per s)" >&2
  "$build/bench/ftel_bench_paho_floor" --broker "tcp://127.0.0.1:$port" --topics "$factories" \
    --publish "$streams" >"$run/aggregator.log" 2>&1 &
  results_args=(--results-timeout-s 1)
else
  "$build/ftel-aggregator" --config "$run/aggregator.yaml" >"$run/aggregator.log" 2>&1 &
fi
aggregator_pid=$!
pids+=("$aggregator_pid")
for _ in $(seq 1 100); do
  grep -q subscribed "$run/aggregator.log" && break
  kill -0 "$aggregator_pid" 2>/dev/null || { cat "$run/aggregator.log" >&2; exit 1; }
  sleep 0.1
done

"$build/ftel-loadgen" --broker "tcp://127.0.0.1:$port" --factories "$factories" --pyramid \
  --interval-ms "$interval_ms" --duration-s "$duration_s" "${results_args[@]}" "$@" \
  >"$run/loadgen.out" 2>"$run/loadgen.log" &
loadgen_pid=$!
pids+=("$loadgen_pid")

# One line per 5 s: seconds since the start, then per process the CPU
# ticks used so far and the resident KiB.
ticks=$(getconf CLK_TCK)
sample() {  # pid
  local stat
  stat=($(cut -d' ' -f14,15 "/proc/$1/stat" 2>/dev/null || echo "0 0"))
  echo "$((stat[0] + stat[1])) $(awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0)"
}
# The aggregator's threads: thread id and CPU ticks so far, one per line.
sample_threads() {
  local task utime stime
  for task in /proc/"$aggregator_pid"/task/*; do
    read -r utime stime < <(cut -d' ' -f14,15 "$task/stat" 2>/dev/null || echo "0 0")
    echo "${task##*/} $((utime + stime))"
  done
}
from=$((interval_ms / 1000 + 10))
to=$((duration_s))
start=$(date +%s)
while kill -0 "$loadgen_pid" 2>/dev/null; do
  elapsed=$(($(date +%s) - start))
  echo "$elapsed $(sample "$aggregator_pid") $(sample "$mosquitto_pid")" \
    "$(sample "$loadgen_pid")" >>"$run/samples"
  if ((elapsed >= from)) && [[ ! -s "$run/threads.first" ]]; then
    sample_threads >"$run/threads.first"
    echo "$elapsed" >"$run/threads.first_s"
  fi
  if ((elapsed <= to)); then
    sample_threads >"$run/threads.last"
    echo "$elapsed" >"$run/threads.last_s"
  fi
  sleep 5
done
set +e
wait "$loadgen_pid"
status=$?
set -e
peak=$(awk '/VmHWM/{print $2}' "/proc/$aggregator_pid/status")
cat "$run/loadgen.out"
if [[ -n "$floor" ]]; then
  kill -TERM "$aggregator_pid"
  wait "$aggregator_pid" || true
  cat "$run/aggregator.log"
fi
# While every node publishes: from one interval (plus the generator's
# connect and announcement, a few seconds) after the start to the end of
# the schedule (from and to above).
echo "== $(date -u +%Y-%m-%d), $(nproc) cores; CPU in cores from ${from} s to ${to} s after the start"
name=${floor:+paho floor}
awk -v from="$from" -v to="$to" -v ticks="$ticks" -v peak="$peak" -v name="${name:-ftel-aggregator}" '
  $1 >= from && first == "" { first = $0 }
  $1 <= to { last = $0 }
  END {
    split(first, a); split(last, b)
    seconds = b[1] - a[1]
    if (seconds <= 0) { print "too short a run to measure"; exit }
    printf "%-16s %8s %12s\n", "process", "cores", "RSS MiB"
    printf "%-16s %8.2f %12.0f (peak %.0f)\n", name, (b[2] - a[2]) / ticks / seconds, b[3] / 1024, peak / 1024
    printf "%-16s %8.2f %12.0f\n", "mosquitto", (b[4] - a[4]) / ticks / seconds, b[5] / 1024
    printf "%-16s %8.2f %12.0f\n", "ftel-loadgen", (b[6] - a[6]) / ticks / seconds, b[7] / 1024
  }' "$run/samples"
# The aggregator by thread over the same time: its main thread (the loop:
# ingest, saves, recomputes, result publishes) and the others by use (Paho
# C's receive and send threads are the two busiest of them).
if [[ -s "$run/threads.first" && -s "$run/threads.last" ]]; then
  seconds=$(($(cat "$run/threads.last_s") - $(cat "$run/threads.first_s")))
  if ((seconds > 0)); then
    # Per thread: "main" or "other", and its cores, busiest first.
    by_thread=$(awk -v pid="$aggregator_pid" -v ticks="$ticks" -v seconds="$seconds" '
      NR == FNR { first[$1] = $2; next }
      { printf "%s %.2f\n", ($1 == pid ? "main" : "other"), ($2 - first[$1]) / ticks / seconds }
      ' "$run/threads.first" "$run/threads.last" | sort -k2 -rn)
    echo "${name:-ftel-aggregator} threads: main $(awk '$1 == "main" { print $2 }' <<<"$by_thread") cores;" \
      "others $(awk '$1 == "other" && $2 >= 0.01 { printf "%s ", $2 }' <<<"$by_thread")"
  fi
fi
exit "$status"
