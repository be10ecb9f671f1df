# shellcheck shell=bash
# docker pause: on-prem's socket still accepts connections, nothing answers.
scenario_run() {
    say "on-prem hangs (docker pause: connections are accepted, nothing answers); waiting for the cloud copy to serve"
    outage_began
    docker pause "$LAB_ONPREM" >/dev/null
    await_site cloud 60 || return 0
    stay_failed_over
    say "on-prem answers again (docker unpause)"
    outage_ended
    docker unpause "$LAB_ONPREM" >/dev/null
    await_site onprem 120 && await_cloud_stopped || true
}
