#!/usr/bin/env bash
# The Swarm target on three managers, each node a dockerd in a network namespace of its own
# (scripts/lib/swarm_nodes.sh, 10.213.0.0/24 inside those namespaces only). failoverd (debug
# build) talks to node 1 and knows nodes 2 and 3 (swarm.managers). A firing webhook scales the
# service from 0 to 3 replicas on the host network, one per node, each serving on its node's
# address; node 1, the manager failoverd talks to, is stopped while the replicas start, and
# failoverd carries on through node 2, counting two placeable replicas while node 1 is gone;
# a resolve scales to zero on every node. Nothing is left behind: no namespace, mount or
# state directory.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh

work=$(mktemp -d /tmp/swarm-nodes-test.XXXXXX)
failoverd_pid=""
service=swarm-nodes-api-$$
api_port=18080
cleanup() {
    stop_pid "$failoverd_pid"
    swarm_nodes_down
    rm -rf "$work"
}
trap cleanup EXIT

check "three dockerd nodes, each in its own network namespace, join one swarm as managers" swarm_nodes_up 3
managers_ready() { [ "$(swarm_node_docker "$1" node ls --format '{{.Status}} {{.ManagerStatus}}' | grep -cE '^Ready (Leader|Reachable)$')" = "$2" ]; }
check "  ... the swarm lists three ready managers" wait_for 20 managers_ready 1 3
docker save onprem-api:latest >"$work/image.tar"
loaded() { for node in 1 2 3; do swarm_node_docker "$node" load -i "$work/image.tar" >/dev/null || return 1; done; }
check "the onprem-api image is loaded on every node" loaded

failoverd_bin=$(failoverd_binary)
failoverd_port=$(free_port)
new_token "$work/token"
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
state_directory: $work/state
docker: {socket: $(swarm_node_socket 1)}
hold_down_seconds: 2
reconcile_interval_seconds: 1
target: swarm
swarm: {replicas: 3, managers: ["unix://$(swarm_node_socket 2)", "$(swarm_node_socket 3)"]}
container:
  name: $service
  image: onprem-api:latest
  network_mode: host
  env: [SITE=cloud, PORT=$api_port, SHUTDOWN_DRAIN_SECONDS=0]
ready_timeout_seconds: 60
YAML
start_failoverd_serving "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$failoverd_port"
# replicas NODE: desired replicas, and the running tasks on each node ("3 1 1 1"), as node NODE sees them.
replicas() {
    local desired per_node node
    desired=$(swarm_node_docker "$1" service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$service" 2>/dev/null) || return 1
    per_node=""
    for node in 1 2 3; do
        per_node+=" $(swarm_node_docker "$1" service ps --filter desired-state=running --filter "node=swarm-node$node" \
            --format '{{.CurrentState}}' "$service" 2>/dev/null | grep -c '^Running')"
    done
    echo "$desired$per_node"
}
is_replicas() { [ "$(replicas "$1")" = "$2" ]; }
check "failoverd creates the service at 0 replicas through node 1" wait_for 20 is_replicas 1 "0 0 0 0"

post() { post_webhook "$failoverd_port" "$work/token" "$@"; }  # post firing|resolved FINGERPRINT
check "a firing webhook is answered" post firing swarmnodes01
check "  ... and the service runs 3 replicas, one on each node" wait_for 60 is_replicas 2 "3 1 1 1"
serves() { swarm_hub curl -fsS -m 2 "http://$(swarm_node_address "$1"):$api_port/" | grep -q "\"hostname\":\"swarm-node$1\""; }
serves_on_every_node() { serves 1 && serves 2 && serves 3; }
check "  ... each replica serves on its own node's address" serves_on_every_node
check "a resolve is answered" post resolved swarmnodes01
check "  ... and after the 2 s hold-down the service is at 0 replicas, nothing running on any node" wait_for 60 is_replicas 1 "0 0 0 0"

# Node 1, the manager failoverd talks to, is lost while the replicas start.
check "a second outage's firing webhook is answered" post firing swarmnodes02
swarm_node_stop 1
# /status: running, through node 2, with the two replicas the two nodes left can place.
running_through_node_2() {
    curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/status" |
        json_holds '.actual == "2/3 replicas running, 2 placeable (one per available node) (manager \($socket))"' --arg socket "$(swarm_node_socket 2)"
}
check "node 1 lost mid-failover: failoverd carries on through node 2 and reports the service running there" wait_for 60 running_through_node_2
check "  ... with one replica on each of the two nodes left" wait_for 30 is_replicas 2 "3 0 1 1"
check "  ... its log says it moved to the next manager" grep -q "asking the next swarm manager" "$work/failoverd.log"
check "its resolve is answered" post resolved swarmnodes02
check "  ... and the service is back at 0 replicas on the nodes left" wait_for 60 is_replicas 2 "0 0 0 0"
check "node 1 comes back" swarm_node_start 1
no_containers_on_node_1() { [ -z "$(swarm_node_docker 1 ps -q --filter "label=com.docker.swarm.service.name=$service")" ]; }
check "  ... and runs no replica of the service (scaled to zero while it was gone)" wait_for 30 no_containers_on_node_1

if [ "$failed" -gt 0 ]; then
    echo "       --- /status, the service's tasks as node 2 sees them, failoverd's log (tail)"
    curl -sS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/status" | head -c 1500 | sed 's/^/       /'
    swarm_node_docker 2 service ps "$service" 2>&1 | head -12 | sed 's/^/       /'
    tail -25 "$work/failoverd.log" | cut -c1-400 | sed 's/^/       /'
fi
cleanup
trap - EXIT
leftovers() { ip netns list | grep -q "^swarm-$$-" || grep -q "/tmp/swarm-nodes.$$/" /proc/mounts || [ -e "/tmp/swarm-nodes.$$" ]; }
check "nothing is left behind: no namespace, mount or state directory of this run" fails leftovers
finish
