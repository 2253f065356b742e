#!/usr/bin/env bash
# Makes the debian:bookworm and debian:bookworm-slim base images from Debian's
# archive with mmdebstrap when podman has none (no image registry reachable):
# docker/Dockerfile then builds unchanged. Does nothing when they exist.
#
#   docker/make-base-image.sh
set -euo pipefail
for tag in docker.io/library/debian:bookworm-slim docker.io/library/debian:bookworm; do
  podman image exists "$tag" && continue
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [[ -n "$mirror" ]] || mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list)
  slim=()
  # As Debian's own -slim image: no manuals, documentation (but the
  # copyrights) or translations, also for what is installed later.
  [[ "$tag" == *-slim ]] && slim=(--dpkgopt='path-exclude=/usr/share/man/*'
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*')
  echo "make-base-image: $tag from $mirror" >&2
  mmdebstrap --quiet --variant=apt "${slim[@]}" bookworm - "$mirror" | podman import - "$tag" >/dev/null
done
