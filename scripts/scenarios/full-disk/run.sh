# shellcheck shell=bash
# failoverd's state directory is a 1 MiB tmpfs on the cloud host, filled as on-prem goes down and
# given room again before on-prem comes back.
scenario_setup() {
    failoverd_state=$cloud_host/failoverd-state
    mkdir -p "$failoverd_state"
    mount -t tmpfs -o size=1m,mode=0700 tmpfs "$failoverd_state"
}
scenario_run() {
    say "failoverd's state disk fills up just before on-prem goes down"
    dd if=/dev/zero of="$failoverd_state/filler" bs=4k 2>/dev/null || true
    crash_onprem || return 0
    note state_save_failing "$(failoverd_metric failoverd_state_save_failing)"
    stay_failed_over
    say "the state disk has room again"
    rm -f "$failoverd_state/filler"
    wait_for 10 grep -q "state saved again" "$work/failoverd.log" && note state_saved_again_at "$(now)"
    restore_onprem && await_cloud_stopped || true
}
