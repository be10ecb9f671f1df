#!/usr/bin/env bash
# Builds onprem-api as a -static-executable release binary and packs it into a FROM-scratch image
# tagged onprem-api:latest (or $IMAGE) and labelled with the build's version. No registry is used,
# so it works on air-gapped hosts.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
FAILOVER_KIT_VERSION="${FAILOVER_KIT_VERSION:-$(scripts/version.sh)}"
export FAILOVER_KIT_VERSION
image="${IMAGE:-onprem-api:latest}"
started=$(date +%s%N)

swift build -c release --product onprem-api -Xswiftc -static-executable
binary="$(swift build -c release --product onprem-api -Xswiftc -static-executable --show-bin-path)/onprem-api"

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$binary" "$context/onprem-api"
strip "$context/onprem-api" 2>/dev/null || true
cp docker/onprem-api.Dockerfile "$context/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$image" \
    --label org.opencontainers.image.version="$FAILOVER_KIT_VERSION" \
    --label org.opencontainers.image.revision="${FAILOVER_KIT_VERSION#*+git}" "$context" >/dev/null

size=$(docker image inspect -f '{{.Size}}' "$image")
echo "built $image ($FAILOVER_KIT_VERSION): $((size / 1048576)) MiB in $((($(date +%s%N) - started) / 1000000000)) s"
