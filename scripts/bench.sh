#!/usr/bin/env bash
# Builds the benchmarks in Release and prints their figures. Not pass/fail.
# The machine is shared and noisy: compare figures from one run.
#
#   scripts/bench.sh            # everything
#   FTEL_BENCH_MAX_FACTORIES=10000 scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/install-deps.sh --tests >&2
cmake --preset bench >/dev/null
cmake --build --preset bench -j"$(nproc)" >&2
# The footprint is measured on the edge build too, as deployed.
cmake --preset x86_64-edge >/dev/null
cmake --build --preset x86_64-edge -j"$(nproc)" >&2
echo "== machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(date -u +%Y-%m-%d)"
echo "== encode and decode+validate, one core (typical report: 40 scenarios, 20 work units)"
build/bench/bench/ftel_bench_encode --benchmark_min_time=1 2>/dev/null | grep -E "BM_|Benchmark"
echo "== aggregator scaling: CPU per report and state memory by fleet size"
build/bench/bench/ftel_bench_aggregator_scaling "${FTEL_BENCH_MAX_FACTORIES:-100000}"
echo "== the broker path: agent publish and aggregator ingest against bare Paho, latency"
build/bench/bench/ftel_bench_mqtt_path "${FTEL_BENCH_REPORTS:-50000}" 2>/dev/null
echo "== footprint at the default interval against collectd"
bench/footprint.sh "${FTEL_FOOTPRINT_SECONDS:-60}"
