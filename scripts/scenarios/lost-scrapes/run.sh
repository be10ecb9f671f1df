# shellcheck shell=bash
# A blip: Prometheus misses 1.5 s of scrapes, enough for the pre-warm, not for OnPremDown.
scenario_setup() { lab_scrapes_through_relay 1.5; }
scenario_start() { start_scrape_relay; }
scenario_run() { cut_scrapes; }
