# shellcheck shell=bash
restart_alertmanager_empty() { stop_alertmanager 0; rm -rf "$LAB_WORK/alertmanager-0-data"; start_alertmanager 0; }
scenario_run() {
    crash_onprem || return 0
    say "Alertmanager restarts with empty storage while failed over; on-prem stays down 20 s more"
    restart_alertmanager_empty
    sleep 20
    say "Alertmanager restarts empty again, and on-prem comes back before Prometheus re-sends the alert to it"
    restart_alertmanager_empty
    note alertmanager_restarted_at "$(now)"
    restore_onprem && await_cloud_stopped || true
}
