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
  "${compose[@]}" down -v >"$logs/down.log" 2>&1 || true
  # What podman-compose 1.0.3 may leave: the project's network always, and
  # after a failed assertion sometimes its containers and volumes too.
  podman ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r podman rm -f -v >/dev/null 2>&1 || true
  podman volume ls -q | grep "^${project}_" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
}

# A retained result, read through the broker's port published on loopback.
retained() {
  mosquitto_sub -h 127.0.0.1 -p "$FTEL_MQTT_PORT" -t "$1" -C 1 -W 10 2>/dev/null
}
# A field of a JSON document on stdin, by a Python expression on `d`.
json() {
  /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
container_of() {
  podman ps --filter "label=com.docker.compose.project=$project" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -1
}
# What the aggregator was doing when an assertion failed: its /healthz and,
# per thread, the kernel's view (name, state, the syscall it waits in).
aggregator_state() {
  local container pid task
  container=$(container_of aggregator 2>/dev/null) || return 0
  [[ -n "$container" ]] || return 0
  echo "compose-test: the aggregator's /healthz:" >&2
  curl -sS -m 5 "http://127.0.0.1:$FTEL_METRICS_PORT/healthz" >&2 || true
  echo >&2
  pid=$(podman inspect -f '{{.State.Pid}}' "$container" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || return 0
  for task in /proc/"$pid"/task/*; do
    echo "compose-test: aggregator thread $(cat "$task/comm" 2>/dev/null):" \
      "$(awk '{print $3}' "$task/stat" 2>/dev/null) wchan=$(cat "$task/wchan" 2>/dev/null)" \
      "syscall=$(cut -d' ' -f1 "$task/syscall" 2>/dev/null)" >&2
  done
}
fail() {
  echo "compose-test: FAILED: $*" >&2
  aggregator_state
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

# The fleet's retained result carries the demo configs' declared rates:
# 15 + 9 + 3 of 3 x 20 built scenarios.
fleet=$(retained ftel/v1/rates/fleet)
declared=$(json '"%d/%d" % (d["declared"]["pooled"]["numerator"], d["declared"]["pooled"]["denominator"])' <<<"$fleet")
[[ "$declared" == "27/60" ]] || fail "the fleet's pooled declared rate is $declared, not 27/60"
echo "compose-test: the retained fleet result: declared $declared, as the demo configs say" >&2

# Health checks, run as the engine would (podman has no timer without systemd).
for service in aggregator agent-suzhou agent-foshan agent-tangshan; do
  container=$(container_of "$service")
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

# Each page is read whole before it is searched: `curl | grep -q` fails
# under pipefail when grep stops reading at its first match.
metrics=$(curl -fsS "http://127.0.0.1:$FTEL_METRICS_PORT/metrics") ||
  fail "the aggregator's /metrics on 127.0.0.1:$FTEL_METRICS_PORT does not answer"
grep -q 'ftel_factory_online{factory="suzhou-electronics"} 1' <<<"$metrics" ||
  fail "the aggregator's /metrics on 127.0.0.1:$FTEL_METRICS_PORT lacks an online suzhou-electronics"
page=$(curl -fsS "http://127.0.0.1:$FTEL_DASHBOARD_PORT/") ||
  fail "the broker does not answer for the dashboard on 127.0.0.1:$FTEL_DASHBOARD_PORT"
grep -qi '<html' <<<"$page" ||
  fail "the broker does not serve the dashboard on 127.0.0.1:$FTEL_DASHBOARD_PORT"
echo "compose-test: /metrics and the dashboard page answer on loopback" >&2

# The broker container goes away for 10 s: the agents spool, then deliver;
# nothing is lost or counted twice.
restarted_ms=$(($(date +%s%3N) + 10000))
podman stop -t 5 "${project}_broker_1" >/dev/null
sleep 10
podman start "${project}_broker_1" >/dev/null
for _ in $(seq 1 60); do
  drained=1
  for factory in suzhou-electronics foshan-appliances tangshan-steel; do
    summary=$(retained "ftel/v1/rates/factory/$factory" || true)
    [[ -n "$summary" ]] || { drained=0; break; }
    ok=$(json 'int(int(d["last_window_end_ms"]) > '"$restarted_ms"' and int(d["agent_spool_pending"]) <= 2)' <<<"$summary")
    [[ "$ok" == 1 ]] || { drained=0; break; }
  done
  [[ $drained == 1 ]] && break
  sleep 2
done
[[ $drained == 1 ]] || fail "the agents did not deliver their spools after the broker came back"
for agent in agent-suzhou agent-foshan agent-tangshan; do podman stop -t 20 "$(container_of "$agent")" >/dev/null; done
for factory in suzhou-electronics foshan-appliances tangshan-steel; do
  agent=agent-${factory%%-*}
  stopped=$(podman logs "${project}_${agent}_1" 2>&1 | grep 'INFO stopped:' | tail -1)
  [[ -n "$stopped" ]] || fail "$agent did not stop cleanly"
  produced=$(sed -E 's/.*last sequence ([0-9]+).*/\1/' <<<"$stopped")
  left=$(sed -E 's/.* ([0-9]+) left in the spool.*/\1/' <<<"$stopped")
  delivered=0 duplicated=0 completeness=0
  for _ in $(seq 1 30); do
    summary=$(retained "ftel/v1/rates/factory/$factory")
    delivered=$(json 'd["reports"]' <<<"$summary")
    duplicated=$(json 'd["duplicates"]' <<<"$summary")
    completeness=$(json 'd["completeness"].get("percent", 0)' <<<"$summary")
    [[ $((delivered + left)) -ge $produced ]] && break
    sleep 1
  done
  lost=$((produced - delivered - left))
  echo "compose-test: broker restart, $factory: produced=$produced delivered=$delivered duplicated=$duplicated left_in_spool=$left lost=$lost completeness=$completeness%" >&2
  [[ $lost == 0 ]] || fail "$factory lost $lost reports across the broker restart"
  /usr/bin/python3 -c "import sys; sys.exit(0 if float('$completeness') <= 100 else 1)" ||
    fail "$factory shows completeness $completeness% (above 100%)"
done

# The ARM images of the edge agent: cross-compiled by the builder, their
# runtime extracted from Debian's packages (no emulation needed).
for platform in linux/arm64 linux/arm/v7; do
  tag="localhost/ftel/agent-edge:0.1.0-${platform//\//-}"
  nice -n 10 podman build --quiet --format docker --platform "$platform" \
    --build-arg BUILDPLATFORM="linux/$(dpkg --print-architecture)" --target agent-edge \
    -f docker/Dockerfile -t "$tag" . >"$logs/build-${platform//\//-}.log" 2>&1 ||
    { tail -20 "$logs/build-${platform//\//-}.log" >&2; fail "podman build --platform $platform --target agent-edge"; }
  arch=$(podman image inspect --format '{{.Architecture}}' "$tag")
  size=$(podman image inspect --format '{{.Size}}' "$tag")
  # The image's files, to look at and to run under qemu-user with the
  # image's own libraries: its runtime is complete.
  rootfs="$logs/rootfs-${platform//\//-}"
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  container=$(podman create "$tag" 2>/dev/null)
  podman export "$container" | tar -x -C "$rootfs" 2>/dev/null || true
  podman rm -v "$container" >/dev/null 2>&1  # and its anonymous volume
  elf=$(file "$rootfs/usr/bin/ftel-agent")
  case "$platform" in linux/arm64) qemu=qemu-aarch64 ;; *) qemu=qemu-arm ;; esac
  version=$("$qemu" -L "$rootfs" "$rootfs/usr/bin/ftel-agent" --version 2>&1 | head -1)
  [[ "$version" == "ftel-agent "* ]] ||
    fail "the $platform agent does not run on its image's libraries: $version"
  echo "compose-test: $platform: $version runs on its image's own libraries (qemu-user)" >&2
  echo "compose-test: image $tag: architecture $arch, $((size / 1024 / 1024)) MB" >&2
  case "$platform" in
    linux/arm64) want="ARM aarch64" ;;
    *) want="ARM, EABI5" ;;
  esac
  grep -q "$want" <<<"$elf" || fail "the $platform agent is not $want: $elf"
  echo "compose-test: $platform agent: ${elf#*: }" | cut -c1-160 >&2
done
echo "compose-test: passed" >&2
