#!/usr/bin/env bash
# The lab drill: the whole failover loop on one machine, on loopback, with real dockerd, HAProxy,
# Prometheus, Alertmanager and failoverd, using the shipped config files (only ports, paths and
# the profile's timings are injected). Prints progress, writes report.json, a summary and
# timeline.svg to the work directory, and tears everything down on exit or Ctrl-C.
#
#   scripts/lab.sh [--profile fast|reference] [--down-seconds N] [--work DIR] [--rate RPS]
#                  [--client-timeout-ms MS] [--drill crash|false-positive]
#
# fast: the shipped timings. reference: the well-known reference setup's timings (scrape 15 s,
# rule evaluation 1 m, for: 15s, group_wait 10 s, HAProxy inter 2 s fall 3, no pre-warm, no
# retries) for comparison. The load's clients give up on a request after --client-timeout-ms
# (5000, as an API client would); the report also counts what a 1 s client would have seen.
# crash: on-prem is docker-killed, then started again. false-positive: on-prem stays up, but
# Prometheus loses 1-2 scrapes of it (scripts/lib/scrape_relay.py cuts the path for 1.5 s):
# the pre-warm starts the cloud copy, clients must see no error, and failoverd must stop it again.
# Run it under scripts/with_dockerd.sh (make lab does) unless a dockerd already runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/tests/lib.sh

profile=fast; down_seconds=20; rate=50; work=""; hold_down=10; client_timeout_ms=5000; drill=crash
lost_scrape_seconds=1.5  # the false-positive drill: 1-2 scrapes of 1 s lost
while [ $# -gt 0 ]; do
    case "$1" in
        --profile) profile=$2; shift 2 ;;
        --down-seconds) down_seconds=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --hold-down) hold_down=$2; shift 2 ;;
        --client-timeout-ms) client_timeout_ms=$2; shift 2 ;;
        --drill) drill=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$profile" in fast|reference) ;; *) echo "--profile must be fast or reference" >&2; exit 2 ;; esac
case "$drill" in crash|false-positive) ;; *) echo "--drill must be crash or false-positive" >&2; exit 2 ;; esac
work=${work:-"$root/lab-work/$(date -u +%Y%m%dT%H%M%SZ)-$profile-$drill"}
mkdir -p "$work"
work=$(cd "$work" && pwd)
drill_started=$(date +%s)
say() { printf '[lab %4ss] %s\n' "$(($(date +%s) - drill_started))" "$*"; }

# --- build
say "building failoverd, failover-drill and the onprem-api image (first build takes minutes)"
swift build --product failoverd >"$work/build.log" 2>&1 && swift build --product failover-drill >>"$work/build.log" 2>&1 \
    || { tail -20 "$work/build.log"; exit 1; }
bin=$(swift build --show-bin-path)
scripts/build_image.sh >>"$work/build.log" 2>&1 || { tail -20 "$work/build.log"; exit 1; }

# --- ports, names, teardown
api_port=$(free_port); haproxy_metrics=$(free_port); onprem_port=$(free_port); cloud_port=$(free_port)
failoverd_port=$(free_port); prom_port=$(free_port); am_port=$(free_port); relay_port=$(free_port)
onprem="lab-onprem-$$"; cloud="lab-cloud-$$"
pids=()
teardown() {
    say "tearing down (logs kept in $work)"
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    docker logs "$onprem" >"$work/onprem.log" 2>&1 || true
    docker logs "$cloud" >"$work/cloud.log" 2>&1 || true
    docker rm -f "$onprem" "$cloud" >/dev/null 2>&1 || true
}
trap teardown EXIT
trap 'exit 130' INT TERM

# --- configs: copies of the shipped files with lab ports and the profile's timings
mkdir -p "$work/prometheus/targets" "$work/prometheus/rules"
cp prometheus/prometheus.yml "$work/prometheus/"
cp prometheus/rules/*.yml "$work/prometheus/rules/"
cp prometheus/alertmanager.yml "$work/alertmanager.yml"
cp haproxy/haproxy.cfg "$work/haproxy.cfg"
head -c 32 /dev/urandom | base64 | tr -d '\n' >"$work/token"
# In the false-positive drill Prometheus reaches on-prem through the relay that loses scrapes.
scraped_onprem_port=$onprem_port
[ "$drill" = false-positive ] && scraped_onprem_port=$relay_port
cat >"$work/prometheus/targets/onprem-api.json" <<JSON
[{"targets": ["127.0.0.1:$scraped_onprem_port"], "labels": {"site": "onprem"}},
 {"targets": ["127.0.0.1:$cloud_port"], "labels": {"site": "cloud"}}]
JSON
echo "[{\"targets\": [\"127.0.0.1:$failoverd_port\"]}]" >"$work/prometheus/targets/failoverd.json"
echo "[{\"targets\": [\"127.0.0.1:$haproxy_metrics\"]}]" >"$work/prometheus/targets/haproxy.json"
echo "[{\"targets\": [\"127.0.0.1:$am_port\"]}]" >"$work/prometheus/targets/alertmanager.json"
sed -i -e "s|https://failover.example.invalid:9095/failover|http://127.0.0.1:$failoverd_port/failover|" \
    -e "s|/etc/alertmanager/failoverd-token|$work/token|" \
    -e "s|https://[a-z.]*example.invalid/[a-z]*|http://127.0.0.1:9/discard|" "$work/alertmanager.yml"
if [ "$profile" = reference ]; then
    python3 - "$work" <<'PY'
import re, sys
work = sys.argv[1]
def edit(path, *subs):
    text = open(path).read()
    for old, new in subs:
        assert old in text, (path, old)
        text = text.replace(old, new)
    open(path, "w").write(text)
edit(f"{work}/prometheus/prometheus.yml", ("scrape_interval: 1s\n    scrape_timeout: 800ms", "scrape_interval: 15s\n    scrape_timeout: 10s"))
edit(f"{work}/prometheus/rules/failover.yml", ("interval: 1s", "interval: 1m"), ("for: 3s", "for: 15s"))
edit(f"{work}/alertmanager.yml", ("group_wait: 0s\n      group_interval: 1s", "group_wait: 10s\n      group_interval: 5s"))
edit(f"{work}/haproxy.cfg", ("check inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2", "check inter 2s fall 3 rise 2"), ("backup rise 1", "backup"),
     ("retries 6", "retries 2"), ("timeout connect 500ms", "timeout connect 1s"),
     (" observe layer4 error-limit 2 on-error mark-down", ""), ('    server cloud-hold "${CLOUD_ADDR}" backup no-check\n', ""))
PY
fi
cat >"$work/failoverd.yml" <<YAML
listen: {host: 127.0.0.1, port: $failoverd_port}
auth: {token_file: $work/token}
hold_down_seconds: $hold_down
$([ "$profile" = reference ] && echo "prewarm_triggers: []")
reconcile_interval_seconds: 1
state_directory: $work/failoverd-state
container:
  name: $cloud
  image: onprem-api:latest
  env: [SITE=cloud, PORT=$cloud_port, SHUTDOWN_DRAIN_SECONDS=1]
  network_mode: host
  stop_timeout_seconds: 5
YAML

# --- components
say "starting on-prem API (container $onprem, port $onprem_port)"
docker run -d --name "$onprem" --network host -e SITE=onprem -e PORT="$onprem_port" -e FAULT_INJECTION=true \
    -e SHUTDOWN_DRAIN_SECONDS=1 onprem-api:latest >/dev/null
if [ "$drill" = false-positive ]; then
    python3 scripts/lib/scrape_relay.py --listen-port "$relay_port" --upstream-port "$onprem_port" \
        --drop-seconds "$lost_scrape_seconds" >"$work/relay.log" 2>&1 &
    relay_pid=$!; pids+=($relay_pid)
    say "starting the scrape relay (port $relay_port -> on-prem)"
fi
say "starting failoverd (port $failoverd_port) managing $cloud"
"$bin/failoverd" serve --config "$work/failoverd.yml" >"$work/failoverd.log" 2>&1 &
pids+=($!)
HAPROXY_BIND="127.0.0.1:$api_port" HAPROXY_METRICS_BIND="127.0.0.1:$haproxy_metrics" \
ONPREM_ADDR="127.0.0.1:$onprem_port" CLOUD_ADDR="127.0.0.1:$cloud_port" HAPROXY_STATS_SOCKET="$work/haproxy.sock" \
    haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
say "starting HAProxy (API on port $api_port)"
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/alertmanager-data" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
say "starting Alertmanager (port $am_port)"
prometheus --config.file="$work/prometheus/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
say "starting Prometheus (port $prom_port, profile $profile)"

wait_for 30 curl -fsS "http://127.0.0.1:$failoverd_port/health" || { say "failoverd did not start"; tail "$work/failoverd.log"; exit 1; }
wait_for 30 curl -fsS "http://127.0.0.1:$am_port/-/ready" || { say "Alertmanager did not start"; exit 1; }
wait_for 30 curl -fsS "http://127.0.0.1:$prom_port/-/ready" || { say "Prometheus did not start"; exit 1; }
say "waiting for traffic through HAProxy to reach on-prem and Prometheus to see it up"
"$bin/failover-drill" probe --url "http://127.0.0.1:$api_port/" --until-site onprem --timeout 30 --settle 0 2>/dev/null >/dev/null \
    || { say "on-prem never served through HAProxy"; exit 1; }
wait_for 60 bash -c "curl -fsS 'http://127.0.0.1:$prom_port/api/v1/query?query=up%7Bjob%3D%22onprem-api%22%2Csite%3D%22onprem%22%7D' | grep -q '\"1\"\]'" \
    || { say "Prometheus does not scrape on-prem"; exit 1; }

# --- the drill
# The load runs until the drill stops it; 900 s (the generator's own bound) outlasts any phase wait.
load_seconds=900
say "steady load: $rate req/s through HAProxy, recorded to requests.jsonl"
"$bin/failover-drill" load --url "http://127.0.0.1:$api_port/" --rate "$rate" --duration "$load_seconds" --timeout-ms "$client_timeout_ms" \
    --out "$work/requests.jsonl" &
load_pid=$!; pids+=($load_pid)
sleep 5
cloud_is() { [ "$(docker inspect -f '{{.State.Status}}' "$cloud")" = "$1" ]; }  # cloud_is running|exited
t_down=$(date +%s.%N)
if [ "$drill" = false-positive ]; then
    say "Prometheus loses ${lost_scrape_seconds}s of scrapes; on-prem and HAProxy's checks of it stay fine"
    kill -USR1 "$relay_pid"
    wait_for 15 cloud_is running \
        || { say "the pre-warm alert did not start the cloud copy"; exit 1; }
    t_up=$(python3 -c "print($t_down + $lost_scrape_seconds)")
    say "pre-warmed: the cloud copy runs; waiting for failoverd to stop it after its pre-warm hold-down"
    wait_for 120 cloud_is exited || { say "cloud copy was not stopped"; exit 1; }
    say "cloud copy stopped; 3 s more load to see steady state"
else
    say "on-prem goes down (simulate_onprem_down.sh: docker kill); waiting for the cloud copy to serve"
    FAILOVER_DRILL="$bin/failover-drill" scripts/simulate_onprem_down.sh --container "$onprem" --probe-url "http://127.0.0.1:$api_port/" --timeout 240 --json >"$work/down.json" 2>"$work/down.log" \
        || { say "the cloud copy never served: $(cat "$work/down.log")"; exit 1; }
    say "cloud serves: $(cat "$work/down.log")"
    say "staying failed over for $down_seconds s"
    sleep "$down_seconds"
    t_up=$(date +%s.%N)
    say "on-prem comes back (simulate_onprem_up.sh: docker start)"
    FAILOVER_DRILL="$bin/failover-drill" scripts/simulate_onprem_up.sh --container "$onprem" --probe-url "http://127.0.0.1:$api_port/" --timeout 120 --max-failures 1000000 --json >"$work/up.json" 2>"$work/up.log" \
        || { say "on-prem never served again: $(cat "$work/up.log")"; exit 1; }
    say "on-prem serves again: $(cat "$work/up.log")"
    say "waiting for the alert to resolve and failoverd to stop the cloud copy after its ${hold_down}s hold-down"
    wait_for 240 cloud_is exited || { say "cloud copy was not stopped"; exit 1; }
    say "cloud copy stopped; 3 s more load to see steady state"
fi
sleep 3
kill -INT "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true

# --- evidence from the components themselves
t_end=$(date +%s)
# The raw samples (a range vector), stamped with the exact rule evaluation times.
curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" \
    --data-urlencode "query=ALERTS{alertname=~\"OnPremDown|OnPremDownSuspected\",alertstate=\"firing\"}[$((t_end - ${t_down%.*} + 5))s]" \
    --data-urlencode "time=$t_end" >"$work/prometheus_alerts.json"
docker inspect "$cloud" >"$work/cloud_inspect.json"
curl -fsS -H "Authorization: Bearer $(cat "$work/token")" "http://127.0.0.1:$failoverd_port/status" >"$work/failoverd_status.json"
cat >"$work/drill.json" <<JSON
{"profile": "$profile", "drill": "$drill", "onprem_down": $t_down, "onprem_back": $t_up, "hold_down_seconds": $hold_down, "rate": $rate,
 "client_timeout_seconds": $(python3 -c "print($client_timeout_ms / 1000)")}
JSON
python3 scripts/lib/drill_report.py "$work"
say "report: $work/report.json, timeline: $work/timeline.svg"
