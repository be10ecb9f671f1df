#!/usr/bin/env bash
# A first rollout in observe mode, end to end: a real Alertmanager delivers a real failover's
# alerts to failoverd (mode: observe) beside the real dockerd. failoverd must decide as it would,
# say so in /status, /metrics and its log, and leave the cloud copy alone: no container made,
# none started. Then mode: act and a reload (SIGHUP, as systemctl reload sends it) must start it
# at once: the reconcile interval is 600 s, so only the switch can. Loopback only; every process
# is stopped by its PID.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-observe.XXXXXX)
failoverd_pid=""; am_pid=""
container="cloud-observe-$$"
failoverd_port=$(free_port); am_port=$(free_port); cloud_port=$(free_port)
metrics_url="http://127.0.0.1:$failoverd_port/metrics"

cleanup() {
    stop_pid "$failoverd_pid" "$am_pid"
    docker rm -f "$container" >/dev/null 2>&1
    if [ "$failed" -gt 0 ]; then
        echo "--- failoverd log (tail)"; tail -20 "$work/failoverd.log"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

container_state() {  # the cloud copy's state as Docker reports it; none when there is no container
    local state
    state=$(docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null) || state=none
    echo "$state"
}
status_has() { failoverd_status "$failoverd_port" "$work/token" | json_holds "$1"; }

new_token "$work/token"
metrics_auth=(-H "Authorization: Bearer $(cat "$work/token")")
write_config() {  # write_config MODE
    cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
mode: $1
triggers: ['alertname="OnPremDown"']
reconcile_interval_seconds: 600
state_directory: $work/state
container:
  name: $container
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port, SHUTDOWN_DRAIN_SECONDS=0]
  network_mode: host
YAML
}
write_config observe
immediate_alertmanager_config "$failoverd_port" "$work/token" "[alertname, site]" >"$work/alertmanager.yml"
check "failoverd check-config accepts mode: observe" "$failoverd_bin" check-config --config "$work/failoverd.yml"
check "failoverd starts in observe mode" start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$failoverd_port"
check "it makes no standby at startup (no container)" test "$(container_state)" = none
start_alertmanager_process am_pid "$work/alertmanager.yml" "$am_port" "$work/alertmanager"
check "Alertmanager starts on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"

posted_at=$(date +%s)
check "a firing OnPremDown is accepted by Alertmanager" \
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "site": "dc1"}' "$(rfc3339_now)"
check "Alertmanager's webhook reaches failoverd and is answered 200 (nothing for it to retry)" \
    wait_for 20 page_has "$metrics_url" 'failoverd_webhook_requests_total{code="200"}' "${metrics_auth[@]}"
check "failoverd_would_act says it would start the cloud copy" page_has "$metrics_url" '^failoverd_would_act{action="start"} 1\.0$' "${metrics_auth[@]}"
since=$(curl -fsS "${metrics_auth[@]}" "$metrics_url" | awk '$1 == "failoverd_would_act_since_timestamp_seconds" {printf "%d", $2}')
check "... and since when: the webhook's time (not before the alert was posted)" test "${since:-0}" -ge "$posted_at"
check "status says observe mode, the decision (running) and the withheld start with its time" \
    status_has '.mode == "observe" and .desired == "running" and .withheld.action == "start" and (.withheld.since | length > 0) and (.summary | startswith("OBSERVE ONLY: would start the cloud copy"))'
check "the log says what it would do, with the reason" grep -q '"observe mode: would start the cloud copy now; no action taken".*"failover.reason"' "$work/failoverd.log"
sleep 2
check "the cloud copy was never made nor started" test "$(container_state)" = none

write_config act
switched_ms=$(millis)
kill -HUP "$failoverd_pid"
check "mode: act on a reload starts the cloud copy (the reconcile interval is 600 s)" \
    wait_for 20 bash -c "[ \"\$(docker inspect -f '{{.State.Status}}' '$container' 2>/dev/null)\" = running ]"
echo "       reload with mode: act → cloud copy running: $(($(millis) - switched_ms)) ms"
check "the copy serves" wait_for 20 curl -fsS "http://127.0.0.1:$cloud_port/health"
check "status says act, nothing withheld, once the start has finished" wait_for 20 status_has '.mode == "act" and .withheld == null and .actual == "running"'
check "failoverd_would_act is back to 0" page_has "$metrics_url" '^failoverd_would_act{action="start"} 0\.0$' "${metrics_auth[@]}"
finish
