#!/usr/bin/env bash
# The lab on a cloud copy spread over three swarm nodes (scripts/lab.sh --target swarm --nodes 3,
# short outage): the crash drill passes its verdict with one replica per node, each node's
# replica runs from the failover to the failback, HAProxy's first cloud server answers, the
# report and timeline follow each node, and nothing of the nodes is left behind.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
work=$(mktemp -d /tmp/lab-swarm-nodes-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

check "--nodes without --target swarm is refused, naming what it needs" \
    bash -c 'out=$(scripts/lab.sh --nodes 3 2>&1); test $? = 2 && grep -qx -- "--nodes needs --target swarm" <<<"$out"'
namespaces_before=$(ip netns list | grep -c '^swarm-')
scripts/lab.sh --no-build --target swarm --nodes 3 --down-seconds 5 --hold-down 5 --work "$work/lab" >"$work/lab.out" 2>&1
status=$?
check "scripts/lab.sh --target swarm --nodes 3 exits 0" test "$status" = 0
check "  ... and prints the crash scenario's verdict: PASS" grep -qx "scenario crash: PASS" "$work/lab.out"
report=$work/lab/report.json
each_node_ran_through_the_outage() {
    json_holds '(.phases.onprem_back - .phases.onprem_down) as $back
        | (.nodes | keys) == ["swarm-node1", "swarm-node2", "swarm-node3"]
        and all(.nodes[]; (.running | length) == 1 and .running[0][0] > 0 and .running[0][1] > $back)' <"$report"
}
check "  ... each of the three nodes ran one replica, from after on-prem went down to after it came back" each_node_ran_through_the_outage
answers_add_up() {
    json_holds '.nodes["swarm-node1"].requests_served > 0
        and ([.nodes[].requests_served] | add) == .figures.requests_served_by_cloud' <"$report"
}
check "  ... node 1's replica (HAProxy's first cloud server) answered, and the nodes' answers add up to the cloud copy's" answers_add_up
lanes() { for node in 1 2 3; do grep -q "swarm-node$node (" "$work/lab/timeline.svg" || return 1; done; }
check "  ... the timeline has a lane per node" lanes
check "  ... failoverd's metrics name node 1 as the manager that answered" \
    grep -q '^failoverd_docker_manager_answering{socket="/tmp/swarm-nodes.[0-9]*/node1/docker.sock"} 1' "$work/lab/failoverd_metrics.txt"
leftovers() { [ "$(ip netns list | grep -c '^swarm-')" != "$namespaces_before" ] || ip -o link | grep -q ': sw[0-9]*r@'; }
check "nothing of the nodes is left behind: no namespace, no veth on this host" fails leftovers
[ "$failed" -gt 0 ] && tail -30 "$work/lab.out"
finish
