#!/usr/bin/env bash
# failoverd with 1 tracked trigger alert beside failoverd at its tracked-alert cap (10,000
# distinct firing fingerprints, max_tracked_alerts' default), one after the other on this
# machine, loopback only: the duplicate-webhook path under wrk (req/s, p50, p99), one notice over
# the cap, /status (bytes, time), state.json's size, RSS, and restart to ready. A trigger that
# matches a high-cardinality alert by mistake is what fills the state this far.
# Needs dockerd and the onprem-api image; run under scripts/with_dockerd.sh.
# Usage: DURATION=10 scripts/bench/tracked_alerts.sh [path/to/failoverd]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
duration="${DURATION:-10}"
failoverd_bin="${1:-$(scripts/build_failoverd.sh)}"
work=$(mktemp -d /tmp/tracked-bench.XXXXXX)
container="cloud-tracked-bench-$$"
port=$(free_port); cloud_port=$(free_port)
new_token "$work/token"; token=$(cat "$work/token")
failoverd_pid=""
cleanup() {
    stop_pid "$failoverd_pid"
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

python3 scripts/bench/webhook_payloads.py "$work"
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
hold_down_seconds: 600
max_body_bytes: 16777216
state_directory: $work/state
container: {name: $container, image: onprem-api:latest, env: [SITE=cloud, PORT=$cloud_port]}
YAML

start_failoverd() { start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$port" 60; }
post() {  # post FILE: prints the reply's HTTP code
    curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        --data-binary "@$1" "http://127.0.0.1:$port/failover"
}
# flood FIRST COUNT FILE: a firing webhook of COUNT distinct OnPremDown alerts into FILE.
flood() {
    python3 scripts/bench/flood_body.py "$1" "$2" "$3"
}
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# measure TRACKED: one run from a fresh state; prints one row.
measure() {
    local tracked=$1 first=0 chunk
    stop_pid "$failoverd_pid"; failoverd_pid=""
    docker rm -f "$container" >/dev/null 2>&1 || true
    rm -rf "$work/state"
    start_failoverd
    post "$work/duplicate.json" >/dev/null
    wait_for 30 curl -fsS "http://127.0.0.1:$cloud_port/health"
    while [ "$first" -lt $((tracked - 1)) ]; do
        chunk=$((tracked - 1 - first)); [ "$chunk" -gt 2500 ] && chunk=2500
        flood "$first" "$chunk" "$work/flood.json"
        [ "$(post "$work/flood.json")" = 200 ] || { echo "flood webhook refused" >&2; exit 1; }
        first=$((first + chunk))
    done
    BODY_FILES="$work/duplicate.json" TOKEN="$token" wrk -t2 -c50 --latency -d "${duration}s" -s scripts/bench/post_body.lua \
        "http://127.0.0.1:$port/failover" >"$work/wrk.out" 2>&1
    read -r rps p50 p99 bad < <(awk '/Requests\/sec/ {r = $2} /^ +50%/ {a = $2} /^ +99%/ {b = $2} /Non-2xx/ {n = $NF}
        END {printf "%s %s %s %d\n", r, a, b, n}' "$work/wrk.out")
    flood 90000000 1 "$work/over.json"
    local over_code over_ms status_bytes status_ms state_kib rss ready_ms started
    started=$(millis); over_code=$(post "$work/over.json"); over_ms=$(($(millis) - started))
    read -r status_bytes status_ms < <(curl -fsS -o /dev/null -w '%{size_download} %{time_total}\n' \
        -H "Authorization: Bearer $token" "http://127.0.0.1:$port/status" | awk '{printf "%d %.1f\n", $1, $2 * 1000}')
    state_kib=$(du -k "$work/state/state.json" | cut -f1)
    rss=$(rss_mib "$failoverd_pid")
    stop_pid "$failoverd_pid"; failoverd_pid=""
    started=$(millis); start_failoverd; ready_ms=$(($(millis) - started))
    printf '%-8s %9s %8s %8s %7s %12s %11s %10s %9s %8s %9s\n' "$tracked" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$bad" \
        "$over_code/${over_ms}ms" "$status_bytes" "$status_ms" "$state_kib" "$rss" "$ready_ms"
    echo "$rps" >"$work/rps-$tracked"
}

echo "failoverd: $failoverd_bin"
echo "machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
echo "duplicate webhook: wrk -t2 -c50 -d${duration}s; over cap: one new fingerprint"
printf '%-8s %9s %8s %8s %7s %12s %11s %10s %9s %8s %9s\n' tracked 'req/s' 'p50 ms' 'p99 ms' non-2xx 'over cap' \
    'status B' 'status ms' 'state KiB' 'RSS MiB' 'ready ms'
measure 1
measure 10000
awk -v a="$(cat "$work/rps-10000")" -v b="$(cat "$work/rps-1")" 'BEGIN {printf "duplicate req/s at the cap / with one alert: %.2fx\n", a / b}'
