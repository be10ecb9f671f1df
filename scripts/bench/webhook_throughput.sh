#!/usr/bin/env bash
# failoverd's webhook path against a Flask baseline, side by side in one run, loopback only.
#   1. A burst of BURST concurrent firing webhooks (one connection each): Docker starts caused.
#   2. wrk -t2 -c50 for DURATION s, per payload, failoverd then the Flask baseline
#      (scripts/bench/flask_webhook.py): requests/s, p50/p99, ratio, and for failoverd the Docker
#      calls and state saves (each is two fsyncs) per webhook, from failoverd's own metrics.
#      Payloads (scripts/bench/webhook_payloads.py): a captured Alertmanager body whose alerts match
#      no trigger; a duplicate of the firing trigger the cloud copy already runs for; a 1 MiB body.
#   3. A soak of SOAK webhooks (both small payloads, alternating) in two halves: RSS after each.
# With SERVICES=N (N > 1) failoverd manages N services, each its own container, all triggered by
# the same OnPremDown: every webhook fans out to N controllers (run it beside SERVICES=1).
# Needs dockerd and the onprem-api image (scripts/build_image.sh); run under scripts/with_dockerd.sh.
# Prints each figure as soon as it is measured.
# Usage: DURATION=10 SOAK=100000 BURST=2000 SERVICES=1 scripts/bench/webhook_throughput.sh [path/to/failoverd]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
. scripts/bench/wrk_load.sh
duration="${DURATION:-10}"; soak="${SOAK:-100000}"; burst="${BURST:-2000}"; services="${SERVICES:-1}"
failoverd_bin="${1:-$(scripts/build_failoverd.sh)}"
work=$(mktemp -d /tmp/webhook-bench.XXXXXX)
container="cloud-webhook-bench-$$"
port=$(free_port); flask_port=$(free_port)
cloud_ports=(); for _ in $(seq "$services"); do cloud_ports+=("$(free_port)"); done
new_token "$work/token"; token=$(cat "$work/token")
failoverd_pid=""; flask_pid=""
cleanup() {
    stop_pid "$failoverd_pid" "$flask_pid"
    for index in $(seq "$services"); do docker rm -f "$(container_name "$index")" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
container_name() { if [ "$services" = 1 ]; then echo "$container"; else echo "$container-$1"; fi; }

python=python3
if ! python3 -c 'import flask' 2>/dev/null; then
    [ -x .build-bench/venv/bin/python ] || { python3 -m venv .build-bench/venv && .build-bench/venv/bin/pip install -q flask; }
    python=.build-bench/venv/bin/python
fi
python3 scripts/bench/webhook_payloads.py "$work"

# The burst opens one connection per webhook at once; the systemd unit sets LimitNOFILE the same way.
ulimit -n 8192
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
hold_down_seconds: 600
state_directory: $work/state
YAML
if [ "$services" = 1 ]; then
    printf 'container: {name: %s, image: onprem-api:latest, env: [SITE=cloud, PORT=%s]}\n' "$container" "${cloud_ports[0]}" >>"$work/failoverd.yml"
else
    printf 'container: {image: onprem-api:latest}\nservices:\n' >>"$work/failoverd.yml"
    for index in $(seq "$services"); do
        printf '  - {name: s%s, container: {name: %s, env: [SITE=cloud, PORT=%s]}}\n' \
            "$index" "$(container_name "$index")" "${cloud_ports[$((index - 1))]}" >>"$work/failoverd.yml"
    done
fi
"$failoverd_bin" serve --config "$work/failoverd.yml" >"$work/failoverd.log" 2>&1 &
failoverd_pid=$!
"$python" scripts/bench/flask_webhook.py "$flask_port" >"$work/flask.log" 2>&1 &
flask_pid=$!
wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
for index in $(seq "$services"); do
    wait_for 20 bash -c "[ \"\$(docker inspect -f '{{.State.Status}}' $(container_name "$index"))\" = created ]"
done
wait_for 20 curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"alerts":[]}' "http://127.0.0.1:$flask_port/failover"

# metric NAME_PREFIX [LABEL_FILTER]: the sum of every series of a failoverd metric (0 when absent).
metric() {
    curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" | awk -v name="$1" -v filter="${2:-}" \
        'index($1, name) == 1 && (filter == "" || index($1, filter)) {sum += $NF} END {printf "%d", sum}'
}
has_metric() { curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" | grep -c "^$1" >/dev/null; }
docker_calls() { metric failoverd_docker_operation_duration_seconds_count; }
state_saves() { metric failoverd_state_saves_total; }
# load URL BODY_FILES [extra wrk args]: runs wrk, prints "requests/s p50_ms p99_ms non2xx requests".
load() { local url=$1 bodies=$2; shift 2; wrk_load "$url" "$bodies" "$token" "$work/wrk.out" "$@"; }

rss_start=$(rss_mib "$failoverd_pid")
calls_before=$(docker_calls); starts_before=$(metric failoverd_actions_total 'action="start",result="success"')
burst_replies=$(python3 scripts/bench/burst.py "http://127.0.0.1:$port/failover" "$work/duplicate.json" "$token" "$burst")
burst_starts=$(($(metric failoverd_actions_total 'action="start",result="success"') - starts_before))
burst_calls=$(($(docker_calls) - calls_before))
for cloud_port in "${cloud_ports[@]}"; do wait_for 10 curl -fsS "http://127.0.0.1:$cloud_port/health"; done

rss_before=$(rss_mib "$failoverd_pid"); flask_rss_before=$(rss_mib "$flask_pid")
echo "failoverd: $failoverd_bin, $services service(s)"
echo "machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
echo "burst: $burst concurrent firing webhooks -> replies $burst_replies, Docker starts $burst_starts, Docker calls $burst_calls"
echo "load: wrk -t2 -c50 -d${duration}s per row"
row() { printf '%-12s %-10s %10s %8s %8s %8s %8s %14s %12s\n' "$@"; }
row payload target 'req/s' 'p50 ms' 'p99 ms' non-2xx ratio 'docker/webhook' 'saves/webhook'
for payload in non-trigger duplicate large; do
    calls=$(docker_calls); saves=$(state_saves)
    read -r rps p50 p99 bad total < <(load "http://127.0.0.1:$port/failover" "$work/$payload.json" -d "${duration}s")
    per_call=$(awk -v d=$(($(docker_calls) - calls)) -v n="$total" 'BEGIN {printf "%.4f", d / n}')
    per_save=$(awk -v d=$(($(state_saves) - saves)) -v n="$total" 'BEGIN {printf "%.4f", d / n}')
    # Builds before the counter existed saved on every webhook; say so instead of printing 0.
    has_metric failoverd_state_saves_total || per_save=n/a
    read -r base_rps base_p50 base_p99 base_bad _ < <(load "http://127.0.0.1:$flask_port/failover" "$work/$payload.json" -d "${duration}s")
    ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.1fx", a / b}')
    row "$payload" failoverd "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$bad" "$ratio" "$per_call" "$per_save"
    row "$payload" flask "$base_rps" "$(to_ms "$base_p50")" "$(to_ms "$base_p99")" "$base_bad" 1.0x - -
done
rss_after=$(rss_mib "$failoverd_pid"); flask_rss_after=$(rss_mib "$flask_pid")

# soak COUNT: both small payloads, alternating, in 1-s wrk runs until failoverd has answered COUNT
# more webhooks (at most 10 min); prints how many it answered.
soak() {
    local start; start=$(metric failoverd_webhook_requests_total)
    local deadline=$((SECONDS + 600))
    while [ $(($(metric failoverd_webhook_requests_total) - start)) -lt "$1" ] && [ "$SECONDS" -lt "$deadline" ]; do
        load "http://127.0.0.1:$port/failover" "$work/non-trigger.json,$work/duplicate.json" -d 1s >/dev/null
    done
    echo $(($(metric failoverd_webhook_requests_total) - start))
}
calls=$(docker_calls); saves=$(state_saves)
soak_first=$(soak $((soak / 2)))
rss_half=$(rss_mib "$failoverd_pid")
soak_second=$(soak $((soak / 2)))
rss_end=$(rss_mib "$failoverd_pid")
soak_calls=$(($(docker_calls) - calls)); soak_saves=$(($(state_saves) - saves))
has_metric failoverd_state_saves_total || soak_saves=n/a
echo "soak: $((soak_first + soak_second)) webhooks (non-trigger and duplicate alternating) -> Docker calls $soak_calls, state saves $soak_saves"
echo "failoverd RSS MiB: start $rss_start, after burst $rss_before, after load $rss_after, soak half $rss_half, soak end $rss_end"
echo "failoverd RSS at soak end, by kind: $(awk '/RssAnon|RssFile/ {printf "%s %.1f MiB  ", $1, $2 / 1024}' "/proc/$failoverd_pid/status")(file: the binary's own mapped code)"
echo "flask RSS MiB: before load $flask_rss_before, after load $flask_rss_after"
