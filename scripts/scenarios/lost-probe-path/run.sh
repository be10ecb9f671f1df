# shellcheck shell=bash
# A false positive of failoverd's own probe: the probe and Prometheus' scrapes both reach on-prem
# through the relay, which loses 1.5 s of them; HAProxy and the clients still reach on-prem.
scenario_setup() { lab_scrapes_through_relay 1.5; lab_probe_through_relay; }
scenario_start() { start_scrape_relay; }
scenario_run() {
    cut_scrapes
    # The probe's own word that it failed and pre-warmed, not just the scrapes' pre-warm alert.
    note probe_failed "$(grep -c "on-prem fails failoverd's probe" "$LAB_WORK/failoverd.log" || true)"
}
