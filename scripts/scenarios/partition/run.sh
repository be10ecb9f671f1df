# shellcheck shell=bash
# A false positive: Prometheus' path to on-prem is cut for the whole outage.
scenario_setup() { lab_scrapes_through_relay "$LAB_DOWN_SECONDS"; }
scenario_start() { start_scrape_relay; }
scenario_run() { cut_scrapes; }
