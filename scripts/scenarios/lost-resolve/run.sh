# shellcheck shell=bash
scenario_run() {
    crash_onprem && stay_failed_over || return 0
    say "failoverd stops; on-prem comes back while it is away, so Alertmanager's resolve finds nobody"
    stop_failoverd TERM
    restore_onprem || return 0
    sleep 10
    say "failoverd starts again"
    start_failoverd
    note failoverd_restarted_at "$(now)"
    await_cloud_stopped || true
}
