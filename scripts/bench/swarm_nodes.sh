#!/usr/bin/env bash
# The Swarm target on one node beside three (scripts/lib/swarm_nodes.sh: each node a dockerd in
# a network namespace of its own): webhook → every replica running (failoverd's own
# last_failover.triggered_at → running_at; replicas = nodes, host network, one per node), ROUNDS
# failovers on a one-node swarm, then ROUNDS on a three-node one, on the same machine one after
# the other; then, on the three nodes, the manager failoverd talks to is stopped and the time
# until failoverd has scaled the service through another manager is measured once (the swarm
# elects a new leader first). Loopback and the nodes' own subnet only. Needs the onprem-api image
# in the host's dockerd and a debug failoverd (built when missing).
# Usage: scripts/bench/swarm_nodes.sh [ROUNDS (3)]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh
rounds=${1:-3}
work=$(mktemp -d /tmp/swarm-nodes-bench.XXXXXX)
failoverd_pid=""
cleanup() {
    stop_pid "$failoverd_pid"
    swarm_nodes_down
    rm -rf "$work"
}
trap cleanup EXIT
failoverd_bin=$(failoverd_binary)
docker save onprem-api:latest >"$work/image.tar"
new_token "$work/token"

status() { failoverd_status "$failoverd_port" "$work/token"; }
post() { post_webhook "$failoverd_port" "$work/token" "$@"; }  # post firing|resolved FINGERPRINT
status_holds() { status | jq -e "$1" >/dev/null; }
# One failover: prints webhook → every replica running, in seconds, from failoverd's phases.
failover() {
    post firing "$1"
    wait_for 90 status_holds '.last_failover.running_at != null and .last_failover.triggered_at != null and .desired == "running"'
    local triggered running
    read -r triggered running < <(status | jq -r '.last_failover | "\(.triggered_at) \(.running_at)"')
    awk -v a="$(date -d "$triggered" +%s.%N)" -v b="$(date -d "$running" +%s.%N)" 'BEGIN {printf "%.2f", b - a}'
    post resolved "$1"
    wait_for 90 status_holds '.desired == "stopped" and (.actual | startswith("0/0"))'
}

measure() {  # measure NODES
    local nodes=$1 round
    swarm_nodes_up "$nodes"
    for node in $(seq 1 "$nodes"); do swarm_node_docker "$node" load -i "$work/image.tar" >/dev/null; done
    failoverd_port=$(free_port)
    local managers=""
    for node in $(seq 2 "$nodes"); do managers+="${managers:+, }\"$(swarm_node_socket "$node")\""; done
    cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
state_directory: $work/state-$nodes
docker: {socket: $(swarm_node_socket 1)}
hold_down_seconds: 1
reconcile_interval_seconds: 1
target: swarm
swarm: {replicas: $nodes, managers: [$managers]}
container: {name: bench-api, image: onprem-api:latest, network_mode: host, env: [SITE=cloud, PORT=18080, SHUTDOWN_DRAIN_SECONDS=0]}
ready_timeout_seconds: 60
YAML
    start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd-$nodes.log" "$failoverd_port"
    wait_for 30 status_holds '.actual | startswith("0/0")'
    for round in $(seq 1 "$rounds"); do
        echo "$nodes node(s), round $round: webhook -> $nodes replica(s) running: $(failover "bench-$nodes-$round") s"
    done
    if [ "$nodes" -gt 1 ]; then
        post firing "bench-$nodes-lost"
        local stopped_at; stopped_at=$(millis)
        swarm_node_stop 1
        wait_for 120 status_holds '.desired == "running" and (.actual | contains("placeable")) and (.actual | contains("node2"))'
        echo "$nodes nodes, node 1 (failoverd's manager) stopped as the webhook arrives -> running through node 2: $(( ($(millis) - stopped_at) )) ms"
        post resolved "bench-$nodes-lost"
    fi
    stop_pid "$failoverd_pid"; failoverd_pid=""
    swarm_nodes_down
}

echo "machine: $(nproc) vCPU, $(date -u +%Y-%m-%d), $(docker version -f '{{.Server.Version}}' 2>/dev/null) engines; each failover ends when failoverd reports every replica running"
measure 1
measure 3
