# shellcheck shell=bash
# The operator's own drill: simulate_onprem_down.sh, an outage, simulate_onprem_up.sh.
scenario_run() { outage || true; }
