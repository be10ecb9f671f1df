#!/usr/bin/env bash
# Failover speed and memory of failoverd, against the baseline an SRE would script by hand.
#   failoverd: webhook received → cloud /health 200, with the container pre-created (one `start`).
#   baseline:  `docker run -d` of the same image → /health 200 (create + start on the failover path).
# Then failoverd's resident memory idle and after a burst of webhooks. Loopback only.
# DOCKER_PROXY=1: failoverd talks to dockerd through the shipped socket proxy
# (haproxy/docker-socket-proxy.cfg), as on the cloud host; the baseline still uses dockerd's socket.
# Usage: RUNS=10 BURST=2000 [DOCKER_PROXY=1] scripts/bench/failoverd_cycle.sh [path/to/failoverd]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
runs="${RUNS:-10}"; burst="${BURST:-2000}"
failoverd_bin="${1:-$(swift build -c release --show-bin-path)/failoverd}"
work=$(mktemp -d /tmp/failoverd-bench.XXXXXX)
container="cloud-bench-$$"; baseline="baseline-bench-$$"
port=$(free_port); cloud_port=$(free_port)
new_token "$work/token"; token=$(cat "$work/token")
pid=""; proxy_pid=""
cleanup() {
    stop_pid "$pid" "$proxy_pid"
    docker rm -f "$container" "$baseline" >/dev/null 2>&1 || true
    [ -n "${KEEP_WORK:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
docker_socket=/var/run/docker.sock
if [ "${DOCKER_PROXY:-0}" = 1 ]; then
    docker_socket=$work/docker-proxy.sock
    DOCKER_SOCKET=/var/run/docker.sock PROXY_SOCKET=$docker_socket PROXY_SOCKET_GROUP=root \
        haproxy -db -f haproxy/docker-socket-proxy.cfg >"$work/proxy.log" 2>&1 &
    proxy_pid=$!
    wait_for 10 test -S "$docker_socket"
fi
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
hold_down_seconds: 0
stop_budget: {max_stops: 1000, window_seconds: 60}
reconcile_interval_seconds: 0.2
state_directory: $work/state
docker: {socket: $docker_socket}
container:
  name: $container
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port, SHUTDOWN_DRAIN_SECONDS=0]
  stop_timeout_seconds: 5
YAML
"$failoverd_bin" serve --config "$work/failoverd.yml" >"$work/log" 2>&1 &
pid=$!
wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
wait_for 20 bash -c "[ \"\$(docker inspect -f '{{.State.Status}}' $container)\" = created ]"

# The body is written before the clock starts: Python's start-up is not failoverd's time.
webhook_body() {  # webhook_body firing|resolved STARTS: writes $work/body.json
    local ends="0001-01-01T00:00:00Z"; [ "$1" = resolved ] && ends=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
    python3 scripts/lib/webhook_body.py --status "$1" --fingerprint bench --starts-at "$2" --ends-at "$ends" >"$work/body.json"
}
webhook() {  # webhook: POSTs $work/body.json, prints the status code
    curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        "http://127.0.0.1:$port/failover" --data-binary "@$work/body.json"
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

failover=(); replies=(); base=()
for i in $(seq 1 "$runs"); do
    starts=$(date -u -d "+$i seconds" +%Y-%m-%dT%H:%M:%SZ)
    webhook_body firing "$starts"
    t0=$(date +%s%N)
    webhook >"$work/code" &
    webhook_pid=$!
    until curl -fsS "http://127.0.0.1:$cloud_port/health" >/dev/null 2>&1; do sleep 0.002; done
    failover+=($((($(date +%s%N) - t0) / 1000000)))
    wait "$webhook_pid"; replies+=("$(cat "$work/code")")
    webhook_body resolved "$starts" && webhook >/dev/null
    wait_for 30 bash -c "[ \"\$(docker inspect -f '{{.State.Status}}' $container)\" = exited ]"

    t0=$(date +%s%N)
    docker run -d --name "$baseline" --network host -e PORT="$cloud_port" onprem-api:latest >/dev/null
    until curl -fsS "http://127.0.0.1:$cloud_port/health" >/dev/null 2>&1; do sleep 0.002; done
    base+=($((($(date +%s%N) - t0) / 1000000)))
    docker rm -f "$baseline" >/dev/null
done
idle=$(rss_kib)
starts=$(date -u -d "+$((runs + 60)) seconds" +%Y-%m-%dT%H:%M:%SZ)  # a newer episode than every cycle above
webhook_body firing "$starts" && webhook >/dev/null
burst_started=$(date +%s%N)
seq 1 "$burst" | xargs -P 8 -I{} curl -s -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$port/failover" --data-binary "@$work/body.json"
burst_ms=$((($(date +%s%N) - burst_started) / 1000000))
after=$(rss_kib)
starts_total=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" | awk '/^failoverd_actions_total\{action="start",result="success"\}/ {print $2}')

fm=$(median "${failover[@]}"); bm=$(median "${base[@]}")
echo "runs: $runs   failoverd binary: $failoverd_bin   Docker: $([ -n "$proxy_pid" ] && echo "through the socket proxy" || echo "dockerd's socket")"
echo "webhook → cloud /health 200 (failoverd, pre-created): median ${fm} ms   runs: ${failover[*]}   replies: ${replies[*]}"
echo "docker run → /health 200 (baseline, create+start):    median ${bm} ms   runs: ${base[*]}"
echo "ratio failoverd / baseline: $(awk -v a="$fm" -v b="$bm" 'BEGIN {printf "%.2f", a / b}')"
echo "resident memory idle after $runs cycles: $((idle / 1024)) MiB"
echo "burst: $burst duplicate firing webhooks (8 concurrent) in ${burst_ms} ms; resident after: $((after / 1024)) MiB; starts total: ${starts_total} (one per cycle + 1 for the burst = $((runs + 1)))"
