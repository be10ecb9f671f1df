#!/usr/bin/env bash
# The Swarm target on three managers, each node a dockerd in a network namespace of its own
# (scripts/lib/swarm_nodes.sh, 10.213.0.0/24 inside those namespaces only), end to end: a real
# Alertmanager delivers the alert to failoverd (debug build), which talks to node 1 and knows
# nodes 2 and 3 (swarm.managers), and the shipped haproxy.cfg runs in the hub namespace with the
# three nodes as CLOUD_ADDR, CLOUD_ADDR_2 and CLOUD_ADDR_3 (on-prem is down: nothing listens), in
# plain HTTP (CLOUD_PLAIN_HTTP: the nodes have no gateway of their own, see docs/targets.md).
#
# Outage 1: the service goes from 0 to 3 replicas on the host network, one per node, each
# serving on its node's address, HAProxy checking all three and sending to node 1. Node 1 (the
# leader, failoverd's manager, HAProxy's first cloud server) is lost while failed over, under
# load: HAProxy moves to node 2 without a failed request, failoverd carries on through node 2
# (status and metric say so) and counts two placeable replicas, Swarm holds the third pending
# (one per node) and places it on node 1 when it returns. The resolve scales to zero everywhere.
# Outage 2: node 2, now failoverd's manager, is lost while the replicas start; failoverd
# carries on through node 3. Outage 3: node 1 drained while failed over; its replica is shut down
# and placed nowhere, failoverd counts the two the active nodes place, and node 1 active again gets
# it back. Nothing is left behind: no namespace, mount or state directory.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh

work=$(mktemp -d /tmp/swarm-nodes-test.XXXXXX)
failoverd_pid=""; alertmanager_pid=""; haproxy_pid=""; load_pid=""
service=swarm-nodes-api-$$
api_port=18080
cleanup() {
    stop_pid "$load_pid" "$haproxy_pid" "$alertmanager_pid" "$failoverd_pid"
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

bin=$(dirname "$(failoverd_binary)")
[ -x "$bin/failover-drill" ] || swift build --product failover-drill >/dev/null
failoverd_port=$(free_port); alertmanager_port=$(free_port)
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
start_failoverd_serving failoverd_pid "$bin/failoverd" "$work/failoverd.yml" "$work/failoverd.log" "$failoverd_port"
immediate_alertmanager_config "$failoverd_port" "$work/token" "[alertname]" >"$work/alertmanager.yml"
start_alertmanager_process alertmanager_pid "$work/alertmanager.yml" "$alertmanager_port" "$work/alertmanager"
check "Alertmanager runs, sending to failoverd" wait_for 30 curl -fsS "http://127.0.0.1:$alertmanager_port/-/ready"
# HAProxy in the hub namespace, where every node's address is reachable; its ports are the hub's own.
swarm_hub env HAPROXY_BIND=127.0.0.1:8000 HAPROXY_METRICS_BIND=127.0.0.1:8405 ONPREM_ADDR=127.0.0.1:8080 \
    CLOUD_ADDR="$(swarm_node_address 1):$api_port" CLOUD_ADDR_2="$(swarm_node_address 2):$api_port" \
    CLOUD_ADDR_3="$(swarm_node_address 3):$api_port" HAPROXY_STATS_SOCKET="$work/haproxy.sock" CLOUD_PLAIN_HTTP=1 \
    haproxy -db -f haproxy/haproxy.cfg >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
check "HAProxy runs the shipped haproxy.cfg in the hub namespace with the three nodes as its cloud servers" \
    wait_for 10 swarm_hub curl -fsS -o /dev/null http://127.0.0.1:8405/metrics

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

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
alert() {  # alert OUTAGE [ENDS-AT]: OnPremDown for the outage, to Alertmanager; resolved when ENDS-AT is now
    post_alert_to_alertmanager "$alertmanager_port" "{\"alertname\": \"OnPremDown\", \"outage\": \"$1\"}" "$started" "${2:-}" >/dev/null
}
status() { failoverd_status "$failoverd_port" "$work/token"; }
status_says() { status | json_holds '.actual == $actual' --arg actual "$1"; }
check "outage 1: OnPremDown goes to Alertmanager" alert 1
check "  ... which delivers it, and the service runs 3 replicas, one on each node" wait_for 60 is_replicas 1 "3 1 1 1"
serves() { swarm_hub curl -fsS -m 2 "http://$(swarm_node_address "$1"):$api_port/" | grep -q "\"hostname\":\"swarm-node$1\""; }
serves_on_every_node() { serves 1 && serves 2 && serves 3; }
check "  ... each replica serves on its own node's address" serves_on_every_node
haproxy_up() {  # haproxy_up SERVER...: each of these servers is UP in HAProxy
    local metrics server
    metrics=$(swarm_hub curl -fsS http://127.0.0.1:8405/metrics) || return 1
    for server in "$@"; do
        grep -q "^haproxy_server_status{proxy=\"api\",server=\"$server\",state=\"UP\"} 1" <<<"$metrics" || return 1
    done
}
check "  ... HAProxy's health checks find all three up" wait_for 10 haproxy_up cloud cloud2 cloud3
through_haproxy_from() { swarm_hub curl -fsS -m 2 http://127.0.0.1:8000/ | grep -q "\"hostname\":\"swarm-node$1\""; }
check "  ... and clients through HAProxy are served by node 1's replica (the first cloud server up)" through_haproxy_from 1

# Node 1 lost while failed over, under load through HAProxy.
swarm_hub "$bin/failover-drill" load --url http://127.0.0.1:8000/ --rate 50 --duration 120 --timeout-ms 5000 \
    --out "$work/requests.jsonl" 2>/dev/null &
load_pid=$!
sleep 2
marked_at=$(date +%s.%N); lost_at=$marked_at
swarm_node_stop 1
since_mark() { awk -v from="$marked_at" -v now="$(date +%s.%N)" 'BEGIN {printf "%.1f", now - from}'; }
check "node 1 lost while failed over: clients through HAProxy are served by node 2's replica" wait_for 10 through_haproxy_from 2
timeline="node 2 served after $(since_mark) s"
# Swarm lists node 1's task as running for a while after GET /nodes has node 1 down: 3/3 or 2/3.
through_node_2_placing_two() {
    status | json_holds '.actual | test("^[23]/3 replicas running, 2 placeable \\(one per available node\\) \\(manager \($socket)\\)$")' \
        --arg socket "$(swarm_node_socket 2)"
}
check "  ... failoverd carries on through node 2, counting the two replicas the nodes left can place" wait_for 60 through_node_2_placing_two
timeline+=", failoverd answered through node 2 after $(since_mark) s"
answering() {
    page_has "http://127.0.0.1:$failoverd_port/metrics" "^failoverd_docker_manager_answering{socket=\"$(swarm_node_socket "$1")\"} 1.0$" \
        -H "Authorization: Bearer $(cat "$work/token")"
}
check "  ... and failoverd_docker_manager_answering names node 2" answering 2
# Swarm's own behaviour: node 1's task is replaced, and the replacement waits for a node.
pending_for_a_node() {
    swarm_node_docker 2 service ps --filter desired-state=running --format '{{.CurrentState}} {{.Error}}' "$service" |
        grep -q '^Pending.*no suitable node'
}
check "  ... Swarm replaces node 1's replica and holds it pending: no node left that may take it" wait_for 120 pending_for_a_node
timeline+=", Swarm's replacement pending after $(since_mark) s"
check "  ... and failoverd reports two of three replicas running, both placeable: the failover stays done" \
    wait_for 30 status_says "2/3 replicas running, 2 placeable (one per available node) (manager $(swarm_node_socket 2))"
swarm_node_docker 2 service ps --format '{{.Node}} {{.DesiredState}} {{.CurrentState}} {{.Error}}' "$service" >"$work/tasks-node1-lost.txt" 2>&1
marked_at=$(date +%s.%N)
check "node 1 comes back" swarm_node_start 1
check "  ... and Swarm places the pending replica on it: one on each node again" wait_for 60 is_replicas 2 "3 1 1 1"
timeline+="; node 1 back: its replica running after $(since_mark) s"
echo "       $timeline"
check "  ... which failoverd reports: 3/3 replicas running" wait_for 30 status_says "3/3 replicas running (manager $(swarm_node_socket 2))"
back_at=$(date +%s.%N)
stop_pid "$load_pid"; load_pid=""
failed_requests=$(jq -s 'map(select(.status != 200)) | length' "$work/requests.jsonl")
echo "       requests through HAProxy while node 1 was lost and back: $(wc -l <"$work/requests.jsonl"), failed: $failed_requests"
# The count is evidence only if the load ran all through it: 50 req/s from before node 1 was
# stopped to after its replica ran again, with no second in between that sent fewer than 40.
load_spans_the_loss() {
    jq -se --argjson lost "$lost_at" --argjson back "$back_at" '
        . as $all | [$all[] | select(.time >= ($lost | ceil) and .time < ($back | floor)) | .time | floor] | group_by(.)
        | length >= (($back | floor) - ($lost | ceil)) and all(.[]; length >= 40)
        and ([$all[].time] | min) < $lost and ([$all[].time] | max) >= $back - 1' "$work/requests.jsonl" >/dev/null
}
check "  ... under a load that ran at its rate from before node 1 was lost until its replica ran again" load_spans_the_loss
check "  ... and no client request failed while node 1 was lost and back" test "$failed_requests" = 0
check "outage 1 resolved in Alertmanager" alert 1 "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
check "  ... and after the 2 s hold-down the service is at 0 replicas, nothing running on any node" wait_for 60 is_replicas 2 "0 0 0 0"

# Node 2, the manager failoverd talks to now, is lost while the replicas start.
check "outage 2: OnPremDown goes to Alertmanager" alert 2
next_manager_lines=$(grep -c "asking the next swarm manager" "$work/failoverd.log")
swarm_node_stop 2
check "node 2 lost mid-failover: failoverd carries on through node 3 and reports the service running there" \
    wait_for 60 status_says "2/3 replicas running, 2 placeable (one per available node) (manager $(swarm_node_socket 3))"
check "  ... with one replica on each of the two nodes left" wait_for 30 is_replicas 3 "3 1 0 1"
check "  ... its log says it moved to the next manager (a line more than node 1's loss wrote)" \
    test "$(grep -c "asking the next swarm manager" "$work/failoverd.log")" -gt "$next_manager_lines"
check "outage 2 resolved in Alertmanager" alert 2 "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
check "  ... and the service is back at 0 replicas on the nodes left" wait_for 60 is_replicas 3 "0 0 0 0"
check "node 2 comes back" swarm_node_start 2
no_containers_on_node_2() { [ -z "$(swarm_node_docker 2 ps -q --filter "label=com.docker.swarm.service.name=$service")" ]; }
check "  ... and runs no replica of the service (scaled to zero while it was gone)" wait_for 30 no_containers_on_node_2

# Node 1 drained for maintenance while failed over: Swarm shuts its replica down and has nowhere
# else to put it (one per node on the host network); failoverd counts what the others can place.
status_matches() { status | json_holds '.actual | test($pattern)' --arg pattern "$1"; }
check "outage 3: OnPremDown goes to Alertmanager" alert 3
check "  ... and a replica runs on each node" wait_for 60 is_replicas 3 "3 1 1 1"
check "node 1 drained while failed over" swarm_node_docker 3 node update --availability drain swarm-node1
check "  ... its replica is shut down and not placed elsewhere" wait_for 60 is_replicas 3 "3 0 1 1"
check "  ... and failoverd reports the two the active nodes can place as the failover done" \
    wait_for 30 status_matches '^2/3 replicas running, 2 placeable \(one per available node\)'
check "node 1 active again" swarm_node_docker 3 node update --availability active swarm-node1
check "  ... Swarm places the replica there, and failoverd reports 3/3 running" \
    wait_for 60 status_matches '^3/3 replicas running \(manager '
check "outage 3 resolved in Alertmanager" alert 3 "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
check "  ... and the service is back at 0 replicas on every node" wait_for 60 is_replicas 3 "0 0 0 0"

if [ "$failed" -gt 0 ]; then
    echo "       --- /status, the service's tasks, failoverd's log (tail), HAProxy's log (tail)"
    status | head -c 1500 | sed 's/^/       /'
    cat "$work/tasks-node1-lost.txt" 2>/dev/null | head -12 | sed 's/^/       /'
    swarm_node_docker 3 service ps "$service" 2>&1 | head -12 | sed 's/^/       /'
    tail -25 "$work/failoverd.log" | cut -c1-400 | sed 's/^/       /'
    tail -10 "$work/haproxy.log" | cut -c1-300 | sed 's/^/       /'
fi
cleanup
trap - EXIT
leftovers() { ip netns list | grep -q "^swarm-$$-" || grep -q "/tmp/swarm-nodes.$$/" /proc/mounts || [ -e "/tmp/swarm-nodes.$$" ]; }
check "nothing is left behind: no namespace, mount or state directory of this run" fails leftovers
finish
