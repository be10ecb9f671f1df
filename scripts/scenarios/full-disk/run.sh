# shellcheck shell=bash
# failoverd's state directory is a 1 MiB tmpfs on the cloud host, filled as on-prem goes down and
# given room again before on-prem comes back.
scenario_setup() {
    lab_failoverd_state "$LAB_CLOUD_HOST/failoverd-state"
    mkdir -p "$LAB_FAILOVERD_STATE"
    mount -t tmpfs -o size=1m,mode=0700 tmpfs "$LAB_FAILOVERD_STATE"
}
scenario_run() {
    say "failoverd's state disk fills up just before on-prem goes down"
    dd if=/dev/zero of="$LAB_FAILOVERD_STATE/filler" bs=4k 2>/dev/null || true
    crash_onprem || return 0
    note state_save_failing "$(failoverd_metric failoverd_state_save_failing)"
    stay_failed_over
    say "the state disk has room again"
    rm -f "$LAB_FAILOVERD_STATE/filler"
    wait_for 10 grep -q "state saved again" "$LAB_WORK/failoverd.log" && note state_saved_again_at "$(now)"
    restore_onprem && await_cloud_stopped || true
}
