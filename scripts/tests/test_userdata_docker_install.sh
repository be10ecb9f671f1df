#!/usr/bin/env bash
# The user data's Docker branch as a fresh Debian AMI runs it: the host has no Docker, so the user
# data installs docker.io from Debian (the host image's local mirror), writes live-restore into a
# new /etc/docker/daemon.json, starts dockerd and loads the image into it, and failoverd creates
# the cloud copy on that dockerd. The host runs in a network namespace of its own, so its dockerd
# makes its bridge and rules there, not on this machine. Starting the copy is not checked here:
# runc inside the host container cannot write the cgroup v1 hierarchy this machine mounts
# read-only; the start is proven against this machine's dockerd by test_userdata_systemd.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source scripts/tests/lib.sh

host=failoverd-docker-host-$$
cloud=failoverd-docker-cloud-$$
work=$(mktemp -d /tmp/failoverd-docker.XXXXXX)
source scripts/tests/systemd_host.sh  # after $host, $cloud and $work, which it reads
cleanup() {
    docker rm -f "$host" >/dev/null 2>&1
    docker volume rm "$host-docker" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT

prepare_host_artifacts
render_user_data install_docker=true metadata_guard=true || exit 1
boot_isolated_host
check "the AMI has no Docker" fails in_host sh -c 'command -v dockerd'
run_user_data() { in_host bash /var/lib/cloud/user-data.sh >"$work/user-data.log" 2>&1 || { tail -20 "$work/user-data.log"; false; }; }
check "the user data runs to completion, installing Docker" run_user_data
docker_from_debian() { in_host dpkg -s docker.io >/dev/null && test "$(in_host systemctl is-active docker.service)" = active; }
check "  ... docker.io came from Debian (the host's mirror) and docker.service is active" docker_from_debian
check "  ... dockerd runs with live-restore, as the user data set it up" \
    test "$(in_host docker info --format '{{.LiveRestoreEnabled}}')" = true
check "  ... the image is loaded into the host's own dockerd" in_host docker image inspect onprem-api:latest
check "  ... failoverd is active" test "$(in_host systemctl is-active failoverd.service)" = active
check "  ... the metadata guard is loaded (the copy's bridges cannot reach 169.254.169.254)" \
    bash -c "docker exec $host nft list table inet failoverd_metadata_guard | grep -q 'iifname \"docker0\" ip daddr 169.254.169.254'"
created() { test "$(in_host docker inspect -f '{{.State.Status}}' "$cloud" 2>/dev/null)" = created; }
check "failoverd pre-created the cloud copy on the new dockerd (standby)" wait_for 20 created
finish
