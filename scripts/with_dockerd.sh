#!/usr/bin/env bash
# Runs a command with a Docker engine available. Reuses a running dockerd; otherwise starts one
# that never touches the network (no bridge, no iptables: containers use --network host or none)
# and stops exactly that process, by PID, when the command ends.
set -uo pipefail
if docker info >/dev/null 2>&1; then
    exec "$@"
fi
log_dir=$(mktemp -d /tmp/failover-dockerd.XXXXXX)
dockerd --bridge=none --iptables=false --ip6tables=false >"$log_dir/dockerd.log" 2>&1 &
dockerd_pid=$!
stop_dockerd() {
    kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null
}
trap stop_dockerd EXIT
for _ in $(seq 1 100); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { echo "dockerd died; log:"; cat "$log_dir/dockerd.log"; exit 1; }
    sleep 0.2
done
docker info >/dev/null 2>&1 || { echo "dockerd did not come up in 20 s; log: $log_dir/dockerd.log"; exit 1; }
"$@"
