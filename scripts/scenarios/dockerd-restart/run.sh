# shellcheck shell=bash
scenario_run() {
    say "the cloud host's dockerd stops just before on-prem goes down, and is back $LAB_ENGINE_DOWN_SECONDS s later"
    cloud_engine_away kill_onprem
    await_site cloud 120 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
