# shellcheck shell=bash
# Another process holds the cloud copy's port, so every start of the copy exits at once.
crash_loop_port_seconds=8
scenario_run() {
    say "another process holds the cloud copy's port (127.0.0.1:$LAB_CLOUD_PORT) as on-prem goes down, for $crash_loop_port_seconds s"
    $LAB_CLOUD_HOST_RUN python3 scripts/lib/hold_port.py "$LAB_CLOUD_PORT" &
    local holder=$!
    sleep 0.5
    kill_onprem
    sleep "$crash_loop_port_seconds"
    note cloud_quick_exits "$(failoverd_metric failoverd_cloud_copy_quick_exits)"
    stop_pid "$holder"
    note port_freed_at "$(now)"
    say "the port is free again"
    await_site cloud 60 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
