# shellcheck shell=bash
# A Docker Swarm of several nodes on this machine: each node a dockerd (with the containerd it
# starts) in a network namespace of its own, with its own data root, exec root and socket. The
# nodes reach each other on 10.213.0.0/24, a subnet that exists only inside these namespaces: a
# veth from each node to a bridge in a hub namespace (10.213.0.254, where a test runs what must
# reach every node, e.g. HAProxy). Nothing is routed out of them. Source it, then:
#
#   swarm_nodes_up COUNT       start COUNT nodes, join them all as managers of one swarm
#   swarm_node_socket N        node N's Docker socket (a file: reachable from any namespace)
#   swarm_node_address N       node N's address, 10.213.0.N
#   swarm_hub COMMAND...       run a command in the hub namespace
#   swarm_nodes_reach_from_host  give this host's own namespace 10.213.0.253 on the nodes' subnet
#   swarm_node_stop N          stop node N's dockerd (as a lost node); swarm_node_start N again
#   swarm_nodes_down           leave, stop every dockerd, unmount and delete all of it
#
# With swarm_nodes_bridge set to a gateway address and prefix (10.214.0.1/24), each node's dockerd
# has a default bridge network on it (inside its namespace, like everything else), for containers
# with bridge networking and published ports; otherwise it has none.
#
# Safe under `set -e`. State lives in /tmp/swarm-nodes.<pid of the sourcing shell>; swarm_nodes_up first removes what
# a run that no longer exists left behind (its dockerds, by the PIDs it recorded, its mounts and
# its namespaces), so even a test killed with SIGKILL leaves nothing for long.

swarm_nodes_dir="/tmp/swarm-nodes.$$"
swarm_nodes_count=0

swarm_hub() { ip netns exec "swarm-$$-hub" "$@"; }
swarm_node_socket() { echo "$swarm_nodes_dir/node$1/docker.sock"; }
swarm_node_address() { echo "10.213.0.$1"; }
swarm_node_docker() { local node=$1; shift; docker -H "unix://$(swarm_node_socket "$node")" "$@"; }

# Removes the nodes, mounts and namespaces of the run whose state directory is $1.
swarm_nodes_remove() {
    local dir=$1 owner=${1##*.} pidfile pid netns
    for pidfile in "$dir"/node*/started.pid; do
        [ -f "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
    # Containers' and dockerd's own mounts under the data and exec roots, deepest first.
    awk -v prefix="$dir/" 'index($2, prefix) == 1 {print $2}' /proc/mounts | sort -r | while read -r mount; do
        umount -l "$mount" 2>/dev/null || true
    done
    # The host's veth into the hub, at once: the kernel frees a deleted namespace's links later.
    ip link delete "sw${owner}r" 2>/dev/null || true
    for netns in $(ip netns list | awk -v prefix="swarm-$owner-" 'index($1, prefix) == 1 {print $1}'); do
        ip netns pids "$netns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
        ip netns delete "$netns" || true
    done
    rm -rf "$dir"
}

# swarm_node_start N: starts node N's dockerd in its namespace and waits for its socket.
swarm_node_start() {
    local node=$1 dir="$swarm_nodes_dir/node$1" bridge=(--bridge=none)
    [ -n "${swarm_nodes_bridge:-}" ] && bridge=(--bip "$swarm_nodes_bridge")
    mkdir -p "$dir"
    # nsenter enters the network namespace only: `ip netns exec` would also mount a /sys of its
    # own, without the cgroup hierarchy dockerd needs. Each node has its own host name.
    nsenter --net="/var/run/netns/swarm-$$-$node" unshare --uts -- sh -c 'hostname "$0" && exec "$@"' "swarm-node$node" \
        dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
        -H "unix://$dir/docker.sock" "${bridge[@]}" --iptables=false --ip6tables=false >>"$dir/dockerd.log" 2>&1 &
    echo $! >"$dir/started.pid"
    for _ in $(seq 1 150); do
        swarm_node_docker "$node" info >/dev/null 2>&1 && return 0
        kill -0 "$(cat "$dir/started.pid")" 2>/dev/null || break
        sleep 0.2
    done
    echo "node $node's dockerd did not come up; its log:" >&2
    tail -20 "$dir/dockerd.log" >&2
    return 1
}

# swarm_node_stop N: stops node N's dockerd, as a node lost to its swarm would be.
swarm_node_stop() {
    local pid
    pid=$(cat "$swarm_nodes_dir/node$1/started.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
}

swarm_nodes_up() {
    local count=$1 stale node token
    for stale in /tmp/swarm-nodes.*; do
        [ -d "$stale" ] && ! kill -0 "${stale##*.}" 2>/dev/null && swarm_nodes_remove "$stale"
    done
    swarm_nodes_count=$count
    mkdir -p "$swarm_nodes_dir"
    ip netns add "swarm-$$-hub"
    swarm_hub ip link set lo up
    swarm_hub ip link add br0 type bridge
    swarm_hub ip addr add 10.213.0.254/24 dev br0
    swarm_hub ip link set br0 up
    for node in $(seq 1 "$count"); do
        ip netns add "swarm-$$-$node"
        ip link add "sw$$n$node" type veth peer name "sw$$h$node"
        ip link set "sw$$n$node" netns "swarm-$$-$node"
        ip link set "sw$$h$node" netns "swarm-$$-hub"
        swarm_hub ip link set "sw$$h$node" master br0 up
        ip netns exec "swarm-$$-$node" ip link set lo up
        ip netns exec "swarm-$$-$node" ip link set "sw$$n$node" name eth0
        ip netns exec "swarm-$$-$node" ip addr add "$(swarm_node_address "$node")/24" dev eth0
        ip netns exec "swarm-$$-$node" ip link set eth0 up
        swarm_node_start "$node" || return 1
    done
    swarm_node_docker 1 swarm init --advertise-addr "$(swarm_node_address 1)" --listen-addr "$(swarm_node_address 1):2377" >/dev/null || return 1
    token=$(swarm_node_docker 1 swarm join-token -q manager) || return 1
    for node in $(seq 2 "$count"); do
        swarm_node_docker "$node" swarm join --token "$token" --advertise-addr "$(swarm_node_address "$node")" \
            --listen-addr "$(swarm_node_address "$node"):2377" "$(swarm_node_address 1):2377" >/dev/null || return 1
    done
}

# A veth from this host's own namespace into the hub's bridge, with 10.213.0.253, for what runs
# here and must reach every node (the lab's HAProxy and Prometheus). Deleting the hub namespace
# removes it; one run at a time may use it (the address and route are the host's).
swarm_nodes_reach_from_host() {
    ip link add "sw$$r" type veth peer name "sw$$b"
    ip link set "sw$$b" netns "swarm-$$-hub"
    swarm_hub ip link set "sw$$b" master br0 up
    ip addr add 10.213.0.253/24 dev "sw$$r"
    ip link set "sw$$r" up
}

swarm_nodes_down() {
    [ -d "$swarm_nodes_dir" ] || return 0
    local node
    for node in $(seq 1 "$swarm_nodes_count"); do
        swarm_node_docker "$node" swarm leave --force >/dev/null 2>&1 || true
    done
    swarm_nodes_remove "$swarm_nodes_dir"
}
