# shellcheck shell=bash
# The WAN between the sites is cut both ways for the outage's length while on-prem stays up:
# HAProxy and its clients are on-prem's side and see nothing; the cloud host loses Alertmanager,
# its API and failoverd's probe, and Prometheus loses its scrapes of the cloud host.
scenario_run() {
    say "the WAN is cut both ways for $LAB_DOWN_SECONDS s; on-prem stays up"
    outage_began
    wan_set partition=both
    sleep "$LAB_DOWN_SECONDS"
    outage_ended
    wan_set partition=none
    say "the WAN is back"
    # A probe that lost on-prem pre-warmed the copy: it is stopped after the pre-warm hold-down.
    if cloud_is running; then await_cloud_stopped 120 || true; fi
}
