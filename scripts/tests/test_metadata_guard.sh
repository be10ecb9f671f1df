#!/usr/bin/env bash
# No credentials reachable from the cloud copy: a stand-in instance metadata service on
# 169.254.169.254, which exists only inside a network namespace this test made (checked before any
# request), reached from the cloud host's namespace as EC2's is, through a route. The cloud copy
# runs with bridge networking (Terraform's default), as failoverd makes it. Without the shipped
# guard (nftables/metadata-guard.nft) the copy gets the role's credentials (so the check can
# fail); with it, the copy cannot reach the service at all, while the host's own tools still can.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh

sample_image=$(scripts/sample_service_image.sh) || { echo "FAIL - cannot build the sample service image"; exit 1; }
work=$(mktemp -d /tmp/failoverd-imds.XXXXXX)
copy="imds-copy-$$"
swarm_nodes_bridge=10.214.0.1/24
metadata_pid=""
cleanup() {
    stop_pid "$metadata_pid"
    node rm -f "$copy" >/dev/null 2>&1
    swarm_nodes_down
    rm -rf "$work"
}
trap cleanup EXIT
node() { swarm_node_docker 1 "$@"; }
in_host_ns() { nsenter --net="/var/run/netns/swarm-$$-1" "$@"; }

check "the cloud host's dockerd starts in a network namespace of its own, with a Docker bridge" swarm_nodes_up 1
# The metadata service lives in the hub namespace (as EC2's lives off the host); the cloud host
# reaches it through a route, so a container's packets to it are forwarded, as on an instance.
swarm_hub ip addr add 169.254.169.254/32 dev lo
swarm_hub ip route add 10.214.0.0/24 via 10.213.0.1
in_host_ns ip route add 169.254.169.254/32 via 10.213.0.254
in_host_ns sysctl -qw net.ipv4.ip_forward=1
swarm_hub python3 scripts/lib/metadata_stand_in.py 169.254.169.254 80 >"$work/metadata.log" 2>&1 &
metadata_pid=$!
inside_the_test_namespace() {  # listening there, and the cloud host's way to it is the hub, nothing else
    swarm_hub ss -Hltn 'sport = :80' | grep -q '169.254.169.254:80' &&
        in_host_ns ip route get 169.254.169.254 | grep -q 'via 10.213.0.254' &&
        ! ip -o addr show | grep -q '169.254.169.254'
}
check "the stand-in metadata service runs inside the test's namespace only (checked before any request)" \
    wait_for 10 inside_the_test_namespace || exit 1
# IMDSv2 from inside the copy with what its image has (busybox's nc): a PUT for the session token,
# then the role's credentials with it.
imds_in_copy() {  # imds_in_copy REQUEST: the raw answer
    node exec -i "$copy" /bin/busybox timeout 3 /bin/busybox nc 169.254.169.254 80 <<<"$(printf '%b' "$1")" 2>/dev/null
}
copy_credentials() {
    local token
    token=$(imds_in_copy 'PUT /latest/api/token HTTP/1.0\r\n\r\n' | tail -1) && [ -n "$token" ] &&
        imds_in_copy "GET /latest/meta-data/iam/security-credentials/failoverd HTTP/1.0\r\nX-aws-ec2-metadata-token: $token\r\n\r\n" |
        grep -q stand-in-secret
}
host_tool() { in_host_ns curl -fsS --max-time 2 "$@"; }
host_credentials() {
    local token
    token=$(host_tool -X PUT http://169.254.169.254/latest/api/token) &&
        host_tool -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/iam/security-credentials/failoverd |
        grep -q stand-in-secret
}
check "the cloud host's own tools reach it (IMDSv2: token, then credentials)" wait_for 10 host_credentials

# The copy as failoverd makes it with bridge networking, its port published; the image loaded
# (never pulled: --pull never keeps a missing one from going to a registry).
docker save "$sample_image" | node load -q >/dev/null
node run -d --pull never --name "$copy" --network bridge -p 127.0.0.1:18090:8080 -e SITE=cloud "$sample_image" >/dev/null
check "the copy runs with bridge networking and serves on its published port" wait_for 10 in_host_ns curl -fsS -o /dev/null http://127.0.0.1:18090/health
check "without the guard, the copy gets the instance's credentials (what the guard must stop)" copy_credentials

check "the shipped guard loads (nft -f nftables/metadata-guard.nft)" in_host_ns nft -f nftables/metadata-guard.nft
check "  ... and loads again over itself (replaced whole)" in_host_ns nft -f nftables/metadata-guard.nft
check "with the guard, the copy gets no answer from the metadata service, so no credentials" fails copy_credentials
check "  ... while the host's own tools still can" host_credentials
dropped() { in_host_ns nft list table inet failoverd_metadata_guard | grep -q 'iifname "docker0" ip daddr 169.254.169.254 counter packets [1-9]'; }
check "  ... and the guard counted the copy's dropped packets" dropped
check "the copy still serves its clients through its published port" in_host_ns curl -fsS -o /dev/null http://127.0.0.1:18090/health

finish
