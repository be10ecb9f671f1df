# shellcheck shell=bash
scenario_run() {
    say "failoverd is SIGKILLed the moment Docker reports the cloud copy started (before failoverd saw it healthy or answered the webhook)"
    (until cloud_is running 2>/dev/null; do sleep 0.02; done; kill -KILL "$LAB_FAILOVERD_PID"; now >"$LAB_WORK/failoverd_killed_at") &
    local killer=$!
    crash_onprem || { stop_pid "$killer"; return 0; }
    wait "$killer" || true
    wait "$LAB_FAILOVERD_PID" 2>/dev/null || true
    note failoverd_killed_at "$(cat "$LAB_WORK/failoverd_killed_at")"
    sleep 2
    say "failoverd starts again"
    start_failoverd
    note failoverd_restarted_at "$(now)"
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
