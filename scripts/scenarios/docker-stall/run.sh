# shellcheck shell=bash
# The cloud host's dockerd answers and then stops mid-body, once, as on-prem goes down; failoverd
# talks to it through a relay that can do that (scripts/lib/stall_proxy.py).
scenario_setup() { lab_failoverd_docker_socket "$LAB_CLOUD_HOST/stalling-docker.sock"; }
scenario_start() {
    python3 scripts/lib/stall_proxy.py --listen "$LAB_FAILOVERD_DOCKER_SOCKET" --upstream "$LAB_DOCKER_API_SOCKET" \
        --stall-seconds 60 >"$LAB_WORK/stalls.jsonl" 2>"$LAB_WORK/stall_proxy.log" &
    stall_proxy_pid=$!; lab_track_pid "$stall_proxy_pid"
    wait_for 10 test -S "$LAB_FAILOVERD_DOCKER_SOCKET"
    say "failoverd reaches the cloud host's dockerd through a relay that can stall an answer mid-body"
}
scenario_run() {
    say "on-prem goes down and the next answer of the cloud host's dockerd stalls after its head for 60 s"
    kill -USR1 "$stall_proxy_pid"
    kill_onprem
    await_site cloud 60 || return 0
    note docker_stalled_at "$(head -1 "$LAB_WORK/stalls.jsonl" | jq '.stalled_at' 2>/dev/null || echo null)"
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
