#!/usr/bin/env bash
# Measures the onprem-api image: size, and time from `docker run` (container created and started
# by Docker) to the first /health 200 and to Docker's `healthy`, over N runs. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
image="${IMAGE:-onprem-api:latest}"
runs="${RUNS:-5}"
name="onprem-api-bench-$$"
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT

ready=(); healthy=()
for _ in $(seq 1 "$runs"); do
    port=$(free_port)
    start=$(date +%s%N)
    docker run -d --name "$name" --network host -e PORT="$port" "$image" >/dev/null
    until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do sleep 0.005; done
    ready+=($((($(date +%s%N) - start) / 1000000)))
    until [ "$(docker inspect -f '{{.State.Health.Status}}' "$name")" = healthy ]; do sleep 0.05; done
    healthy+=($((($(date +%s%N) - start) / 1000000)))
    docker rm -f "$name" >/dev/null
done
echo "image $image: $(($(docker image inspect -f '{{.Size}}' "$image") / 1048576)) MiB"
echo "docker run -> /health 200: median $(median "${ready[@]}") ms (runs: ${ready[*]})"
echo "docker run -> Docker healthy: median $(median "${healthy[@]}") ms (runs: ${healthy[*]})"
