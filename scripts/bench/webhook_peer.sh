#!/usr/bin/env bash
# failoverd's webhook path beside the peer an SRE would script with: Debian's `webhook` (Go,
# adnanh/webhook 2.8), on the same Alertmanager body (captured; its alerts trigger nothing), the
# same bearer token and the same load (wrk -t2 -c50), in interleaved rounds so each sees the same
# machine. webhook's hook has a trigger rule on the Authorization header, the status and the
# alertname and would execute /bin/true; failoverd checks the same and more (media type, auth
# scheme, duplicate keys, caps). A second failoverd binary (B: a build of another commit) runs in
# the same rounds, for an A/B of two builds. Prints per round req/s, p50 and p99 of each and the
# ratios to webhook, then RSS idle and after the rounds. With PROFILE=1, one more run of A under
# `perf record -e cpu-clock` and its 25 hottest symbols (self time), demangled.
# Needs dockerd and the onprem-api image (failoverd pre-creates its standby); run under
# scripts/with_dockerd.sh. Loopback only.
# Usage: ROUNDS=4 DURATION=10 PROFILE=0 scripts/bench/webhook_peer.sh [FAILOVERD_A] [FAILOVERD_B]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
. scripts/bench/wrk_load.sh
rounds="${ROUNDS:-4}"; duration="${DURATION:-10}"; profile="${PROFILE:-0}"
binaries=("${1:-$(scripts/build_failoverd.sh)}")
[ -n "${2:-}" ] && binaries+=("$2")
command -v webhook >/dev/null || { echo "needs Debian's webhook: apt-get install webhook" >&2; exit 2; }
work=$(mktemp -d /tmp/webhook-peer.XXXXXX)
new_token "$work/token"; token=$(cat "$work/token")
pids=()
cleanup() {
    stop_pid "${pids[@]}"
    for index in "${!binaries[@]}"; do docker rm -f "webhook-peer-$$-$index" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
python3 scripts/bench/webhook_payloads.py "$work" >/dev/null

# failoverd A (and B), each with its own state and standby.
ports=(); names=()
for index in "${!binaries[@]}"; do
    port=$(free_port); ports+=("$port"); names+=("failoverd-$([ "$index" = 0 ] && echo A || echo B)")
    cat >"$work/failoverd-$index.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
state_directory: $work/state-$index
container: {name: webhook-peer-$$-$index, image: onprem-api:latest, env: [SITE=cloud, PORT=$(free_port)]}
YAML
    "${binaries[$index]}" serve --config "$work/failoverd-$index.yml" >"$work/failoverd-$index.log" 2>&1 &
    pids+=("$!")
    wait_for 20 curl -fsS "http://127.0.0.1:$port/health"
done
# The Go peer, its rule the same checks of the same body.
peer_port=$(free_port)
cat >"$work/hooks.json" <<JSON
[{"id": "failover", "execute-command": "/bin/true", "http-methods": ["POST"],
  "trigger-rule": {"and": [
    {"match": {"type": "value", "value": "Bearer $token", "parameter": {"source": "header", "name": "Authorization"}}},
    {"match": {"type": "value", "value": "firing", "parameter": {"source": "payload", "name": "status"}}},
    {"match": {"type": "value", "value": "OnPremDown", "parameter": {"source": "payload", "name": "commonLabels.alertname"}}}]}}]
JSON
webhook -hooks "$work/hooks.json" -ip 127.0.0.1 -port "$peer_port" >"$work/webhook.log" 2>&1 &
pids+=("$!")
wait_for 20 curl -fsS -o /dev/null -X POST -d '{}' "http://127.0.0.1:$peer_port/hooks/failover"
urls=(); for port in "${ports[@]}"; do urls+=("http://127.0.0.1:$port/failover"); done
names+=(webhook); urls+=("http://127.0.0.1:$peer_port/hooks/failover")
targets=$((${#names[@]}))

echo "machine: $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(date -u +%Y-%m-%d)"
for index in "${!binaries[@]}"; do echo "${names[$index]}: ${binaries[$index]} ($(wc -c <"${binaries[$index]}") B)"; done
echo "webhook: $(webhook -version | head -1)"
echo "load: wrk -t2 -c50 -d${duration}s, the captured non-trigger body, the bearer token; $rounds interleaved rounds"
idle=(); for pid in "${pids[@]}"; do idle+=("$(rss_mib "$pid")"); done
row() { printf '%-6s %-12s %10s %8s %8s %8s %10s\n' "$@"; }
row round target 'req/s' 'p50 ms' 'p99 ms' non-2xx 'vs webhook'
declare -A sum
for round in $(seq "$rounds"); do
    # Each round starts with another target, so none always runs on a machine warmed by the rest.
    results=()
    for step in $(seq 0 $((targets - 1))); do
        target=$(((step + round - 1) % targets))
        read -r rps p50 p99 bad _ < <(wrk_load "${urls[$target]}" "$work/non-trigger.json" "$token" "$work/wrk.out" -d "${duration}s")
        results[target]="$rps $(to_ms "$p50") $(to_ms "$p99") $bad"
    done
    peer_rps=${results[$((targets - 1))]%% *}
    for target in $(seq 0 $((targets - 1))); do
        read -r rps p50 p99 bad <<<"${results[$target]}"
        sum[$target]=$(awk -v a="${sum[$target]:-0}" -v b="$rps" 'BEGIN {print a + b}')
        row "$round" "${names[$target]}" "$rps" "$p50" "$p99" "$bad" "$(awk -v a="$rps" -v b="$peer_rps" 'BEGIN {printf "%.2f", a / b}')"
    done
done
for target in $(seq 0 $((targets - 1))); do
    mean=$(awk -v s="${sum[$target]}" -v n="$rounds" 'BEGIN {printf "%.0f", s / n}')
    row mean "${names[$target]}" "$mean" - - - "$(awk -v a="${sum[$target]}" -v b="${sum[$((targets - 1))]}" 'BEGIN {printf "%.2f", a / b}')"
done
for index in "${!pids[@]}"; do
    pid=${pids[$index]}
    echo "${names[$index]} RSS MiB: idle ${idle[$index]}, after the rounds $(rss_mib "$pid")" \
        "($(awk '/RssAnon|RssFile/ {printf "%s %.1f ", $1, $2 / 1024}' "/proc/$pid/status"))"
done

if [ "$profile" = 1 ]; then
    perf record -e cpu-clock -F 999 -g -o "$work/perf.data" -p "${pids[0]}" -- sleep "$duration" >/dev/null 2>&1 &
    perf_pid=$!
    read -r rps _ < <(wrk_load "${urls[0]}" "$work/non-trigger.json" "$token" "$work/wrk.out" -d "${duration}s")
    wait "$perf_pid" || true
    echo "profile of ${names[0]} at $rps req/s (perf record -e cpu-clock -F 999; self time, top 25):"
    perf report -i "$work/perf.data" --stdio --no-children --sort symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | sed -n 1,25p |
        swift demangle --simplified | sed -E 's/^ +//' | cut -c1-160
fi
