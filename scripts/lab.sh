#!/usr/bin/env bash
# The lab: the whole failover loop on one machine, on loopback, with real dockerd, HAProxy,
# Prometheus, Alertmanager and failoverd, using the shipped config files (only ports, paths and
# the profile's timings are injected), put through one failure scenario. Prints progress, writes
# report.json, verdict.json, a summary and timeline.svg to the work directory, tears everything
# down on exit or Ctrl-C, and exits 1 when the scenario's expectation was not met.
#
#   scripts/lab.sh [--scenario NAME] [--list] [--profile fast|reference] [--target container|swarm]
#                  [--nodes N] [--down-seconds N] [--hold-down N] [--work DIR] [--rate RPS] [--client-timeout-ms MS]
#                  [--probe] [--probe-interval SECONDS] [--haproxy-config FILE] [--service onprem-api|sample]
#                  [--plain-http] [--direct-docker] [--wan RTT_MS[,JITTER_MS[,LOSS_PERCENT]]] [--no-build]
#
# --list prints the scenarios and what each must show: each is a folder scripts/scenarios/NAME
# with the fault it injects (run.sh) and its expectations (expect.py); scripts/chaos.sh runs them all.
# fast: the shipped timings. reference: the well-known reference setup's timings (scrape 15 s,
# rule evaluation 1 m, for: 15s, group_wait 10 s, HAProxy inter 2 s fall 3, no pre-warm, no
# retries) for comparison. The load's clients give up on a request after --client-timeout-ms
# (5000, as an API client would); the report also counts what a 1 s client would have seen.
# The cloud host has its own dockerd (own socket and data root, started here, with live-restore
# as the Terraform user data sets it up), so a scenario can restart it without touching on-prem.
# Lab timings besides the profile: hold-down 10 s, Prometheus resend delay 5 s, failoverd asks
# Alertmanager every 2 s with a 15 s warm-up.
# --target swarm makes the cloud host's dockerd a single-node swarm (left again at teardown) and
# the cloud copy a Swarm service failoverd scales from 0 to 1 replica (host networking: one per
# node); it runs the crash scenario. --nodes 2 or 3 (with --target swarm) makes the cloud host a
# swarm of that many managers instead, each a dockerd in a network namespace of its own on
# 10.213.0.0/24 (scripts/lib/swarm_nodes.sh; this host reaches them through a veth at
# 10.213.0.253): one replica per node, HAProxy's CLOUD_ADDR, CLOUD_ADDR_2 and CLOUD_ADDR_3 the
# nodes' addresses, and the report and timeline follow each node's replica.
# --probe turns on failoverd's own probe of on-prem's /health (probe.url, shipped timings);
# --probe-interval also sets its interval_seconds, and timeout_seconds to the same.
# --haproxy-config runs HAProxy from FILE instead of haproxy/haproxy.cfg (an earlier version, to
# compare against; one from before TLS to the cloud copy needs --plain-http too).
# HAProxy and Prometheus reach the cloud copy as across the WAN: over TLS through the cloud host's
# gateway (haproxy/cloud-gateway.cfg), verifying its pinned certificate and showing an on-prem
# client certificate. --plain-http reaches it directly in plain HTTP instead (for comparison; a
# multi-node Swarm cloud copy always is, each node without a gateway of its own).
# failoverd reaches the cloud host's dockerd through the shipped socket proxy
# (haproxy/docker-socket-proxy.cfg), as failoverd-docker-proxy.service makes it on a real host;
# --direct-docker talks to dockerd's socket itself (for comparison; multi-node always does).
# --wan puts the two sites in network namespaces of their own, joined only by the lab's WAN
# (scripts/lib/wan.sh: a TUN relay with that round trip, jitter and loss, which a scenario may
# change while it runs): on-prem (its own dockerd and onprem-api, HAProxy, Prometheus,
# Alertmanager, the load) on 10.215.0.1, the cloud host (its dockerd, the socket proxy, failoverd,
# the gateway, the copy) on 10.215.0.2. HAProxy and failoverd's probe get the timings
# `failoverd wan-timings RTT_MS` derives; without --wan the shipped ones (a 50 ms WAN's) apply.
# Every hop between the sites is TLS (failoverd's webhook too) unless --plain-http.
# --service sample runs the sample service (scripts/sample_service_image.sh: busybox httpd, not
# onprem-api) on both sites instead of the demo API, the cloud copy as a user's own service would
# be: a secret file, a bind-mounted directory, an environment, its user, a memory limit and a
# health check of the configuration's own; it runs the crash scenario.
# Run it under scripts/with_dockerd.sh (make lab does) unless a dockerd already runs.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$(pwd)
. scripts/tests/lib.sh
. scripts/lib/swarm_nodes.sh
. scripts/lib/usage.sh

lab_arguments=("$@")
# The lab's contract with its steps (scripts/lib/lab_steps.sh) and scenarios
# (scripts/scenarios/NAME/run.sh): they read these LAB_* variables and no other of this script's,
# and change the lab only through the lab_* functions before the configurations are written
# (lab_alertmanager_peers, ...) and the steps' outage_began/outage_ended. Exported, so the
# helpers a scenario starts see them too.
#   LAB_WORK the run's folder            LAB_BIN the built binaries     LAB_SERVICE onprem-api|sample
#   LAB_ONPREM, LAB_CLOUD container/service names   LAB_CLOUD_HOST the cloud host's folder (sockets, state)
#   LAB_CLOUD_HOST_RUN the prefix that runs a command on the cloud host (its namespace across --wan)
#   LAB_API_PORT (HAProxy), LAB_ONPREM_PORT, LAB_CLOUD_PORT, LAB_RELAY_PORT, LAB_AM_PORTS (array),
#   LAB_FAILOVERD_PORT, LAB_FAILOVERD_SCHEME, LAB_FAILOVERD_PID, LAB_LISTEN_ANY (what a relay binds)
#   LAB_DOCKER_API_SOCKET what failoverd talks to (the socket proxy, or dockerd)
#   LAB_DOWN_SECONDS, LAB_HOLD_DOWN, LAB_PARTITION_SECONDS, LAB_WAN_RTT, LAB_WAN_JITTER, LAB_WAN_LOSS
#   LAB_FAILOVERD_STATE, LAB_FAILOVERD_DOCKER_SOCKET what a scenario's setup chose (empty: the lab's)
export LAB_WORK LAB_BIN LAB_SERVICE LAB_ONPREM LAB_CLOUD LAB_CLOUD_HOST LAB_CLOUD_HOST_RUN LAB_API_PORT LAB_ONPREM_PORT \
    LAB_CLOUD_PORT LAB_RELAY_PORT LAB_AM_PORTS LAB_FAILOVERD_PORT LAB_FAILOVERD_SCHEME LAB_FAILOVERD_PID LAB_LISTEN_ANY \
    LAB_DOCKER_API_SOCKET LAB_DOWN_SECONDS LAB_HOLD_DOWN LAB_PARTITION_SECONDS LAB_WAN_RTT LAB_WAN_JITTER LAB_WAN_LOSS \
    LAB_FAILOVERD_STATE LAB_FAILOVERD_DOCKER_SOCKET
scenario=crash; profile=fast; target=container; nodes=1; LAB_SERVICE="onprem-api"; LAB_DOWN_SECONDS=20; rate=50; LAB_WORK=""; LAB_HOLD_DOWN=10; client_timeout_ms=5000; build=1; probe=0; probe_interval=""; haproxy_config=haproxy/haproxy.cfg; plain_http=0; direct_docker=0; wan=""
while [ $# -gt 0 ]; do
    case "$1" in
        --scenario) scenario=$2; shift 2 ;;
        --list) python3 scripts/lib/chaos_verdict.py --list; exit 0 ;;
        --profile) profile=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        --nodes) nodes=$2; shift 2 ;;
        --down-seconds) LAB_DOWN_SECONDS=$2; shift 2 ;;
        --rate) rate=$2; shift 2 ;;
        --work) LAB_WORK=$2; shift 2 ;;
        --hold-down) LAB_HOLD_DOWN=$2; shift 2 ;;
        --client-timeout-ms) client_timeout_ms=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --probe) probe=1; shift ;;
        --probe-interval) probe=1; probe_interval=$2; shift 2 ;;
        --haproxy-config) haproxy_config=$2; shift 2 ;;
        --service) LAB_SERVICE=$2; shift 2 ;;
        --plain-http) plain_http=1; shift ;;
        --direct-docker) direct_docker=1; shift ;;
        --wan) wan=$2; shift 2 ;;
        -h|--help) print_usage "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
case "$profile" in fast|reference) ;; *) echo "--profile must be fast or reference" >&2; exit 2 ;; esac
case "$target" in container) ;; swarm) [ "$scenario" = crash ] || { echo "--target swarm runs the crash scenario only" >&2; exit 2; } ;;
    *) echo "--target must be container or swarm" >&2; exit 2 ;; esac
case "$LAB_SERVICE" in onprem-api) ;; sample) [ "$scenario" = crash ] || { echo "--service sample runs the crash scenario only" >&2; exit 2; } ;;
    *) echo "--service must be onprem-api or sample" >&2; exit 2 ;; esac
case "$nodes" in 1) ;; 2|3) [ "$target" = swarm ] || { echo "--nodes needs --target swarm" >&2; exit 2; } ;;
    *) echo "--nodes must be 1, 2 or 3" >&2; exit 2 ;; esac
LAB_WAN_RTT=""; LAB_WAN_JITTER=0; LAB_WAN_LOSS=0
if [ -n "$wan" ]; then
    IFS=, read -r LAB_WAN_RTT LAB_WAN_JITTER LAB_WAN_LOSS <<<"$wan"
    LAB_WAN_JITTER=${LAB_WAN_JITTER:-0}; LAB_WAN_LOSS=${LAB_WAN_LOSS:-0}
    [[ $LAB_WAN_RTT =~ ^[0-9]+$ && $LAB_WAN_JITTER =~ ^[0-9]+$ && $LAB_WAN_LOSS =~ ^[0-9]+(\.[0-9]+)?$ ]] && [ "$LAB_WAN_RTT" -ge 1 ] \
        && [ "$LAB_WAN_JITTER" -le "$LAB_WAN_RTT" ] || { echo "--wan takes RTT_MS[,JITTER_MS[,LOSS_PERCENT]], jitter at most the round trip" >&2; exit 2; }
    [ "$nodes" = 1 ] || { echo "--wan runs one cloud host (no --nodes)" >&2; exit 2; }
fi
python3 scripts/lib/chaos_verdict.py --check-name "$scenario" || exit 2
python3 scripts/lib/chaos_verdict.py --check-wan "$scenario" "$([ -n "$wan" ] && echo yes || echo no)" || exit 2
# A scenario's run.sh defines scenario_run and, when it needs them, scenario_setup and scenario_start.
scenario_setup() { :; }
scenario_start() { :; }
. scripts/lib/lab_steps.sh
# shellcheck source=/dev/null  # one of scripts/scenarios/*/run.sh, each checked on its own
. "scripts/scenarios/$scenario/run.sh"
suffix=""; [ "$target" = swarm ] && suffix=-swarm; [ "$nodes" -gt 1 ] && suffix+="-$nodes-nodes"; [ "$LAB_SERVICE" = sample ] && suffix+=-sample
[ -n "$wan" ] && suffix+="-wan-$LAB_WAN_RTT"
LAB_WORK=${LAB_WORK:-"$root/lab-work/$(date -u +%Y%m%dT%H%M%SZ)-$profile-$scenario$suffix"}
# An earlier run's data would come back to life: Prometheus restores its alerts' pending and
# firing state from its database, Alertmanager its notification log.
if [ -z "${WAN_OWNER:-}" ] && [ -n "$(ls -A "$LAB_WORK" 2>/dev/null)" ]; then
    echo "--work $LAB_WORK holds an earlier run's files (its Prometheus would restore that run's alerts): name an empty or new folder" >&2
    exit 2
fi
mkdir -p "$LAB_WORK"
LAB_WORK=$(cd "$LAB_WORK" && pwd)
lab_started=$(date +%s)
say() { printf '[lab %4ss] %s\n' "$(($(date +%s) - lab_started))" "$*"; }
now() { date +%s.%N; }

# --- the WAN: this shell sets it up, runs the lab again inside on-prem's namespace, tears it down
if [ -n "$wan" ]; then
    . scripts/lib/wan.sh
    if [ -z "${WAN_OWNER:-}" ]; then
        say "the sites in network namespaces of their own, joined by a WAN of ${LAB_WAN_RTT} ms ± ${LAB_WAN_JITTER} ms, ${LAB_WAN_LOSS} % loss"
        trap wan_down EXIT
        trap 'exit 130' INT TERM
        wan_up "$LAB_WAN_RTT" "$LAB_WAN_JITTER" "$LAB_WAN_LOSS" "$LAB_WORK/wan_events.jsonl" || { say "the WAN did not come up"; exit 1; }
        WAN_OWNER=$$ at_onprem "$0" "${lab_arguments[@]}" --work "$LAB_WORK"
        exit
    fi
fi

# --- build
LAB_BIN=$(swift build --show-bin-path)
if [ "$build" = 1 ]; then
    say "building failoverd, failover-drill and the onprem-api image (first build takes minutes)"
    swift build --product failoverd >"$LAB_WORK/build.log" 2>&1 && swift build --product failover-drill >>"$LAB_WORK/build.log" 2>&1 \
        || { tail -20 "$LAB_WORK/build.log"; exit 1; }
    scripts/build_image.sh >>"$LAB_WORK/build.log" 2>&1 || { tail -20 "$LAB_WORK/build.log"; exit 1; }
fi
image="onprem-api:latest"
if [ "$LAB_SERVICE" = sample ]; then
    image=$(scripts/sample_service_image.sh 2>>"$LAB_WORK/build.log") || { tail -20 "$LAB_WORK/build.log"; exit 1; }
fi

# --- ports, names, addresses, teardown
# Where each site reaches the other: across the WAN, or both on this loopback. Processes of the
# cloud host run through on_cloud_host (into its namespace); everything else here is on-prem.
onprem_ip=127.0.0.1; cloud_ip=127.0.0.1; LAB_CLOUD_HOST_RUN=""; LAB_LISTEN_ANY=127.0.0.1
if [ -n "$wan" ]; then
    onprem_ip=$wan_onprem_address; cloud_ip=$wan_cloud_address; LAB_LISTEN_ANY=0.0.0.0
    LAB_CLOUD_HOST_RUN="nsenter --net=/var/run/netns/wan-$WAN_OWNER-cloud --"
fi
# Background processes start as `$LAB_CLOUD_HOST_RUN COMMAND &` (not through this function), so $! is
# the process itself.
on_cloud_host() { $LAB_CLOUD_HOST_RUN "$@"; }
LAB_API_PORT=$(free_port); haproxy_metrics=$(free_port); LAB_ONPREM_PORT=$(free_port); LAB_CLOUD_PORT=$(free_port); gateway_port=$(free_port)
tls=1; { [ "$plain_http" = 1 ] || [ "$nodes" -gt 1 ]; } && tls=0
LAB_FAILOVERD_PORT=$(free_port); prom_port=$(free_port); LAB_RELAY_PORT=$(free_port)
LAB_AM_PORTS=("$(free_port)" "$(free_port)"); am_cluster_ports=("$(free_port)" "$(free_port)")
LAB_ONPREM="lab-onprem-$$"; LAB_CLOUD="lab-cloud-$$"
LAB_CLOUD_HOST=$(mktemp -d /tmp/lab-cloud-host.XXXXXX)
onprem_host=$LAB_CLOUD_HOST/onprem  # on-prem's own dockerd, across a WAN
cloud_socket=$LAB_CLOUD_HOST/docker.sock
[ "$nodes" -gt 1 ] && cloud_socket=$(swarm_node_socket 1)
# What failoverd talks to when nothing is injected between: the socket proxy, or dockerd itself.
LAB_DOCKER_API_SOCKET=$cloud_socket
{ [ "$direct_docker" = 1 ] || [ "$nodes" -gt 1 ]; } || LAB_DOCKER_API_SOCKET=$LAB_CLOUD_HOST/docker-proxy.sock
cloud_docker() { docker -H "unix://$cloud_socket" "$@"; }
# cloud_address N: where on-prem reaches node N's replica: the one cloud host's gateway (TLS), or
# the replica itself (plain HTTP).
cloud_address() {
    if [ "$nodes" -gt 1 ]; then echo "$(swarm_node_address "$1"):$LAB_CLOUD_PORT"
    elif [ "$tls" = 1 ]; then echo "$cloud_ip:$gateway_port"
    else echo "$cloud_ip:$LAB_CLOUD_PORT"; fi
}
# failoverd serves HTTPS with the cloud host's identity, as on a real host, unless --plain-http.
LAB_FAILOVERD_SCHEME=http; [ "$tls" = 1 ] && LAB_FAILOVERD_SCHEME=https
failoverd_curl() {  # failoverd_curl PATH [CURL-ARGS...]: failoverd's answer, asked on the cloud host with the token
    local path=$1; shift
    on_cloud_host curl -fsS --cacert "$LAB_WORK/tls/server.pem" -H "Authorization: Bearer $(cat "$LAB_WORK/token")" "$@" \
        "$LAB_FAILOVERD_SCHEME://127.0.0.1:$LAB_FAILOVERD_PORT$path"
}
LAB_FAILOVERD_PID=""; cloud_engine_pid=""; onprem_engine_pid=""; am_pids=("" ""); other_pids=()
lab_track_pid() { other_pids+=("$1"); }  # a helper process the teardown stops
teardown() {
    say "tearing down (logs kept in $LAB_WORK)"
    stop_pid "${other_pids[@]}" "$LAB_FAILOVERD_PID" "${am_pids[@]}"
    docker logs "$LAB_ONPREM" >"$LAB_WORK/onprem.log" 2>&1 || true
    docker rm -f "$LAB_ONPREM" >/dev/null 2>&1 || true
    if [ "$nodes" -gt 1 ]; then
        cloud_docker service logs --raw "$LAB_CLOUD" >"$LAB_WORK/cloud.log" 2>&1 || true
        swarm_nodes_down
    elif [ -n "$cloud_engine_pid" ] && [ "$target" = swarm ]; then
        cloud_docker service logs --raw "$LAB_CLOUD" >"$LAB_WORK/cloud.log" 2>&1 || true
        cloud_docker service rm "$LAB_CLOUD" >/dev/null 2>&1 || true
        wait_for 20 cloud_is gone || true
        cloud_docker swarm leave --force >/dev/null 2>&1 || true
        # swarm's gateway bridge outlives the swarm; it is an interface of this host's.
        cloud_docker network rm docker_gwbridge >/dev/null 2>&1 || true
    elif [ -n "$cloud_engine_pid" ]; then
        cloud_docker logs "$LAB_CLOUD" >"$LAB_WORK/cloud.log" 2>&1 || true
        cloud_docker rm -f "$LAB_CLOUD" >/dev/null 2>&1 || true
    fi
    stop_pid "$cloud_engine_pid" "$onprem_engine_pid"
    unmount_under "$LAB_CLOUD_HOST"
    rm -rf "$LAB_CLOUD_HOST" "/tmp/free-ports.$$" 2>/dev/null || true
}
trap teardown EXIT
trap 'exit 130' INT TERM

# --- components, each startable again by the scenarios
# start_engine PID-VARIABLE DIR LOG RUN [DOCKERD-ARG...]: a dockerd of the lab's own (socket, data
# and exec roots under DIR, no network of its own), started through the command prefix RUN
# ($LAB_CLOUD_HOST_RUN, or empty), its log appended to LOG; waits until it answers.
start_engine() {
    local pid_variable=$1 dir=$2 log=$3 run=$4; shift 4
    $run dockerd "$@" --bridge=none --iptables=false --ip6tables=false --data-root "$dir/data" --exec-root "$dir/exec" \
        --pidfile "$dir/dockerd.pid" -H "unix://$dir/docker.sock" >>"$log" 2>&1 &
    printf -v "$pid_variable" '%s' "$!"
    wait_for 30 docker -H "unix://$dir/docker.sock" info
}
start_cloud_engine() {
    # Docker refuses live-restore in swarm mode.
    local live_restore=(--live-restore)
    [ "$target" = swarm ] && live_restore=()
    start_engine cloud_engine_pid "$LAB_CLOUD_HOST" "$LAB_WORK/cloud-dockerd.log" "$LAB_CLOUD_HOST_RUN" "${live_restore[@]}" ||
        { say "the cloud host's dockerd did not start"; tail "$LAB_WORK/cloud-dockerd.log"; exit 1; }
}
stop_cloud_engine() { stop_pid "$cloud_engine_pid"; cloud_engine_pid=""; }
start_failoverd() {
    $LAB_CLOUD_HOST_RUN "$LAB_BIN/failoverd" serve --config "$LAB_WORK/failoverd.yml" >>"$LAB_WORK/failoverd.log" 2>&1 &
    LAB_FAILOVERD_PID=$!
    wait_for 30 failoverd_curl /health || { say "failoverd did not start"; tail "$LAB_WORK/failoverd.log"; exit 1; }
}
stop_failoverd() {  # stop_failoverd [SIGNAL]
    kill "-${1:-TERM}" "$LAB_FAILOVERD_PID" 2>/dev/null || true
    wait "$LAB_FAILOVERD_PID" 2>/dev/null || true
    LAB_FAILOVERD_PID=""
}
start_alertmanager() {  # start_alertmanager PEER (0 or 1); with two peers they form a cluster
    local peer=$1 cluster=(--cluster.listen-address=)
    if [ "$am_peers" = 2 ]; then
        cluster=(--cluster.listen-address="127.0.0.1:${am_cluster_ports[$peer]}" --cluster.advertise-address="127.0.0.1:${am_cluster_ports[$peer]}"
                 --cluster.peer="127.0.0.1:${am_cluster_ports[$((1 - peer))]}")
    fi
    start_alertmanager_process "am_pids[$peer]" "$LAB_WORK/alertmanager.yml" "$LAB_LISTEN_ANY:${LAB_AM_PORTS[$peer]}" "$LAB_WORK/alertmanager-$peer" "${cluster[@]}"
    wait_for 30 curl -fsS "http://127.0.0.1:${LAB_AM_PORTS[$peer]}/-/ready" || { say "Alertmanager $peer did not start"; exit 1; }
}
stop_alertmanager() { stop_pid "${am_pids[$1]}"; am_pids[$1]=""; }
record_events() {  # record_events FILE FILTER DOCKER-COMMAND...: the lifecycle of the containers FILTER selects as JSON lines, across engine restarts
    local file=$1 filter=$2 child=""; shift 2
    trap '[ -n "$child" ] && kill "$child" 2>/dev/null; exit 0' TERM
    while :; do
        "$@" events --since "$lab_started" --filter "$filter" --filter event=start --filter event=die \
            --filter event=pause --filter event=unpause --format '{{json .}}' >>"$file" 2>/dev/null &
        child=$!
        wait "$child" || true
        sleep 0.5
    done
}
# The cloud copy's containers, as docker filters them: the one container, or the Swarm service's replicas.
cloud_filter() { if [ "$target" = swarm ]; then echo "label=com.docker.swarm.service.name=$LAB_CLOUD"; else echo "container=$LAB_CLOUD"; fi; }
cloud_is() {  # cloud_is running|exited|gone
    [ "$target" = swarm ] || { [ "$(cloud_docker inspect -f '{{.State.Status}}' "$LAB_CLOUD")" = "$1" ]; return; }
    local states node
    if [ "$nodes" -gt 1 ]; then
        states=$(for node in $(seq 1 "$nodes"); do swarm_node_docker "$node" ps -a --filter "$(cloud_filter)" --format '{{.State}}'; done)
    else
        states=$(cloud_docker ps -a --filter "$(cloud_filter)" --format '{{.State}}')
    fi
    case "$1" in
        running) grep -qx running <<<"$states" ;;
        exited) [ -n "$states" ] && ! grep -qx running <<<"$states" ;;
        gone) [ -z "$states" ] ;;
    esac
}
# note KEY JSON-VALUE: a figure the scenario measured, merged into the report.
note() { echo "{\"$1\": ${2:-null}}" >>"$LAB_WORK/notes.jsonl"; }  # an empty value is recorded as null, not as broken JSON

# --- configs: copies of the shipped files with lab ports and the profile's timings
am_peers=1; scraped_onprem_port=$LAB_ONPREM_PORT; LAB_PARTITION_SECONDS=0; LAB_FAILOVERD_STATE=""; LAB_FAILOVERD_DOCKER_SOCKET=""
# What a scenario's scenario_setup may change.
lab_alertmanager_peers() { am_peers=$1; }  # lab_alertmanager_peers 2: two clustered peers
lab_scrapes_through_relay() { scraped_onprem_port=$LAB_RELAY_PORT; LAB_PARTITION_SECONDS=$1; }  # ... SECONDS: the relay cuts them that long
lab_probe_through_relay() { probe_port=$LAB_RELAY_PORT; }  # failoverd's probe too (with --probe)
lab_hold_down_at_least() { LAB_HOLD_DOWN=$((LAB_HOLD_DOWN > $1 ? LAB_HOLD_DOWN : $1)); }
lab_failoverd_state() { LAB_FAILOVERD_STATE=$1; }  # failoverd's state directory
lab_failoverd_docker_socket() { LAB_FAILOVERD_DOCKER_SOCKET=$1; }  # what failoverd takes for dockerd's socket
probe_port=""; [ "$probe" = 1 ] && probe_port=$LAB_ONPREM_PORT  # a scenario may probe through its relay
scenario_setup  # from the scenario's run.sh: may ask for two Alertmanager peers or the scrape relay
mkdir -p "$LAB_WORK/prometheus/targets" "$LAB_WORK/prometheus/rules"
cp prometheus/prometheus.yml "$LAB_WORK/prometheus/"
# The cloud host's identity (its gateway's and failoverd's certificate) and the on-prem client
# certificate HAProxy and Prometheus show it, where the shipped files look.
tls_identities "$LAB_WORK/tls" "$([ -n "$wan" ] && echo "$cloud_ip")" || { say "cannot make the TLS identities"; exit 1; }
cp "$LAB_WORK/tls/server.pem" "$LAB_WORK/prometheus/failoverd-ca.pem"
cp "$LAB_WORK/tls/client.crt" "$LAB_WORK/prometheus/cloud-client.crt"
cp "$LAB_WORK/tls/client.key" "$LAB_WORK/prometheus/cloud-client.key"
cp prometheus/rules/*.yml "$LAB_WORK/prometheus/rules/"
cp "$haproxy_config" "$LAB_WORK/haproxy.cfg"
new_token "$LAB_WORK/token"
cp "$LAB_WORK/token" "$LAB_WORK/prometheus/failoverd-token"  # failoverd's /metrics asks for it, as the shipped scrape sends it
cloud_targets=$(for node in $(seq 1 "$nodes"); do echo "\"$(cloud_address "$node")\""; done | paste -sd,)
cloud_scheme=http; [ "$tls" = 1 ] && cloud_scheme=https
cat >"$LAB_WORK/prometheus/targets/onprem-api.json" <<JSON
[{"targets": ["127.0.0.1:$scraped_onprem_port"], "labels": {"site": "onprem"}},
 {"targets": [$cloud_targets], "labels": {"site": "cloud", "__scheme__": "$cloud_scheme"}}]
JSON
am_targets=$(for peer in $(seq 0 $((am_peers - 1))); do echo "\"127.0.0.1:${LAB_AM_PORTS[$peer]}\""; done | paste -sd,)
am_urls=$(for peer in $(seq 0 $((am_peers - 1))); do echo "http://$onprem_ip:${LAB_AM_PORTS[$peer]}"; done | paste -sd,)
echo "[{\"targets\": [\"$cloud_ip:$LAB_FAILOVERD_PORT\"], \"labels\": {\"__scheme__\": \"$LAB_FAILOVERD_SCHEME\"}}]" >"$LAB_WORK/prometheus/targets/failoverd.json"
echo "[{\"targets\": [\"127.0.0.1:$haproxy_metrics\"]}]" >"$LAB_WORK/prometheus/targets/haproxy.json"
echo "[{\"targets\": [$am_targets]}]" >"$LAB_WORK/prometheus/targets/alertmanager.json"
loopback_alertmanager_config "$LAB_FAILOVERD_SCHEME://$cloud_ip:$LAB_FAILOVERD_PORT/failover" "$LAB_WORK/token" "$LAB_WORK/prometheus/failoverd-ca.pem" >"$LAB_WORK/alertmanager.yml"
if [ "$profile" = reference ]; then
    python3 scripts/lib/reference_profile.py "$LAB_WORK"
fi
# The cloud copy's spec beyond name and image: the demo API's environment, or the sample service
# as a user's own service, with a secret, a volume, its user, a limit and its own health check.
cloud_copy_spec() {
    if [ "$LAB_SERVICE" = onprem-api ]; then
        echo "  env: [SITE=cloud, PORT=$LAB_CLOUD_PORT, SHUTDOWN_DRAIN_SECONDS=1]"
        return
    fi
    mkdir -p "$LAB_WORK/secrets" "$LAB_WORK/uploads"
    (umask 077 && head -c 24 /dev/urandom | base64 >"$LAB_WORK/secrets/db_password")
    echo "uploaded on the cloud host before the failover" >"$LAB_WORK/uploads/message"
    chmod 0755 "$LAB_WORK" "$LAB_WORK/uploads"
    cat <<SPEC
  pull: never
  env: [SITE=cloud, PORT=$LAB_CLOUD_PORT, GREETING=the lab's sample service]
  secrets: {db_password: $LAB_WORK/secrets/db_password}
  volumes: ["$LAB_WORK/uploads:/data:ro"]
  user: app
  memory: 64m
  healthcheck: {test: [CMD-SHELL, "wget -q -O /dev/null http://127.0.0.1:$LAB_CLOUD_PORT/health"], interval_seconds: 0.25, timeout_seconds: 1}
SPEC
}
# Across the WAN: HAProxy's and the probe's timings for its round trip (the shipped ones otherwise).
wan_timings=()
[ -n "$wan" ] && mapfile -t wan_timings < <("$LAB_BIN/failoverd" wan-timings "$LAB_WAN_RTT" | grep -v '^#')
probe_timeout=$(printf '%s\n' "${wan_timings[@]}" | sed -n 's/^FAILOVERD_PROBE_TIMEOUT_SECONDS=//p')
probe_timeout=${probe_interval:-$probe_timeout}
cat >"$LAB_WORK/failoverd.yml" <<YAML
listen: {host: $LAB_LISTEN_ANY, port: $LAB_FAILOVERD_PORT}
$([ "$tls" = 1 ] && echo "tls: {certificate: $LAB_WORK/tls/server.pem, key: $LAB_WORK/tls/server.key}")
auth: {token_file: $LAB_WORK/token}
hold_down_seconds: $LAB_HOLD_DOWN
$([ "$profile" = reference ] && echo "prewarm_triggers: []")
$([ -n "$probe_port" ] && echo "probe: {url: \"http://$onprem_ip:$probe_port/health\"${probe_interval:+, interval_seconds: $probe_interval}${probe_timeout:+, timeout_seconds: $probe_timeout}}")
reconcile_interval_seconds: 1
state_directory: ${LAB_FAILOVERD_STATE:-$LAB_WORK/failoverd-state}
docker: {socket: ${LAB_FAILOVERD_DOCKER_SOCKET:-$LAB_DOCKER_API_SOCKET}}
alertmanager: {urls: [$am_urls], interval_seconds: 2, warmup_seconds: 15}
container:
  name: $LAB_CLOUD
  image: $image
$(cloud_copy_spec)
  network_mode: host
  stop_timeout_seconds: 5
$([ "$target" = swarm ] && printf 'target: swarm\nswarm: {replicas: %s, managers: [%s]}' "$nodes" \
    "$(for node in $(seq 2 "$nodes"); do echo "\"$(swarm_node_socket "$node")\""; done | paste -sd,)")
YAML

# --- start
if [ "$nodes" -gt 1 ]; then
    say "starting $nodes swarm nodes, each a dockerd in a network namespace of its own, joined as managers; loading the image into each"
    swarm_nodes_up "$nodes" || { say "the swarm nodes did not start"; exit 1; }
    swarm_nodes_reach_from_host
    docker save "$image" >"$LAB_CLOUD_HOST/image.tar"
    for node in $(seq 1 "$nodes"); do swarm_node_docker "$node" load -i "$LAB_CLOUD_HOST/image.tar" >/dev/null; done
else
    say "starting the cloud host's dockerd ($LAB_CLOUD_HOST/docker.sock) and loading the image into it"
    start_cloud_engine
    docker save "$image" | cloud_docker load >/dev/null
fi
if [ -n "$wan" ]; then
    say "starting on-prem's own dockerd in its namespace ($onprem_host/docker.sock) and loading the image into it"
    mkdir -p "$onprem_host"
    start_engine onprem_engine_pid "$onprem_host" "$LAB_WORK/onprem-dockerd.log" "" ||
        { say "on-prem's dockerd did not start"; tail "$LAB_WORK/onprem-dockerd.log"; exit 1; }
    docker save "$image" | docker -H "unix://$onprem_host/docker.sock" load >/dev/null
    # From here on `docker` (this script's, the scenarios', the simulate scripts') is on-prem's.
    export DOCKER_HOST=unix://$onprem_host/docker.sock
fi
if [ "$LAB_DOCKER_API_SOCKET" != "$cloud_socket" ]; then
    $LAB_CLOUD_HOST_RUN env DOCKER_SOCKET="$cloud_socket" PROXY_SOCKET="$LAB_DOCKER_API_SOCKET" PROXY_SOCKET_GROUP=root \
        haproxy -db -f haproxy/docker-socket-proxy.cfg >>"$LAB_WORK/docker-proxy.log" 2>&1 &
    other_pids+=($!)
    wait_for 10 test -S "$LAB_DOCKER_API_SOCKET" || { say "the Docker socket proxy did not start"; exit 1; }
    say "failoverd reaches the cloud host's dockerd through the shipped socket proxy ($LAB_DOCKER_API_SOCKET)"
fi
if [ "$target" = swarm ] && [ "$nodes" = 1 ]; then
    say "making the cloud host's dockerd a single-node swarm on loopback"
    cloud_docker swarm init --advertise-addr 127.0.0.1 --listen-addr "127.0.0.1:$(free_port)" >/dev/null
fi
say "starting on-prem $LAB_SERVICE (container $LAB_ONPREM, port $LAB_ONPREM_PORT)"
onprem_env=(-e SITE=onprem -e PORT="$LAB_ONPREM_PORT")
[ "$LAB_SERVICE" = onprem-api ] && onprem_env+=(-e FAULT_INJECTION=true -e SHUTDOWN_DRAIN_SECONDS=1)
docker run -d --name "$LAB_ONPREM" --network host "${onprem_env[@]}" "$image" >/dev/null
record_events "$LAB_WORK/onprem_events.jsonl" "container=$LAB_ONPREM" docker & other_pids+=($!)
scenario_start  # from the scenario's run.sh: helpers the scenario runs beside the components
say "starting failoverd (port $LAB_FAILOVERD_PORT) managing $LAB_CLOUD"
start_failoverd
if [ "$nodes" -gt 1 ]; then
    # One log per node: the report and the timeline follow each node's replica.
    for node in $(seq 1 "$nodes"); do
        record_events "$LAB_WORK/cloud_events_swarm-node$node.jsonl" "$(cloud_filter)" swarm_node_docker "$node" & other_pids+=($!)
    done
else
    record_events "$LAB_WORK/cloud_events.jsonl" "$(cloud_filter)" cloud_docker & other_pids+=($!)
fi
cloud_servers=("CLOUD_ADDR=$(cloud_address 1)")  # and CLOUD_ADDR_2, CLOUD_ADDR_3: one per node
for node in $(seq 2 "$nodes"); do cloud_servers+=("CLOUD_ADDR_$node=$(cloud_address "$node")"); done
if [ "$tls" = 1 ]; then
    start_cloud_gateway gateway_pid "$LAB_LISTEN_ANY:$gateway_port" "127.0.0.1:$LAB_CLOUD_PORT" "$LAB_WORK/tls"
    other_pids+=("$gateway_pid")
    say "starting the cloud host's gateway (TLS, on-prem client certificates only) on port $gateway_port"
    cloud_servers+=("CLOUD_CA_FILE=$LAB_WORK/tls/server.pem" "CLOUD_CLIENT_CERT=$LAB_WORK/tls/client.pem")
else
    cloud_servers+=(CLOUD_PLAIN_HTTP=1)
fi
HAPROXY_BIND="127.0.0.1:$LAB_API_PORT" HAPROXY_METRICS_BIND="127.0.0.1:$haproxy_metrics" \
ONPREM_ADDR="127.0.0.1:$LAB_ONPREM_PORT" HAPROXY_STATS_SOCKET="$LAB_WORK/haproxy.sock" \
    env "${cloud_servers[@]}" "${wan_timings[@]}" haproxy -db -f "$LAB_WORK/haproxy.cfg" >"$LAB_WORK/haproxy.log" 2>&1 &
other_pids+=($!)
say "starting HAProxy (API on port $LAB_API_PORT)"
python3 scripts/lib/haproxy_watch.py --socket "$LAB_WORK/haproxy.sock" --out "$LAB_WORK/haproxy_states.jsonl" &
other_pids+=($!)
for peer in $(seq 0 $((am_peers - 1))); do start_alertmanager "$peer"; done
say "started $am_peers Alertmanager peer(s) (port ${LAB_AM_PORTS[0]}$([ "$am_peers" = 2 ] && echo " and ${LAB_AM_PORTS[1]}, clustered"))"
start_prometheus_process prometheus_pid "$LAB_WORK/prometheus/prometheus.yml" "$prom_port" "$LAB_WORK/prometheus" --rules.alert.resend-delay=5s
other_pids+=("$prometheus_pid")
say "starting Prometheus (port $prom_port, profile $profile)"
wait_for 30 curl -fsS "http://127.0.0.1:$prom_port/-/ready" || { say "Prometheus did not start"; exit 1; }
say "waiting for traffic through HAProxy to reach on-prem and Prometheus to see it up"
"$LAB_BIN/failover-drill" probe --url "http://127.0.0.1:$LAB_API_PORT/" --until-site onprem --timeout 30 --settle 0 2>/dev/null >/dev/null \
    || { say "on-prem never served through HAProxy"; exit 1; }
onprem_scraped_up() {
    curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode 'query=up{job="onprem-api",site="onprem"} == 1' \
        | jq -e '.data.result | length > 0' >/dev/null
}
wait_for 60 onprem_scraped_up || { say "Prometheus does not scrape on-prem"; exit 1; }

# --- the scenario
# The load runs until the scenario ends; 900 s (the generator's own bound) outlasts any of them.
say "steady load: $rate req/s through HAProxy, recorded to requests.jsonl"
"$LAB_BIN/failover-drill" load --url "http://127.0.0.1:$LAB_API_PORT/" --rate "$rate" --duration 900 --timeout-ms "$client_timeout_ms" \
    --out "$LAB_WORK/requests.jsonl" &
load_pid=$!; other_pids+=("$load_pid")
sleep 5
t_down=""; t_up=""
say "scenario $scenario: $(python3 scripts/lib/chaos_verdict.py --describe "$scenario")"
scenario_run  # from the scenario's run.sh: sets t_down and t_up, or notes why it could not go on
t_down=${t_down:-$(now)}; t_up=${t_up:-$(now)}
say "3 s more load to see steady state"
sleep 3
kill -INT "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true

# --- evidence from the components themselves
t_end=$(date +%s)
# The raw samples (a range vector), stamped with the exact rule evaluation times.
curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" \
    --data-urlencode "query=ALERTS{alertname=~\"OnPremDown|OnPremDownSuspected\",alertstate=\"firing\"}[$((t_end - lab_started + 5))s]" \
    --data-urlencode "time=$t_end" >"$LAB_WORK/prometheus_alerts.json"
# The cloud copy's container; none for a Swarm service, whose replicas' containers swarm removes
# when it scales to zero (the report takes their times from the events then).
if [ "$target" = swarm ]; then echo '[]' >"$LAB_WORK/cloud_inspect.json"; else cloud_docker inspect "$LAB_CLOUD" >"$LAB_WORK/cloud_inspect.json"; fi
# A scenario that stopped early may have left failoverd down; the report then lacks its figures.
failoverd_curl /status >"$LAB_WORK/failoverd_status.json" || echo '{}' >"$LAB_WORK/failoverd_status.json"
failoverd_curl /metrics >"$LAB_WORK/failoverd_metrics.txt" || : >"$LAB_WORK/failoverd_metrics.txt"
if [ -n "$LAB_FAILOVERD_PID" ]; then
    note failoverd_peak_rss_mib "$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$LAB_FAILOVERD_PID/status")"
fi
cat >"$LAB_WORK/drill.json" <<JSON
{"profile": "$profile", "scenario": "$scenario", "target": "$target", "nodes": $nodes, "service": "$LAB_SERVICE", "tls": $([ "$tls" = 1 ] && echo true || echo false), "docker_proxy": $([ "$LAB_DOCKER_API_SOCKET" != "$cloud_socket" ] && echo true || echo false), "probe": $([ -n "$probe_port" ] && echo true || echo false), "wan": $([ -n "$wan" ] && echo "{\"rtt_ms\": $LAB_WAN_RTT, \"jitter_ms\": $LAB_WAN_JITTER, \"loss_percent\": $LAB_WAN_LOSS}" || echo null), "onprem_down": $t_down, "onprem_back": $t_up, "hold_down_seconds": $LAB_HOLD_DOWN,
 "rate": $rate, "client_timeout_seconds": $(awk -v ms="$client_timeout_ms" 'BEGIN {print ms / 1000}')}
JSON
# Every query of the shipped Grafana dashboard, over this run: each must return series. failoverd
# is scraped every 5 s; wait for a scrape after the scenario ended, so its last phase is in, and
# end the range past it (date +%s truncates).
scraped_since() {
    curl -fsS "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode 'query=timestamp(up{job="failoverd"})' \
        | jq -e --argjson since "$1" '.data.result[0].value[1] // "0" | tonumber > $since' >/dev/null
}
wait_for 7 scraped_since "$t_end" || true
python3 scripts/lib/dashboard_check.py --prometheus "http://127.0.0.1:$prom_port" --dashboard prometheus/grafana/failover-kit.json \
    --start "$lab_started" --end "$(($(date +%s) + 2))" --out "$LAB_WORK/dashboard.json" | sed 's/^/[lab] /' || true
python3 scripts/lib/drill_report.py "$LAB_WORK"
/usr/bin/python3 scripts/lib/pictures.py timeline "$LAB_WORK"
/usr/bin/python3 scripts/lib/pictures.py dashboard "$LAB_WORK" || say "no dashboard picture: dashboard_check.py wrote no results"
say "report: $LAB_WORK/report.json, timeline: $LAB_WORK/timeline.svg, dashboard: $LAB_WORK/dashboard.svg"
python3 scripts/lib/chaos_verdict.py "$LAB_WORK"
