#!/usr/bin/env bash
# The compose demo, for real: builds the images of docker/Dockerfile with
# podman (Docker's engine is not needed), brings docker/compose.yaml up with
# podman-compose on free loopback ports, and checks what a user would look
# at: three factories in `ftelctl fleet` run in its container, the
# containers' health checks, the dashboard page served by the broker, the
# aggregator's /metrics, the non-root users; then takes it down with its
# volumes. Prints the image sizes. Exits non-zero on any failure.
#
#   scripts/compose-test.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/install-deps.sh" --containers
export CONTAINERS_CONF="$root/docker/podman/containers.conf"
docker/make-base-image.sh
# This machine's own certificate authorities (a TLS-inspecting proxy in front
# of the npm registry) for the image build (docker/ca/README.md).
cp /usr/local/share/ca-certificates/*.crt docker/ca/ 2>/dev/null || true

source "$root/scripts/lib/free_port.sh"
export FTEL_MQTT_PORT=$(free_port) FTEL_DASHBOARD_PORT=$(free_port) FTEL_METRICS_PORT=$(free_port)
project=ftel-test-$$
compose=(podman-compose -p "$project" -f docker/compose.yaml)
logs=$root/build/compose-test
mkdir -p "$logs"

down() {
  "${compose[@]}" logs >"$logs/compose.log" 2>&1 || true
  "${compose[@]}" down -v >/dev/null 2>&1 || true
}
fail() {
  echo "compose-test: FAILED: $*" >&2
  echo "compose-test: the containers' logs are in $logs/compose.log" >&2
  exit 1
}
trap down EXIT

echo "compose-test: building the images" >&2
for target in broker aggregator agent ftelctl plant-sim; do
  nice -n 10 podman build --quiet --format docker --target "$target" -f docker/Dockerfile \
    -t "localhost/ftel/$target:0.1.0" . >"$logs/build-$target.log" 2>&1 \
    || { tail -20 "$logs/build-$target.log" >&2; fail "podman build --target $target"; }
done
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep 'localhost/ftel/' | sort |
  sed 's/^/compose-test: image /' >&2

echo "compose-test: up (mqtt 127.0.0.1:$FTEL_MQTT_PORT, dashboard :$FTEL_DASHBOARD_PORT, metrics :$FTEL_METRICS_PORT)" >&2
"${compose[@]}" up -d >"$logs/up.log" 2>&1 || { cat "$logs/up.log" >&2; fail "compose up"; }

# The fleet table from the ftelctl container, as the README says to run it.
table=""
for _ in $(seq 1 60); do
  table=$("${compose[@]}" run --rm ftelctl fleet --count 1 2>/dev/null || true)
  [[ $(grep -cE 'suzhou-electronics|foshan-appliances|tangshan-steel' <<<"$table") -ge 3 ]] && break
  sleep 2
done
echo "$table" >"$logs/fleet.txt"
for factory in suzhou-electronics foshan-appliances tangshan-steel; do
  grep -qE "^$factory .* yes " <<<"$table" || fail "the fleet table lacks $factory online:"$'\n'"$table"
done
grep -A6 '^FACTORY' <<<"$table" >&2
echo "compose-test: ftelctl fleet shows the three factories online" >&2

# Health checks, run as the engine would (podman has no timer without systemd).
for service in aggregator agent-suzhou agent-foshan agent-tangshan; do
  container=$(podman ps --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.service=$service" --format '{{.Names}}' | head -1)
  [[ -n "$container" ]] || fail "no running container for $service"
  ok=0
  for _ in $(seq 1 20); do
    if podman healthcheck run "$container" >/dev/null 2>&1; then ok=1; break; fi
    sleep 2
  done
  [[ $ok == 1 ]] || fail "$service is unhealthy"
  user=$(podman exec "$container" id -u)
  [[ "$user" != 0 ]] || fail "$service runs as root"
done
echo "compose-test: aggregator and agents healthy, none running as root" >&2

curl -fsS "http://127.0.0.1:$FTEL_METRICS_PORT/metrics" | grep -q 'ftel_factory_online{factory="suzhou-electronics"} 1' ||
  fail "the aggregator's /metrics on 127.0.0.1:$FTEL_METRICS_PORT lacks an online suzhou-electronics"
curl -fsS "http://127.0.0.1:$FTEL_DASHBOARD_PORT/" | grep -qi '<html' ||
  fail "the broker does not serve the dashboard on 127.0.0.1:$FTEL_DASHBOARD_PORT"
echo "compose-test: /metrics and the dashboard page answer on loopback" >&2
echo "compose-test: passed" >&2
