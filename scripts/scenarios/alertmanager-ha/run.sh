# shellcheck shell=bash
scenario_setup() { lab_alertmanager_peers 2; }
scenario_run() {
    outage || true
    local peer
    # Each peer's own view of the cluster: 2 when both ran and found each other (0 or missing
    # when a peer was not there to answer).
    for peer in 0 1; do
        note "alertmanager_${peer}_cluster_members" "$(curl -fsS "http://127.0.0.1:${LAB_AM_PORTS[$peer]}/metrics" \
            | awk '/^alertmanager_cluster_members / {print $2}')"
    done
}
