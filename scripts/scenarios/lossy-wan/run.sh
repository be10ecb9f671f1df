# shellcheck shell=bash
# A lossy WAN: 3 % of the packets each way are lost for wan_storm_seconds (600, or
# LAB_WAN_STORM_SECONDS), on top of the declared loss; on-prem stays up.
wan_storm_seconds=${LAB_WAN_STORM_SECONDS:-600}
scenario_run() {
    say "the WAN loses 3 % of its packets for $wan_storm_seconds s; on-prem stays up"
    outage_began
    wan_set loss_percent=3
    sleep "$wan_storm_seconds"
    wan_set loss_percent="$LAB_WAN_LOSS"
    outage_ended
    say "the WAN loses ${LAB_WAN_LOSS} % again"
    settle_after_wan_storm
}
