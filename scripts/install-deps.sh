#!/usr/bin/env bash
# Installs the Debian 12 packages ftel needs and that are missing; does nothing
# when all are present (so the demo then runs without network).
#
#   scripts/install-deps.sh            # build + demo
#   scripts/install-deps.sh --tests    # also what the native test suite needs
#   scripts/install-deps.sh --cross    # also ARM cross compilers, qemu-user, mmdebstrap
#   scripts/install-deps.sh --containers  # also podman and podman-compose (scripts/compose-test.sh)
#   scripts/install-deps.sh --packages # also debhelper, lintian, mmdebstrap, systemd, qemu-user
#                                      # (scripts/build-packages.sh, scripts/package-test.sh)
set -euo pipefail

packages=(
  g++ cmake make
  protobuf-compiler libprotobuf-dev libabsl-dev
  libpaho-mqtt-dev libpaho-mqttpp-dev libssl-dev libyaml-cpp-dev libsqlite3-dev
  libcurl4-openssl-dev libmodbus-dev
  prometheus-cpp-dev
  libcli11-dev
  mosquitto mosquitto-clients
)
for option in "$@"; do
  case "$option" in
    --tests) packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang-format openssl clang-14 python3 faketime
                        libclang-rt-14-dev nodejs chromium fonts-wqy-microhei prometheus
                        python3-prometheus-client python3-pymodbus python3-serial-asyncio)
             # Debian's nodejs comes without npm; other builds of nodejs bring their own.
             command -v npm >/dev/null || packages+=(npm) ;;
    --cross) packages+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user mmdebstrap file) ;;
    --packages) packages+=(dpkg-dev debhelper lintian mmdebstrap systemd qemu-user binutils) ;;
    --containers) packages+=(podman podman-compose runc golang-github-containernetworking-plugin-dnsname
                             mmdebstrap curl file qemu-user) ;;
    *) echo "install-deps: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "ftel: installing missing Debian packages: ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "ftel: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
