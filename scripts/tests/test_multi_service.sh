#!/usr/bin/env bash
# End to end, two services in one failoverd: `web` on a container target and `jobs` on a Docker
# Swarm service target (2 replicas), each with its own trigger and hold-down. A real Alertmanager
# delivers the alerts; a private dockerd, made a single-node swarm for this test and taken out of
# it afterwards, runs both. Each service must fail over and back on its own alert only, and a
# replica killed behind failoverd's back must be replaced. A real Prometheus scrapes failoverd, and
# the shipped Grafana dashboard's service variable must show each service's panels with that
# service's series only. Loopback only; every process is stopped by its PID.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

failoverd_bin=$(failoverd_binary)
work=$(mktemp -d /tmp/failoverd-multi.XXXXXX)
docker_sock="$work/docker.sock"
dockerd_pid=""; failoverd_pid=""; am_pid=""; prometheus_pid=""
web="multi-web-$$"; jobs="multi-jobs-$$"
failoverd_port=$(free_port); am_port=$(free_port); web_port=$(free_port); swarm_port=$(free_port)
prometheus_port=$(free_port)

cleanup() {
    stop_pid "$failoverd_pid" "$am_pid" "$prometheus_pid"
    if [ -n "$dockerd_pid" ]; then
        private_docker rm -f "$web" >/dev/null 2>&1
        private_docker service rm "$jobs" >/dev/null 2>&1
        wait_for 20 bash -c "[ -z \"\$(docker -H 'unix://$docker_sock' ps -aq --filter label=com.docker.swarm.service.name=$jobs)\" ]"
        private_docker swarm leave --force >/dev/null 2>&1
        # swarm's gateway bridge outlives the swarm; it is an interface of this host's.
        private_docker network rm docker_gwbridge >/dev/null 2>&1
    fi
    stop_private_dockerd
    unmount_under "$work"
    if [ "$failed" -gt 0 ]; then
        echo "--- failoverd log (tail)"; tail -20 "$work/failoverd.log"
    fi
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

web_state() { private_docker inspect -f '{{.State.Status}}' "$web" 2>/dev/null; }
# "replicas running": the service's desired replicas, and its tasks that are running.
jobs_state() {
    echo "$(private_docker service inspect -f '{{.Spec.Mode.Replicated.Replicas}}' "$jobs") $(private_docker service ps --filter desired-state=running --format '{{.CurrentState}}' "$jobs" | grep -c '^Running')"
}
started_at=$(rfc3339_now)
post_alert() {  # post_alert SERVICE firing|resolved
    post_alert_to_alertmanager "$am_port" "{\"alertname\": \"OnPremDown\", \"service\": \"$1\"}" "$started_at" \
        "$([ "$2" = resolved ] && rfc3339_now)"
}
actions() {  # actions SERVICE ACTION: how many successful ACTIONs failoverd counted for SERVICE
    curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/metrics" \
        | awk -v s="service=\"$1\",action=\"$2\",result=\"success\"" 'index($0, "failoverd_actions_total{" s "}") == 1 {print $2}'
}

# The checks below run in child shells (wait_for bash -c ...); they see these.
export docker_sock web jobs failoverd_port work
export -f private_docker web_state jobs_state actions

# --- setup: a private dockerd as a single-node swarm on loopback, with the image
new_token "$work/token"
check "private dockerd starts (socket $docker_sock)" start_private_dockerd "$work"
check "it becomes a single-node swarm on loopback" private_docker swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$swarm_port"
check "image loads into the private dockerd without a registry" bash -o pipefail -c "docker save onprem-api:latest | docker -H 'unix://$docker_sock' load -q"

cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
reconcile_interval_seconds: 600  # so what follows is driven by webhooks, events and timers
docker: {socket: $docker_sock}
state_directory: $work/state
alertmanager: {urls: ["http://127.0.0.1:$am_port"], interval_seconds: 1}
container: {image: onprem-api:latest, stop_timeout_seconds: 5}
services:
  - name: web
    triggers: ['alertname="OnPremDown",service="web"']
    hold_down_seconds: 2
    container:
      name: $web
      env: [SITE=cloud, PORT=$web_port, SHUTDOWN_DRAIN_SECONDS=0]
  - name: jobs
    triggers: ['alertname="OnPremDown",service="jobs"']
    hold_down_seconds: 4
    target: swarm
    swarm: {replicas: 2}
    container:
      name: $jobs
      env: [SITE=cloud, SHUTDOWN_DRAIN_SECONDS=0]
      network_mode: none  # each replica answers its HEALTHCHECK on its own loopback
YAML
# One group for both services' alerts: a webhook can concern both at once.
immediate_alertmanager_config "$failoverd_port" "$work/token" "[alertname]" >"$work/alertmanager.yml"
check "failoverd check-config accepts two services" bash -o pipefail -c "'$failoverd_bin' check-config --config '$work/failoverd.yml' | grep -c '^- name: jobs'"
"$failoverd_bin" serve --config "$work/failoverd.yml" >"$work/failoverd.log" 2>&1 &
failoverd_pid=$!
failoverd_started=$SECONDS
check "failoverd starts and answers /health" wait_for 20 curl -fsS "http://127.0.0.1:$failoverd_port/health"
check "web's container is pre-created, not started" wait_for 10 bash -c "[ \"\$(web_state)\" = created ]"
check "jobs' Swarm service is created at 0 replicas" wait_for 10 bash -c "[ \"\$(jobs_state)\" = '0 0' ]"
start_alertmanager_process am_pid "$work/alertmanager.yml" "$am_port" "$work/alertmanager"
check "Alertmanager starts on loopback" wait_for 20 curl -fsS "http://127.0.0.1:$am_port/-/ready"
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s}
scrape_configs:
  - job_name: failoverd
    authorization: {type: Bearer, credentials_file: $work/token}
    static_configs: [{targets: ["127.0.0.1:$failoverd_port"]}]
YAML
start_prometheus_process prometheus_pid "$work/prometheus.yml" "$prometheus_port" "$work/prometheus"
scraped_from=$(date +%s)
failoverd_scraped() { page_has "http://127.0.0.1:$prometheus_port/api/v1/query?query=up==1" '"result":\[{'; }
check "Prometheus scrapes failoverd" wait_for 30 failoverd_scraped

# --- web fails over alone
check "web's alert is accepted by Alertmanager" post_alert web firing
check "web's alert starts web's container" wait_for 20 bash -c "[ \"\$(web_state)\" = running ]"
check "web's copy answers /health" wait_for 20 curl -fsS "http://127.0.0.1:$web_port/health"
check "jobs stays at 0 replicas" bash -c "sleep 1; [ \"\$(jobs_state)\" = '0 0' ]"

# --- jobs fails over too: the next webhook carries both alerts
fired_ms=$(millis)
check "jobs' alert is accepted by Alertmanager" post_alert jobs firing
check "jobs' alert scales jobs to 2 running (healthy) replicas" wait_for 40 bash -c "[ \"\$(jobs_state)\" = '2 2' ]"
echo "       jobs' alert posted to Alertmanager → 2 replicas running: $(($(millis) - fired_ms)) ms"
check "web's container was started once, jobs' service once" wait_for 10 bash -c "[ \"\$(actions web start)\" = 1 ] && [ \"\$(actions jobs start)\" = 1 ]"
check "failoverd status shows both services failed over" bash -o pipefail -c \
    "'$failoverd_bin' status --config '$work/failoverd.yml' | grep -c '^failoverd: web: failed over since .* | jobs: failed over since'"

# --- a replica killed behind failoverd's back is replaced
victim=$(private_docker ps -q --filter "label=com.docker.swarm.service.name=$jobs" | head -1)
private_docker kill "$victim" >/dev/null
sleep 1
check "a killed replica is replaced: 2 running again" wait_for 40 bash -c "[ \"\$(jobs_state)\" = '2 2' ]"
check "web was not touched by jobs' events" bash -c "[ \"\$(actions web start)\" = 1 ]"

# --- web recovers: web stops after its 2 s hold-down, jobs keeps running
check "web's resolve is accepted by Alertmanager" post_alert web resolved
check "web's container stops after its hold-down" wait_for 30 bash -c "[ \"\$(web_state)\" = exited ]"
check "jobs keeps its 2 replicas while its alert fires" bash -c "[ \"\$(jobs_state)\" = '2 2' ]"

# --- jobs recovers: scaled back to 0 after its own hold-down
resolved_ms=$(millis)
check "jobs' resolve is accepted by Alertmanager" post_alert jobs resolved
check "jobs is scaled back to 0 with no replica left running" wait_for 40 bash -c "[ \"\$(jobs_state)\" = '0 0' ]"
echo "       jobs' resolve posted → 0 replicas running: $(($(millis) - resolved_ms)) ms (hold-down 4000 ms)"
check "each service stopped once" wait_for 10 bash -c "[ \"\$(actions web stop)\" = 1 ] && [ \"\$(actions jobs stop)\" = 1 ]"
check "each service kept its own state file" test -s "$work/state/web/state.json" -a -s "$work/state/jobs/state.json"
check "the logs name the service of every action" wait_for 10 bash -c "grep '\"failover.action\":\"stop\"' '$work/failoverd.log' | grep -c '\"service\":\"jobs\"'"
questions_per_second() {  # failoverd's questions to Alertmanager since it started, per second
    curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/metrics" | awk -v seconds=$((SECONDS - failoverd_started)) \
        'index($1, "failoverd_alertmanager_requests_total{") == 1 {sum += $2} END {printf "%.2f", sum / seconds}'
}
echo "       questions to Alertmanager: $(questions_per_second) per second (interval 1 s, two services)"
# Alertmanager started after failoverd: its first question failed. One question serves both
# services, so the peer's going and coming back are logged once each, not once per service.
logged_once() { [ "$(grep -c "$1" "$work/failoverd.log")" = 1 ]; }
check "one Alertmanager question serves both services: the unanswered peer is logged once, not per service" \
    logged_once "Alertmanager peer does not answer"
check "  ... and its answering again once" logged_once "Alertmanager peer answers again"

# --- the dashboard, one service selected: every per-service query answers, for that service only
dashboard_shows_only() {  # dashboard_shows_only SERVICE
    python3 scripts/lib/dashboard_check.py --prometheus "http://127.0.0.1:$prometheus_port" \
        --dashboard prometheus/grafana/failover-kit.json --start "$scraped_from" --end "$(($(date +%s) + 2))" \
        --step 1s --rate-interval 5s --var "service=$1" --only-matching 'service=~' --require-label "service=$1" \
        --out "$work/dashboard-$1.json" &&
        json_holds '.queries | length >= 15' <"$work/dashboard-$1.json"
}
for service in web jobs; do
    check "Grafana dashboard, service=$service: all 15 per-service queries return that service's series only" \
        wait_for 15 dashboard_shows_only "$service"
done

finish
