#!/usr/bin/env bash
# What one server connection per request (`option http-server-close` in haproxy/haproxy.cfg)
# costs: the shipped haproxy.cfg beside the same file without that line (HAProxy reusing its
# server connections), in front of one onprem-api container, under wrk -t2 -c32 for DURATION s
# each, alternating, ROUNDS times. Prints requests/s and latency p50/p99 for both and their
# ratio, and how many server connections HAProxy opened per request (each leaves a local port in
# TIME_WAIT for 60 s on the HAProxy host). Loopback only: a WAN adds one
# round trip per request to the connection-per-request side. Needs dockerd and the onprem-api
# image (scripts/build_image.sh).
# Usage: scripts/bench/haproxy_server_close.sh [DURATION (10)] [ROUNDS (3)]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
duration=${1:-10}; rounds=${2:-3}
work=$(mktemp -d /tmp/haproxy-server-close-bench.XXXXXX)
container="haproxy-bench-onprem-$$"
haproxy_pid=""
cleanup() {
    stop_pid "$haproxy_pid"
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

onprem_port=$(free_port)
docker run -d --name "$container" --network host -e SITE=onprem -e PORT="$onprem_port" onprem-api:latest >/dev/null
wait_for 20 curl -fsS "http://127.0.0.1:$onprem_port/health"
cp haproxy/haproxy.cfg "$work/close.cfg"
grep -v '^    option http-server-close$' haproxy/haproxy.cfg >"$work/reuse.cfg"
cmp -s "$work/close.cfg" "$work/reuse.cfg" && { echo "haproxy.cfg has no 'option http-server-close' line" >&2; exit 1; }

# run CONFIG: HAProxy (unprivileged lines dropped: it runs as this user) under wrk; prints
# "requests/s p50_ms p99_ms connections-opened-per-request".
run() {
    local api_port metrics_port; api_port=$(free_port); metrics_port=$(free_port)
    grep -vE '^    (user|group|chroot) ' "$work/$1.cfg" >"$work/run.cfg"
    HAPROXY_BIND="127.0.0.1:$api_port" HAPROXY_METRICS_BIND="127.0.0.1:$metrics_port" ONPREM_ADDR="127.0.0.1:$onprem_port" \
        CLOUD_ADDR="127.0.0.1:$(free_port)" CLOUD_PLAIN_HTTP=1 HAPROXY_STATS_SOCKET="$work/admin.sock" haproxy -db -f "$work/run.cfg" >"$work/haproxy.log" 2>&1 &
    haproxy_pid=$!
    wait_for 20 curl -fsS "http://127.0.0.1:$api_port/"
    wrk -t2 -c32 --latency -d "${duration}s" "http://127.0.0.1:$api_port/" >"$work/wrk.out" 2>&1
    curl -fsS "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics.txt"
    stop_pid "$haproxy_pid"; haproxy_pid=""
    awk '
        function ms(v) { n = v + 0; if (v ~ /us$/) return n / 1000; if (v ~ /ms$/) return n; return n * 1000 }
        FNR == NR && /^haproxy_server_connection_attempts_total\{proxy="api",server="onprem"\}/ {opened = $2; next}
        FNR == NR {next}
        /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = ms($2)} /^ +99%/ {p99 = ms($2)} /requests in/ {total = $1}
        END {printf "%.0f %.2f %.2f %.3f\n", rps, p50, p99, opened / total}' "$work/metrics.txt" "$work/wrk.out"
}

echo "machine: $(nproc) vCPU, $(date -u +%Y-%m-%d), $(haproxy -v | head -1 | cut -d' ' -f1-3); wrk -t2 -c32 -d${duration}s per run"
printf '%-6s %-28s %-28s %s\n' round "connection per request" "connections reused" "ratio (per request / reused)"
for round in $(seq 1 "$rounds"); do
    read -r close_rps close_p50 close_p99 close_opened < <(run close)
    read -r reuse_rps reuse_p50 reuse_p99 reuse_opened < <(run reuse)
    printf '%-6s %-28s %-28s %s\n' "$round" \
        "$close_rps/s p50 ${close_p50} p99 ${close_p99} ms" "$reuse_rps/s p50 ${reuse_p50} p99 ${reuse_p99} ms" \
        "$(awk -v a="$close_rps" -v b="$reuse_rps" -v c="$close_p99" -v d="$reuse_p99" 'BEGIN {printf "req/s %.2f, p99 %.2f", a / b, c / d}')"
    echo "       server connections opened per request: $close_opened per request, $reuse_opened reused"
done
