# shellcheck shell=bash
scenario_run() {
    crash_onprem || return 0
    say "the cloud host's dockerd stops while the cloud copy serves, and is back $LAB_ENGINE_DOWN_SECONDS s later"
    cloud_engine_away
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
