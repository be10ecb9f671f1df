#!/usr/bin/env bash
# failoverd's state directory on a real tmpfs that is full, then read-only: the daemon must serve,
# decide in memory, say so (status, metric), keep an operator's pause it can still read, and save
# as soon as the disk takes writes again. No Docker: the decisions show in /status. Loopback only;
# every process is stopped by its PID and the mount is removed on exit.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=scripts/tests/lib.sh
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-state-disk.XXXXXX)
state="$work/state"
port=$(free_port)
failoverd_pid=""

cleanup() {
    stop_pid "$failoverd_pid"
    unmount_under "$work"
    if [ "$failed" -gt 0 ]; then echo "--- failoverd log (tail)"; tail -20 "$work/failoverd.log"; fi
    rm -rf "$work"
}
trap cleanup EXIT

new_token "$work/token"
mkdir -p "$state"
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $port}
auth: {token_file: $work/token}
triggers: ['alertname="OnPremDown"']
reconcile_interval_seconds: 1
max_backoff_seconds: 1
docker: {socket: $work/no-docker.sock}
state_directory: $state
container: {name: cloud-state-disk-$$, image: onprem-api:latest, network_mode: host}
YAML

start_failoverd() { start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$port"; }
status_has() {  # status_has JQ-FILTER: failoverd's /status makes the filter true
    failoverd_status "$port" "$work/token" | json_holds "$1"
}
metric_is() { page_has "http://127.0.0.1:$port/metrics" "^$1 $2\(\.0\)\?\$" -H "Authorization: Bearer $(cat "$work/token")"; }
post_firing() {
    curl -s -o "$work/reply" -w '%{http_code}' -X POST -H "Authorization: Bearer $(cat "$work/token")" \
        -H 'Content-Type: application/json' -d "$(python3 scripts/lib/webhook_body.py --fingerprint disk-full)" \
        "http://127.0.0.1:$port/failover"
}

# --- a full disk at startup
check "a 256 KiB tmpfs is mounted as the state directory" mount -t tmpfs -o size=256k,mode=0700 tmpfs "$state"
: >"$state/lock"
dd if=/dev/zero of="$state/filler" bs=4k 2>/dev/null
check "the tmpfs is full" fails bash -c "echo x >'$state/probe'"
check "failoverd starts on the full disk and answers /health (it used to exit 1)" start_failoverd
check "status says the state is not saved" status_has '(.summary | contains("STATE NOT SAVED")) and (.state_not_saved_since // "") != ""'
check "the failoverd_state_save_failing gauge is 1 (FailoverdStateNotSaved)" metric_is failoverd_state_save_failing 1
check "a firing webhook gets 503 so Alertmanager retries it" test "$(post_firing)" = 503
check "the 503 names the state save" grep -q "state could not be saved" "$work/reply"
check "the decision is taken in memory: desired running, the alert tracked" status_has '.desired == "running" and .firing_trigger_alerts[0].fingerprint == "disk-full"'
rm -f "$state/filler"
check "once the disk takes writes, a reconcile pass saves the state" wait_for 10 grep -q disk-full "$state/state.json"
check "and the gauge is back to 0" wait_for 5 metric_is failoverd_state_save_failing 0
check "the log said both, the failure once (retries are debug lines)" bash -c "[ \$(grep -c 'state not saved; deciding from memory' '$work/failoverd.log') -eq 1 ] && grep -q 'state saved again' '$work/failoverd.log'"
stop_pid "$failoverd_pid"; failoverd_pid=""

# --- a corrupt state file on a read-only file system, saved while paused
printf '{\n  "alerts" : {\n\n  },\n  "paused" : true,\n  "recentSto' >"$state/state.json"
check "the state file system is remounted read-only" mount -o remount,ro "$state"
check "failoverd starts with a corrupt state file it cannot move aside" start_failoverd
check "the pause it could still read is kept (automation stays off during maintenance)" status_has '.paused == true'
check "status says the state is not saved" status_has '.summary | contains("STATE NOT SAVED")'
check "the corrupt file stays where it was for inspection" test -f "$state/state.json"
check "the log says it could not be moved aside" grep -q "cannot be moved aside" "$work/failoverd.log"

finish
