#!/usr/bin/env bash
# End to end: a real Alertmanager delivers alerts (posted to its API) to the failoverd binary with
# bearer auth; failoverd drives a private dockerd. Covers firing → running, a container killed
# behind the daemon's back, failoverd SIGKILLed and restarted, dockerd stopped mid-run, and
# resolved → stopped after the hold-down. Loopback only; every process is stopped by its PID.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-e2e.XXXXXX)
docker_sock="$work/docker.sock"
dockerd_pid=""; failoverd_pid=""; am_pid=""
container="cloud-e2e-$$"
failoverd_port=$(free_port); am_port=$(free_port); cloud_port=$(free_port)
metrics_url="http://127.0.0.1:$failoverd_port/metrics"

start_failoverd() { start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$failoverd_port"; }
cleanup() {
    [ -n "$failoverd_pid" ] && kill "$failoverd_pid" 2>/dev/null && wait "$failoverd_pid" 2>/dev/null
    [ -n "$am_pid" ] && kill "$am_pid" 2>/dev/null && wait "$am_pid" 2>/dev/null
    [ -n "$dockerd_pid" ] && docker -H "unix://$docker_sock" rm -f "$container" >/dev/null 2>&1
    stop_private_dockerd
    unmount_under "$work"
    if [ "$failed" -gt 0 ]; then
        echo "--- failoverd log (tail)"; tail -20 "$work/failoverd.log"
        echo "--- alertmanager log (tail)"; tail -10 "$work/alertmanager.log"
    fi
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

state_of() { private_docker inspect -f '{{.State.Status}}' "$container" 2>/dev/null; }
status_has() {  # status_has JQ-FILTER: failoverd's /status makes the filter true
    failoverd_status "$failoverd_port" "$work/token" | json_holds "$1"
}
alert_started=$(rfc3339_now)
post_alert() {  # post_alert firing|resolved
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "site": "dc1", "severity": "page"}' "$alert_started" \
        "$([ "$1" = resolved ] && rfc3339_now)"
}

# --- setup: private dockerd with the image, failoverd, Alertmanager
new_token "$work/token"
metrics_auth=(-H "Authorization: Bearer $(cat "$work/token")")  # failoverd's /metrics asks for the token
check "private dockerd starts (socket $docker_sock)" start_private_dockerd "$work"
check "image loads into the private dockerd without a registry" bash -o pipefail -c "docker save onprem-api:latest | docker -H 'unix://$docker_sock' load -q"

cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
triggers: ['alertname="OnPremDown"']
hold_down_seconds: 3
reconcile_interval_seconds: 600  # so the restarts below come from Docker events and timers
max_backoff_seconds: 2
docker: {socket: $docker_sock}
state_directory: $work/state
container:
  name: $container
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port, SHUTDOWN_DRAIN_SECONDS=0]
  network_mode: host
  stop_timeout_seconds: 5
YAML
immediate_alertmanager_config "$failoverd_port" "$work/token" "[alertname, site]" >"$work/alertmanager.yml"
check "failoverd check-config accepts the configuration" "$failoverd_bin" check-config --config "$work/failoverd.yml"
check "failoverd starts and answers /health" start_failoverd
check "the cloud container is pre-created, not started" wait_for 10 bash -c "[ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = created ]"
second_failoverd_refused() {  # a by-hand serve beside the running one, on another port
    local code=0
    timeout 20 "$failoverd_bin" serve --config "$work/failoverd.yml" --port "$(free_port)" >"$work/second.log" 2>&1 || code=$?
    [ "$code" = 75 ] && grep -q "another failoverd (pid $failoverd_pid) uses this state directory" "$work/second.log"
}
check "a second failoverd on the same state directory exits 75, naming the running one's pid" second_failoverd_refused
check "amtool accepts the Alertmanager configuration" amtool check-config "$work/alertmanager.yml"
start_alertmanager_process am_pid "$work/alertmanager.yml" "$am_port" "$work/alertmanager"
check "Alertmanager starts on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"

# --- firing → running
fired_ms=$(millis)
check "firing alert is accepted by Alertmanager" post_alert firing
check "Alertmanager's webhook makes failoverd start the cloud container" wait_for 20 bash -c "[ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = running ]"
check "the cloud copy answers /health" wait_for 20 curl -fsS "http://127.0.0.1:$cloud_port/health"
echo "       alert posted to Alertmanager → cloud /health 200: $(($(millis) - fired_ms)) ms"
check "the webhook was authenticated and answered 200 (after Docker reported healthy)" wait_for 20 page_has "$metrics_url" 'failoverd_webhook_requests_total{code="200"}' "${metrics_auth[@]}"
check "status names the firing trigger alert" status_has '.desired == "running" and .firing_trigger_alerts[0].labels.site == "dc1"'

# --- killed behind the daemon's back → Docker's die event makes failoverd restart it
killed_ms=$(millis)
private_docker kill "$container" >/dev/null
check "a container killed behind failoverd's back is restarted on Docker's event" wait_for 20 curl -fsS "http://127.0.0.1:$cloud_port/health"
echo "       cloud copy killed → serving again: $(($(millis) - killed_ms)) ms (reconcile interval 600 s)"
check "the restart is counted as a Docker event" page_has "$metrics_url" '^failoverd_docker_events_total [1-9]' "${metrics_auth[@]}"

# --- SIGKILL and restart: state intact
kill -9 "$failoverd_pid"; wait "$failoverd_pid" 2>/dev/null; failoverd_pid=""
check "failoverd restarts after SIGKILL" start_failoverd
check "the firing alert survived the SIGKILL (state file)" status_has 'any(.firing_trigger_alerts[]; .labels.site == "dc1")'
check "the cloud copy kept running across the daemon restart" bash -c "[ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = running ]"

# --- dockerd stopped mid-run: 503 so Alertmanager retries, then recovery
stop_private_dockerd
webhook=$(python3 scripts/lib/webhook_body.py --status firing --fingerprint e2e-direct --group-key e2e --starts-at "$alert_started")
check "with dockerd stopped, a webhook gets 503 (retryable)" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $(cat "$work/token")' -H 'Content-Type: application/json' -d '$webhook' http://127.0.0.1:$failoverd_port/failover)\" = 503 ]"
check "status says Docker is unreachable" status_has 'tojson | contains("Docker unreachable")'
check "private dockerd comes back" start_private_dockerd "$work"
check "once dockerd is back, failoverd reconnects to its events and brings the cloud copy up again" wait_for 30 bash -c "[ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = running ]"

# --- resolved → stopped after the hold-down (both fingerprints must resolve)
resolve_direct=$(python3 scripts/lib/webhook_body.py --status resolved --fingerprint e2e-direct --group-key e2e --starts-at "$alert_started" --ends-at "$(rfc3339_now)")
curl -fsS -o /dev/null -X POST -H "Authorization: Bearer $(cat "$work/token")" -H 'Content-Type: application/json' -d "$resolve_direct" "http://127.0.0.1:$failoverd_port/failover"
resolved_ms=$(millis)
check "resolved alert is accepted by Alertmanager" post_alert resolved
check "the cloud copy keeps running during the 3 s hold-down" bash -c "sleep 1.5; [ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = running ]"
check "after the hold-down the cloud copy is stopped" wait_for 30 bash -c "[ \"\$(docker -H 'unix://$docker_sock' inspect -f '{{.State.Status}}' '$container')\" = exited ]"
echo "       resolved posted → cloud stopped: $(($(millis) - resolved_ms)) ms (hold-down 3000 ms)"
check "status is back to standby" status_has '.desired == "stopped" and (.summary | startswith("standby"))'
check "logs hold one structured event per action with the container id" bash -c "grep '\"failover.action\":\"start\"' '$work/failoverd.log' | grep -q '\"container.id\":\"[0-9a-f]\{64\}\"' && grep -q '\"failover.action\":\"stop\"' '$work/failoverd.log'"

# --- a copy that cannot stay up (its port is taken): restarts back off instead of looping
python3 scripts/lib/hold_port.py "$cloud_port" &
port_holder=$!
crash_fire=$(python3 scripts/lib/webhook_body.py --status firing --fingerprint e2e-crashloop --group-key e2e --starts-at "$(rfc3339_now)")
start_attempts() { curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/metrics" | awk '/^failoverd_actions_total\{action="start"/ {n += $2} END {print n + 0}'; }
attempts_before=$(start_attempts)
check "a firing webhook while the copy cannot bind its port gets 503 (not failed over yet)" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Authorization: Bearer $(cat "$work/token")' -H 'Content-Type: application/json' -d '$crash_fire' http://127.0.0.1:$failoverd_port/failover)\" = 503 ]"
sleep 8
attempts=$(($(start_attempts) - attempts_before))
echo "       start attempts in 8 s with the copy's port taken: $attempts"
check "the starts back off: at most 6 attempts in 8 s (waits 1 s, then 2 s: max_backoff_seconds)" test "$attempts" -le 6
check "and it keeps trying: at least 3 attempts" test "$attempts" -ge 3
check "the quick-exit gauge counts them (CloudCopyCrashLooping fires at 3)" page_has "$metrics_url" '^failoverd_cloud_copy_quick_exits \([3-9]\|[1-9][0-9]\)' "${metrics_auth[@]}"
check "status says crash-looping with the next try" status_has '(.summary | contains("crash-looping")) and .crash_loop.quick_exits >= 3'
quick_exit_lines=$(grep -c 'exited right after it was started' "$work/failoverd.log")
check "the log says why, once per try, as an error (3 to 6 lines)" test "$quick_exit_lines" -ge 3 -a "$quick_exit_lines" -le 6
kill "$port_holder"; wait "$port_holder" 2>/dev/null
check "once the port is free, the next try starts the copy" wait_for 15 curl -fsS "http://127.0.0.1:$cloud_port/health"
check "after 10 s up the crash loop is over (gauge 0)" wait_for 20 page_has "$metrics_url" '^failoverd_cloud_copy_quick_exits 0' "${metrics_auth[@]}"

finish
