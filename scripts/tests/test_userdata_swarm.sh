#!/usr/bin/env bash
# The Terraform option target = "swarm", proven the way the base user data is: rendered with
# local artifacts and run as root under a booted systemd, here against a private dockerd (the
# host's "docker.io"), which the user data must make a single-node swarm. failoverd must create
# the cloud copy as a Swarm service at 0 replicas, scale it to 1 on a firing webhook (serving on
# the API port, host network) and back to 0 after the hold-down. Against a dockerd with
# live-restore it must stop, saying so. Loopback only; the swarm is left and the private dockerd
# stopped by its PID afterwards.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-swarm-host-$$
cloud=failoverd-swarm-cloud-$$
work=$(mktemp -d /tmp/failoverd-swarm.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
docker_socket="$work/docker.sock"; docker_sock=$docker_socket  # the host's socket: systemd_host.sh mounts it, lib.sh starts a dockerd on it
dockerd_pid=""
leave_swarm() {
    docker rm -f "$host" >/dev/null 2>&1
    if [ -n "$dockerd_pid" ]; then
        private_docker service rm "$cloud" >/dev/null 2>&1
        wait_for 20 bash -c "[ -z \"\$(docker -H 'unix://$docker_sock' ps -aq --filter label=com.docker.swarm.service.name=$cloud)\" ]"
        private_docker swarm leave --force >/dev/null 2>&1
        private_docker network rm docker_gwbridge >/dev/null 2>&1  # swarm's bridge outlives the swarm
    fi
}
cleanup() {
    leave_swarm
    stop_private_dockerd
    unmount_under "$work"
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

check "the host's dockerd (private, no live-restore) starts" start_private_dockerd "$work"
prepare_host_artifacts
render_settings hold_down_seconds=5 && render_user_data target=swarm || exit 1
boot_host

check "the rendered user data (target = swarm) runs to completion as root" in_host bash /var/lib/cloud/user-data.sh
check "  ... and made the host a single-node swarm" test "$(private_docker info -f '{{.Swarm.LocalNodeState}}')" = active
check "failoverd is active under systemd" test "$(in_host systemctl is-active failoverd.service)" = active
replicas() { # desired and running replicas of the cloud copy's service
    echo "$(private_docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$cloud") $(private_docker service ps --filter desired-state=running --format '{{.CurrentState}}' "$cloud" | grep -c '^Running')"
}
is_replicas() { [ "$(replicas)" = "$1" ]; }
check "the cloud copy is a Swarm service at 0 replicas (standby)" wait_for 10 is_replicas "0 0"
check "  ... on a dockerd without live-restore (swarm mode refuses it)" test "$(private_docker info -f '{{.LiveRestoreEnabled}}')" = false

save_host_certificate
check "a firing webhook over HTTPS is answered" api POST /failover "$(python3 scripts/lib/webhook_body.py --status firing --fingerprint swarm0001)"
check "  ... and the service runs 1 replica" wait_for 30 is_replicas "1 1"
check "  ... which serves /health on the API port (host network, through the host's TLS gateway)" wait_for 30 copy_answers /health
check "a resolved webhook is answered" api POST /failover "$(python3 scripts/lib/webhook_body.py --status resolved --fingerprint swarm0001)"
check "  ... and after the 5 s hold-down the service is back at 0 replicas" wait_for 40 is_replicas "0 0"

if [ "$failed" -gt 0 ]; then
    echo "       --- journal (last 30 lines)"
    in_host journalctl -u failoverd --no-pager -n 30 | sed 's/^/       /'
fi

# --- the same user data on a host whose dockerd runs with live-restore (an image's daemon.json)
leave_swarm
stop_private_dockerd
check "the host's dockerd starts again, now with live-restore" start_private_dockerd "$work" --live-restore
host=$host-live-restore
boot_host
refuses() {
    ! in_host bash /var/lib/cloud/user-data.sh >"$work/refused.log" 2>&1 &&
        grep -q "dockerd runs with live-restore, which swarm mode refuses: remove it from /etc/docker/daemon.json" "$work/refused.log" &&
        test "$(private_docker info -f '{{.Swarm.LocalNodeState}}')" = inactive
}
check "  ... where the user data stops, naming live-restore, and makes no swarm" refuses
finish
