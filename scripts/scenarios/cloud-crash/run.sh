# shellcheck shell=bash
scenario_run() {
    crash_onprem || return 0
    sleep 3
    say "the cloud copy is killed while it serves (docker kill on the cloud host)"
    cloud_docker kill "$LAB_CLOUD" >/dev/null
    await_site cloud 60 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}
