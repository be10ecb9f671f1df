# shellcheck shell=bash
# A jitter storm on the WAN: every minute, for wan_storm_seconds (600, or LAB_WAN_STORM_SECONDS),
# its round trip jumps to 2-6 times the declared one for 5 s, then settles; on-prem stays up.
wan_storm_seconds=${LAB_WAN_STORM_SECONDS:-600}
scenario_run() {
    local spikes=0 until=$((SECONDS + wan_storm_seconds))
    say "jitter storm for $wan_storm_seconds s: every minute, 5 s of a ${LAB_WAN_RTT} ms round trip at 2-6 times that; on-prem stays up"
    outage_began
    while [ $((SECONDS + 60)) -le "$until" ]; do
        sleep 55
        wan_set rtt_ms=$((LAB_WAN_RTT * 4)) jitter_ms=$((LAB_WAN_RTT * 2))
        sleep 5
        wan_set rtt_ms="$LAB_WAN_RTT" jitter_ms="$LAB_WAN_JITTER"
        spikes=$((spikes + 1))
    done
    outage_ended
    note wan_spikes "$spikes"
    say "the storm is over ($spikes spikes)"
    settle_after_wan_storm
}
