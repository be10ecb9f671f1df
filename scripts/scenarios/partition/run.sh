# shellcheck shell=bash
# A false positive: Prometheus' path to on-prem is cut for the whole outage.
scenario_setup() { scraped_onprem_port=$relay_port; partition_seconds=$down_seconds; }
scenario_start() { start_scrape_relay; }
scenario_run() { cut_scrapes; }
