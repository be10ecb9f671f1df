#!/usr/bin/env bash
# How fast failoverd brings back a cloud copy that died behind its back (`docker kill` while
# failed over): kill → the copy's /health answers 200 again, RUNS times. Run it with two builds
# side by side, e.g. one that only polls (reconcile loop) and one that follows Docker's events.
# Each binary runs with its own default reconcile interval. Loopback only; needs dockerd and the
# onprem-api image.
# Usage: RUNS=10 scripts/bench/cloud_restart.sh path/to/failoverd [path/to/other-failoverd ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
runs="${RUNS:-10}"
work=$(mktemp -d /tmp/cloud-restart-bench.XXXXXX)
container="cloud-restart-bench-$$"
pid=""
cleanup() {
    stop_pid "$pid"
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
new_token "$work/token"

for binary in "$@"; do
    port=$(free_port); cloud_port=$(free_port)
    rm -rf "$work/state"
    cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
state_directory: $work/state
container:
  name: $container
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port]
YAML
    "$binary" serve --config "$work/failoverd.yml" >"$work/log" 2>&1 &
    pid=$!
    wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
    post_webhook "$port" "$work/token" firing restart-bench
    wait_for 20 curl -fsS "http://127.0.0.1:$cloud_port/health"
    times=()
    for _ in $(seq 1 "$runs"); do
        # failoverd's start ends when Docker reports healthy; a kill before that fails the start
        # itself (and makes the reconcile loop back off), which is another scenario.
        wait_for 30 bash -c "[ \"\$(docker inspect -f '{{.State.Health.Status}}' $container)\" = healthy ]"
        sleep 0.5
        started_before=$(docker inspect -f '{{.State.StartedAt}}' "$container")
        killed=$(millis)
        docker kill "$container" >/dev/null
        # A new process (not the killed one still dying) answers; bounded at 120 s.
        until [ "$(docker inspect -f '{{.State.StartedAt}}' "$container")" != "$started_before" ] \
            && curl -fsS "http://127.0.0.1:$cloud_port/health" >/dev/null 2>&1; do
            [ $(($(millis) - killed)) -gt 120000 ] && break
            sleep 0.005
        done
        times+=($(($(millis) - killed)))
    done
    echo "$binary: killed → /health 200 again, median $(median "${times[@]}") ms; runs (ms): ${times[*]}"
    stop_pid "$pid"; pid=""
    docker rm -f "$container" >/dev/null
done
