#!/usr/bin/env bash
# End to end, the user's own service as the cloud copy: the sample service (not onprem-api;
# scripts/sample_service_image.sh) in a private registry with TLS and a password, run by failoverd
# with every option a real service needs (an environment and an environment file, a secret file,
# a bind mount and a named volume, command, entrypoint, user, working directory, memory and CPU
# limits, log options, a health check of the configuration's own), as a container with bridge
# networking and a published port, and as a Swarm service, fed by a real Alertmanager. The
# cloud host is a dockerd in a network namespace of its own (scripts/lib/swarm_nodes.sh, one node,
# with a bridge); the registry runs beside it (scripts/lib/local_registry.sh), so dockerd checks
# its certificate. A third service's health check never passes: it is never reported running.
# A changed spec leaves the serving copies alone and applies once they stop. failoverd reaches
# dockerd only through the shipped socket proxy (haproxy/docker-socket-proxy.cfg): every call it
# makes goes through it, while a privileged create, a bind of / and an exec are refused.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh
. scripts/lib/local_registry.sh

failoverd_bin=$(failoverd_binary)
sample_image=$(scripts/sample_service_image.sh) || { echo "FAIL - cannot build the sample service image"; exit 1; }
work=$(mktemp -d /tmp/failoverd-own.XXXXXX)
chmod 0755 "$work"
failoverd_pid=""; am_pid=""; proxy_pid=""
failoverd_port=$(free_port); am_port=$(free_port)
bridge_port=18080; swarm_port=18081; unhealthy_port=18082  # inside the node's namespace: nothing else there
orders_c="orders-c-$$"; orders_s="orders-s-$$"; unhealthy="unhealthy-$$"
secret="db-password-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
swarm_nodes_bridge=10.214.0.1/24

cleanup() {
    stop_pid "$failoverd_pid" "$am_pid" "$proxy_pid"
    local_registry_down
    swarm_nodes_down
    if [ "$failed" -gt 0 ]; then
        echo "--- failoverd log (tail)"; tail -20 "$work/failoverd.log"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
node() { swarm_node_docker 1 "$@"; }
in_node() { nsenter --net="/var/run/netns/swarm-$$-1" "$@"; }
answer() { in_node curl -fsS --max-time 5 "http://127.0.0.1:$1/"; }

# --- the cloud host and the user's registry, holding the service's image
check "the cloud host's dockerd starts in a network namespace of its own, with a bridge" swarm_nodes_up 1
check "the user's registry serves TLS and asks for a password (10.213.0.254:5000, in the test's namespace)" \
    local_registry_up "$work/registry" 10.213.0.254:5000 swarm_hub
docker save "$sample_image" | node load -q >/dev/null
reference=$(local_registry_push "$sample_image" orders:1.0 node)
check "the sample service's image is pushed to it: $reference" test -n "$reference"
node rmi "$sample_image" "$local_registry/orders:1.0" >/dev/null 2>&1
check "  ... and is not on the cloud host: failoverd must pull it" fails node image inspect "$reference"

# --- the socket proxy failoverd talks to instead of dockerd's socket
proxy_socket=$work/docker-proxy.sock
DOCKER_SOCKET=$(swarm_node_socket 1) PROXY_SOCKET=$proxy_socket PROXY_SOCKET_GROUP=root \
    haproxy -db -f haproxy/docker-socket-proxy.cfg >"$work/proxy.log" 2>&1 &
proxy_pid=$!
check "the shipped Docker socket proxy (HAProxy) listens in front of the cloud host's dockerd" \
    wait_for 10 curl -fsS --unix-socket "$proxy_socket" http://docker/version

# --- the files the spec names on the cloud host
mkdir -p "$work/secrets" "$work/uploads"
(umask 077 && printf '%s' "$secret" >"$work/secrets/db_password")
(umask 077 && printf 'GREETING=hello from the env file\n# a comment\nUNUSED=x\n' >"$work/orders.env")
echo "uploaded before the failover" >"$work/uploads/message"
chmod 0755 "$work/uploads"
(umask 077 && printf '{"username": "%s", "password": "%s"}\n' "$local_registry_user" "$local_registry_password" >"$work/registry-auth.json")
new_token "$work/token"

write_config() {  # write_config GREETING-SUFFIX: the configuration, with an env value that changes
    cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
reconcile_interval_seconds: 600  # what follows is driven by webhooks, events and timers
docker: {socket: $proxy_socket}
state_directory: $work/state
alertmanager: {urls: ["http://127.0.0.1:$am_port"], interval_seconds: 1}
triggers: ['alertname="OnPremDown",service="orders"']
hold_down_seconds: 2
ready_timeout_seconds: 20
container:
  image: $reference
  pull: missing
  registry_auth_file: $work/registry-auth.json
  env_file: $work/orders.env
  secrets: {db_password: $work/secrets/db_password}
  user: app
  working_dir: /www
  entrypoint: [/bin/sh, -c]
  command: ['exec httpd -f -p "\$PORT" -h /www']
  volumes: [$work/uploads:/data:ro, orders-cache-$$:/cache]
  memory: 64m
  cpus: 0.5
  log: {driver: json-file, options: {max-size: 1m, max-file: "2"}}
  healthcheck: {test: [CMD-SHELL, 'wget -q -O /dev/null http://127.0.0.1:\$PORT/health'], interval_seconds: 0.5}
  stop_timeout_seconds: 1
services:
  - name: orders-container
    container:
      name: $orders_c
      env: [SITE=cloud, PORT=8080, SPEC=$1]
      network_mode: bridge
      ports: ["127.0.0.1:$bridge_port:8080"]
  - name: orders-swarm
    target: swarm
    container:
      name: $orders_s
      env: [SITE=cloud, PORT=$swarm_port, SPEC=$1]
      network_mode: host
  - name: unhealthy
    triggers: ['alertname="OnPremDown",service="unhealthy"']
    ready_timeout_seconds: 3
    container:
      name: $unhealthy
      env: [SITE=cloud, PORT=$unhealthy_port]
      network_mode: host
      healthcheck: {test: [CMD, /bin/false], interval_seconds: 0.5, retries: 1}
YAML
}
write_config first
immediate_alertmanager_config "$failoverd_port" "$work/token" "[alertname, service]" >"$work/alertmanager.yml"
check "failoverd check-config accepts every option" "$failoverd_bin" check-config --config "$work/failoverd.yml"
start_failoverd() { start_failoverd_serving failoverd_pid "$failoverd_bin" "$work/failoverd.yml" "$work/failoverd.log" "$failoverd_port"; }
check "failoverd starts" start_failoverd
pulled() { page_has "http://127.0.0.1:$failoverd_port/metrics" "^failoverd_image_pulls_total{service=\"$1\",result=\"success\"} [1-9]" -H "Authorization: Bearer $(cat "$work/token")"; }
check "it pulls the pinned image from the registry with the credentials file" wait_for 30 pulled orders-container
container_state() { node inspect -f '{{.State.Status}}' "$orders_c" 2>/dev/null; }
swarm_replicas() { node service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$orders_s" 2>/dev/null; }
is() { [ "$("$1")" = "$2" ]; }
check "  ... and the standby container is made from it, not started" wait_for 20 is container_state created
check "  ... and the Swarm service, at 0 replicas" wait_for 20 is swarm_replicas 0
names_digest() { page_has "http://127.0.0.1:$failoverd_port/metrics" "^failoverd_cloud_image_info{service=\"orders-container\",image=\"$reference\",digest=\"$reference\"} 1" -H "Authorization: Bearer $(cat "$work/token")"; }
check "failoverd_cloud_image_info names the digest the copy is made from" wait_for 10 names_digest
status_of() { failoverd_status "$failoverd_port" "$work/token" | jq -r --arg s "$1" ".services[] | select(.service == \$s) | $2"; }
check "  ... and so does /status" test "$(status_of orders-container .image)" = "$reference"

# --- every option as dockerd shows it, and the secret in none of it
node inspect "$orders_c" >"$work/inspect.json"
inspect_holds() { json_holds "$1" <"$work/inspect.json"; }
check "docker inspect: entrypoint, command, user, working directory" \
    inspect_holds '.[0].Config | .Entrypoint == ["/bin/sh","-c"] and (.Cmd[0] | startswith("exec httpd")) and .User == "app" and .WorkingDir == "/www"'
check "docker inspect: the env file's entries and the spec's, no secret" \
    inspect_holds '.[0].Config.Env | index("GREETING=hello from the env file") != null and index("PORT=8080") != null'
check "docker inspect: the health check of the configuration's own" \
    inspect_holds '.[0].Config.Healthcheck | .Test[0] == "CMD-SHELL" and .Interval == 500000000'
check "docker inspect: memory 64m, half a CPU, json-file log options" \
    inspect_holds '.[0].HostConfig | .Memory == 67108864 and .NanoCpus == 500000000 and .LogConfig.Type == "json-file" and .LogConfig.Config["max-size"] == "1m"'
check "docker inspect: the bind mount (read-only) and the named volume" \
    inspect_holds "[.[0].HostConfig.Mounts[] | .Type + \":\" + .Source + \":\" + .Target + \":\" + (.ReadOnly // false | tostring)] == [\"bind:$work/uploads:/data:true\", \"volume:orders-cache-$$:/cache:false\"]"
check "docker inspect: bridge networking, port 8080 published on 127.0.0.1:$bridge_port" \
    inspect_holds ".[0].HostConfig | .NetworkMode == \"bridge\" and .PortBindings[\"8080/tcp\"][0].HostPort == \"$bridge_port\""
check "the secret is in neither docker inspect nor failoverd's log" fails grep -q "$secret" "$work/inspect.json" "$work/failoverd.log"

# --- the failover, delivered by a real Alertmanager
start_alertmanager_process am_pid "$work/alertmanager.yml" "$am_port" "$work/alertmanager"
check "Alertmanager starts on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"
started_at=$(rfc3339_now)
check "OnPremDown for the orders service is accepted by Alertmanager" \
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "service": "orders"}' "$started_at"
serves() { answer "$1" | json_holds "$2"; }
expected_sha=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
for copy in "orders-container $bridge_port" "orders-swarm $swarm_port"; do
    read -r name port <<<"$copy"
    check "$name serves through its port once failed over" wait_for 40 serves "$port" '.site == "cloud"'
    check "  ... with its environment file's and its spec's values" serves "$port" '.greeting == "hello from the env file"'
    check "  ... with the secret file, owned by the container's user (uid 10001), mode 0400" \
        serves "$port" ".secret_sha256 == \"$expected_sha\" and .secret_owner_mode == \"10001 400\" and .uid == \"10001\""
    check "  ... and the bind-mounted upload" serves "$port" '.volume == "uploaded before the failover"'
done
node service inspect "$orders_s" >"$work/service.json"
check "the Swarm service carries the secret as a Docker secret (uid 10001, mode 0400), never as a value" \
    json_holds '.[0].Spec.TaskTemplate.ContainerSpec.Secrets[0].File | .Name == "db_password" and .UID == "10001" and .Mode == 256' <"$work/service.json"
check "  ... and the limits, log driver, mounts and health check" json_holds \
    '.[0].Spec.TaskTemplate | .Resources.Limits.MemoryBytes == 67108864 and .LogDriver.Name == "json-file" and (.ContainerSpec.Mounts | length) == 2 and .ContainerSpec.Healthcheck.Test[0] == "CMD-SHELL"' \
    <"$work/service.json"
check "  ... and the secret's value is not in it" fails grep -q "$secret" "$work/service.json"

# --- a copy whose health check never passes is never reported running
check "OnPremDown for the unhealthy service is accepted by Alertmanager" \
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "service": "unhealthy"}' "$started_at"
answered_503() { page_has "http://127.0.0.1:$failoverd_port/metrics" '^failoverd_webhook_requests_total{code="503"} [1-9]' -H "Authorization: Bearer $(cat "$work/token")"; }
check "failoverd answers its webhook 503, so Alertmanager retries" wait_for 30 answered_503
says_health() { status_of unhealthy .actual | grep -q "health"; }
check "  ... and never reports it running: its status names the health check" wait_for 10 says_health
not_running_metric() { page_has "http://127.0.0.1:$failoverd_port/metrics" '^failoverd_actual_running{service="unhealthy"} 0' -H "Authorization: Bearer $(cat "$work/token")"; }
check "  ... and failoverd_actual_running stays 0" not_running_metric

# --- a changed spec: the serving copies are left alone, and it applies once they stop
container_id() { node inspect -f '{{.Id}}' "$orders_c"; }
serving_id=$(container_id)
stop_pid "$failoverd_pid"
write_config second
check "failoverd restarts with a changed spec" start_failoverd
says_pending() { [ "$(status_of orders-container .spec_change_pending)" = true ]; }
check "status says the spec changed and applies at the next start" wait_for 10 says_pending
summary_says_pending() { failoverd_status "$failoverd_port" "$work/token" | jq -r .summary | grep -q 'spec changed; applied at next start'; }
check "  ... in the summary line too" summary_says_pending
same_and_serving() { [ "$(container_id)" = "$serving_id" ] && answer "$bridge_port" >/dev/null; }
check "  ... while the serving container is the same one, still serving" same_and_serving
check "on-prem recovers: the resolve is accepted by Alertmanager" \
    post_alert_to_alertmanager "$am_port" '{"alertname": "OnPremDown", "service": "orders"}' "$started_at" "$(rfc3339_now)"
remade() { [ "$(container_id)" != "$serving_id" ] && [ "$(node inspect -f '{{.State.Status}}' "$orders_c")" = created ]; }
check "after the hold-down it stops, and the standby is made again from the new spec" wait_for 30 remade
new_environment() { node inspect -f '{{json .Config.Env}}' "$orders_c" | grep -q SPEC=second; }
check "  ... carrying the new environment" new_environment
swarm_current() { is swarm_replicas 0 && node service inspect -f '{{json .Spec.TaskTemplate.ContainerSpec.Env}}' "$orders_s" | grep -q SPEC=second; }
check "  ... and the Swarm service, scaled to 0, is made again from it" wait_for 30 swarm_current
no_pending() { [ "$(status_of orders-container .spec_change_pending)" = null ]; }
check "  ... and status no longer says a change is pending" wait_for 10 no_pending

# --- what the proxy refuses, and dockerd gone behind it
through_proxy() {  # through_proxy METHOD PATH [BODY]: the proxy's status code
    curl -s -o /dev/null -w '%{http_code}' --unix-socket "$proxy_socket" -X "$1" -H 'Content-Type: application/json' \
        ${3:+--data "$3"} "http://docker/v1.41$2"
}
refused() { [ "$(through_proxy "$@")" = 403 ]; }
check "the proxy refuses a privileged create (403)" refused POST "/containers/create?name=evil-$$" \
    "{\"Image\": \"$reference\", \"HostConfig\": {\"Privileged\": true}}"
check "  ... a create that binds the host's / (403)" refused POST "/containers/create?name=evil-$$" \
    "{\"Image\": \"$reference\", \"HostConfig\": {\"Mounts\": [{\"Type\": \"bind\", \"Source\": \"/\", \"Target\": \"/host\"}]}}"
check "  ... an exec in the copy (403)" refused POST "/containers/$orders_c/exec" '{"Cmd": ["id"]}'
check "  ... and whatever else failoverd never calls: the daemon's info (403)" refused GET /info
check "  ... none of which made a container" fails node inspect "evil-$$"
swarm_node_stop 1
unreachable() { failoverd_status "$failoverd_port" "$work/token" | jq -r .summary | grep -q 'Docker unreachable'; }
check "dockerd stopped behind the proxy: failoverd says Docker is unreachable (the proxy's 503 is not dockerd's)" wait_for 20 unreachable

finish
