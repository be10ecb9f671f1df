# shellcheck shell=bash
# A WAN between two sites on this machine: an on-prem and a cloud-host network namespace, each
# with one address on 10.215.0.0/24 (a subnet that exists only inside them: on-prem 10.215.0.1,
# the cloud host 10.215.0.2), joined only through scripts/lib/wan_relay.py, which moves their
# packets between two TUN devices after a delay, with jitter, loss or a partition (this kernel
# has no netem). Nothing is routed out of either namespace. Source it, then:
#
#   wan_up RTT_MS JITTER_MS LOSS_PERCENT EVENTS   the namespaces and the relay; EVENTS gets its JSON lines
#   wan_set KEY=VALUE...       change the WAN while it runs (rtt_ms, jitter_ms, loss_percent,
#                              partition=none|both|to-cloud|to-onprem)
#   wan_counts                 the relay writes its packet counts to EVENTS
#   at_onprem COMMAND...       run a command in the on-prem namespace; at_cloud in the cloud host's
#   wan_down                   stop the relay and everything left in the namespaces, delete them
#
# The namespaces are named after WAN_OWNER (the sourcing shell's PID unless set), so a child
# process (the lab, run inside the on-prem namespace) uses the same ones. wan_up first removes
# what a run that no longer exists left behind (its relay, by the PID it recorded, and its
# namespaces), so even a run killed with SIGKILL leaves nothing for long.

wan_owner=${WAN_OWNER:-$$}
wan_dir="/tmp/wan.$wan_owner"
wan_onprem_address=10.215.0.1
wan_cloud_address=10.215.0.2

at_onprem() { nsenter --net="/var/run/netns/wan-$wan_owner-onprem" -- "$@"; }
at_cloud() { nsenter --net="/var/run/netns/wan-$wan_owner-cloud" -- "$@"; }

# Removes the relay and namespaces of the run whose state directory is $1.
wan_remove() {
    local dir=$1 owner=${1##*.} pid netns
    if [ -f "$dir/relay.pid" ]; then
        pid=$(cat "$dir/relay.pid")
        kill "$pid" 2>/dev/null && for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    for netns in "wan-$owner-onprem" "wan-$owner-cloud"; do
        ip netns list | grep -qw "^$netns" || continue
        ip netns pids "$netns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns delete "$netns" || true
    done
    rm -rf "$dir"
}

wan_up() {
    local rtt=$1 jitter=$2 loss=$3 events=$4 stale side address peer
    for stale in /tmp/wan.*; do
        [ -d "$stale" ] && ! kill -0 "${stale##*.}" 2>/dev/null && wan_remove "$stale"
    done
    mkdir -p "$wan_dir"
    jq -n --argjson rtt "$rtt" --argjson jitter "$jitter" --argjson loss "$loss" \
        '{rtt_ms: $rtt, jitter_ms: $jitter, loss_percent: $loss, partition: "none"}' >"$wan_dir/settings.json" || return 1
    ip netns add "wan-$wan_owner-onprem" && ip netns add "wan-$wan_owner-cloud" || return 1
    python3 "$(dirname "${BASH_SOURCE[0]}")/wan_relay.py" --onprem-tun "wan${wan_owner}o" --cloud-tun "wan${wan_owner}c" \
        --settings "$wan_dir/settings.json" --events "$events" >"$wan_dir/relay.out" 2>&1 &
    echo $! >"$wan_dir/relay.pid"
    for _ in $(seq 1 50); do grep -qsx ready "$wan_dir/relay.out" && break; sleep 0.1; done
    grep -qx ready "$wan_dir/relay.out" || { echo "the WAN relay did not start:" >&2; cat "$wan_dir/relay.out" >&2; return 1; }
    for side in onprem cloud; do
        address=$wan_onprem_address; peer=$wan_cloud_address
        [ "$side" = cloud ] && { address=$wan_cloud_address; peer=$wan_onprem_address; }
        ip link set "wan${wan_owner}${side:0:1}" netns "wan-$wan_owner-$side" || return 1
        ip -n "wan-$wan_owner-$side" link set lo up
        ip -n "wan-$wan_owner-$side" addr add "$address" peer "$peer" dev "wan${wan_owner}${side:0:1}"
        ip -n "wan-$wan_owner-$side" link set "wan${wan_owner}${side:0:1}" up
    done
}

wan_set() {
    local filter="." pair key value
    for pair in "$@"; do
        key=${pair%%=*}; value=${pair#*=}
        case "$key" in
            partition) filter+=" | .partition = \"$value\"" ;;
            *) filter+=" | .$key = $value" ;;
        esac
    done
    jq "$filter" "$wan_dir/settings.json" >"$wan_dir/settings.json.new" && mv "$wan_dir/settings.json.new" "$wan_dir/settings.json" &&
        kill -HUP "$(cat "$wan_dir/relay.pid")"
}

wan_counts() { kill -USR1 "$(cat "$wan_dir/relay.pid")"; }

wan_down() {
    [ -d "$wan_dir" ] || return 0
    wan_remove "$wan_dir"
}
