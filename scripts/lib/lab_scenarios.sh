# shellcheck shell=bash
# The faults of the lab's scenarios (sourced by scripts/lab.sh; what each must show is in
# scripts/lib/chaos_verdict.py). For scenario NAME, run_NAME (dashes as underscores) injects the
# fault once the load is steady and sets t_down/t_up (when on-prem went down and came back);
# setup_NAME (before the configs are written) and start_NAME (beside the components) are optional.
# A step that does not happen in time is noted (`abort`) and ends the scenario; the report and
# the verdict still run, so the matrix says what went wrong.

scenario_function() { echo "$1_${scenario//-/_}"; }
scenario_setup() { if declare -F "$(scenario_function setup)" >/dev/null; then "$(scenario_function setup)"; fi; }
scenario_start() { if declare -F "$(scenario_function start)" >/dev/null; then "$(scenario_function start)"; fi; }
run_scenario() { "$(scenario_function run)"; }

abort() {  # abort REASON: notes why the scenario could not go on
    say "scenario stopped: $1"
    note scenario_error "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1")"
}
await_site() {  # await_site SITE TIMEOUT: until HAProxy's answers come from SITE
    "$bin/failover-drill" probe --url "http://127.0.0.1:$api_port/" --until-site "$1" --timeout "$2" --settle 0 >/dev/null 2>&1 \
        || { abort "$1 did not serve through HAProxy within $2 s"; return 1; }
    say "$1 serves"
}
await_cloud_stopped() {  # await_cloud_stopped [TIMEOUT]
    say "waiting for failoverd to stop the cloud copy after its ${hold_down}s hold-down"
    wait_for "${1:-240}" cloud_is exited || { abort "the cloud copy was not stopped within ${1:-240} s"; return 1; }
    say "cloud copy stopped"
}
crash_onprem() {  # the operator's script: docker kill, then probe until the cloud copy serves
    say "on-prem goes down (simulate_onprem_down.sh: docker kill); waiting for the cloud copy to serve"
    t_down=$(now)
    FAILOVER_DRILL="$bin/failover-drill" scripts/simulate_onprem_down.sh --container "$onprem" --probe-url "http://127.0.0.1:$api_port/" \
        --timeout 240 --json >"$work/down.json" 2>"$work/down.log" || { abort "the cloud copy never served: $(tail -1 "$work/down.log")"; return 1; }
    say "cloud serves: $(tail -1 "$work/down.log")"
}
restore_onprem() {  # the operator's script: docker start, then probe until on-prem serves
    say "on-prem comes back (simulate_onprem_up.sh: docker start)"
    t_up=$(now)
    FAILOVER_DRILL="$bin/failover-drill" scripts/simulate_onprem_up.sh --container "$onprem" --probe-url "http://127.0.0.1:$api_port/" \
        --timeout 120 --max-failures 1000000 --json >"$work/up.json" 2>"$work/up.log" || { abort "on-prem never served again: $(tail -1 "$work/up.log")"; return 1; }
    say "on-prem serves again: $(tail -1 "$work/up.log")"
}
stay_failed_over() { say "staying failed over for $down_seconds s"; sleep "$down_seconds"; }
outage() { crash_onprem && stay_failed_over && restore_onprem && await_cloud_stopped; }

run_crash() { outage || true; }

run_hang() {
    say "on-prem hangs (docker pause: connections are accepted, nothing answers); waiting for the cloud copy to serve"
    t_down=$(now)
    docker pause "$onprem" >/dev/null
    await_site cloud 60 || return 0
    stay_failed_over
    say "on-prem answers again (docker unpause)"
    t_up=$(now)
    docker unpause "$onprem" >/dev/null
    await_site onprem 120 && await_cloud_stopped || true
}

brownout_seconds() { echo $((down_seconds > 20 ? down_seconds : 20)); }
run_brownout() {
    local seconds; seconds=$(brownout_seconds)
    say "on-prem browns out for $seconds s: 30 % of answers are 500s, every answer 300 ms late (PUT /brownout)"
    t_down=$(now)
    curl -fsS -X PUT "http://127.0.0.1:$onprem_port/brownout?failure_rate=0.3&delay_ms=300" >/dev/null
    sleep "$seconds"
    t_up=$(now)
    curl -fsS -X PUT "http://127.0.0.1:$onprem_port/brownout?failure_rate=0&delay_ms=0" >/dev/null
    say "brownout over"
}

flap_seconds=60; flap_period=4
# The hold-down is what damps flapping: shorter than an up phase plus detection (~6 s here), the
# copy is stopped just as on-prem dies again (seen with 5 s). The scenario keeps at least 10 s.
setup_flapping() { hold_down=$((hold_down > 10 ? hold_down : 10)); }
run_flapping() {
    say "on-prem flaps for $flap_seconds s: docker kill, $flap_period s down, docker start, $flap_period s up, again"
    t_down=$(now)
    local until=$((SECONDS + flap_seconds)) flaps=0
    while [ "$SECONDS" -lt "$until" ]; do
        docker kill "$onprem" >/dev/null; sleep "$flap_period"
        t_up=$(now); docker start "$onprem" >/dev/null; sleep "$flap_period"
        flaps=$((flaps + 1))
    done
    note onprem_flaps "$flaps"
    await_site onprem 60 && await_cloud_stopped || true
}

engine_down_seconds=4
cloud_engine_away() {  # cloud_engine_away [COMMAND...]: stops the cloud host's dockerd, runs COMMAND, starts it again
    stop_cloud_engine
    "$@"
    sleep "$engine_down_seconds"
    start_cloud_engine
    note cloud_engine_back "$(now)"
    say "cloud host's dockerd is back"
}
kill_onprem() { t_down=$(now); docker kill "$onprem" >/dev/null; }

run_dockerd_restart() {
    say "the cloud host's dockerd stops just before on-prem goes down, and is back $engine_down_seconds s later"
    cloud_engine_away kill_onprem
    await_site cloud 120 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

run_dockerd_restart_failed_over() {
    crash_onprem || return 0
    say "the cloud host's dockerd stops while the cloud copy serves, and is back $engine_down_seconds s later"
    cloud_engine_away
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

run_cloud_crash() {
    crash_onprem || return 0
    sleep 3
    say "the cloud copy is killed while it serves (docker kill on the cloud host)"
    cloud_docker kill "$cloud" >/dev/null
    await_site cloud 60 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

run_failoverd_kill() {
    say "failoverd is SIGKILLed the moment Docker reports the cloud copy started (before failoverd saw it healthy or answered the webhook)"
    (until cloud_is running 2>/dev/null; do sleep 0.02; done; kill -KILL "$failoverd_pid"; now >"$work/failoverd_killed_at") &
    local killer=$!
    crash_onprem || { stop_pid "$killer"; return 0; }
    wait "$killer" || true
    wait "$failoverd_pid" 2>/dev/null || true
    note failoverd_killed_at "$(cat "$work/failoverd_killed_at")"
    sleep 2
    say "failoverd starts again"
    start_failoverd
    note failoverd_restarted_at "$(now)"
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

setup_alertmanager_ha() { am_peers=2; }
run_alertmanager_ha() {
    outage || true
    local peer
    # Each peer's own view of the cluster: 2 when both ran and found each other (0 or missing
    # when a peer was not there to answer).
    for peer in 0 1; do
        note "alertmanager_${peer}_cluster_members" "$(curl -fsS "http://127.0.0.1:${am_ports[$peer]}/metrics" \
            | awk '/^alertmanager_cluster_members / {print $2}')"
    done
}

setup_partition() { scraped_onprem_port=$relay_port; partition_seconds=$down_seconds; }
start_partition() {
    python3 scripts/lib/scrape_relay.py --listen-port "$relay_port" --upstream-port "$onprem_port" \
        --drop-seconds "$partition_seconds" >"$work/relay.log" 2>&1 &
    relay_pid=$!; other_pids+=("$relay_pid")
    say "Prometheus scrapes on-prem through a relay (port $relay_port) that can cut it off"
}
run_partition() {
    say "Prometheus loses on-prem for $partition_seconds s; HAProxy and the clients still reach it"
    t_down=$(now)
    kill -USR1 "$relay_pid"
    t_up=$(python3 -c "print($t_down + $partition_seconds)")
    wait_for 15 cloud_is running || { abort "the cloud copy was not started"; return 0; }
    say "the cloud copy runs"
    sleep "$(python3 -c "print(max(0, $t_up - $(now)))")"
    say "Prometheus reaches on-prem again"
    await_cloud_stopped 120 || true
}
setup_lost_scrapes() { scraped_onprem_port=$relay_port; partition_seconds=1.5; }
start_lost_scrapes() { start_partition; }
run_lost_scrapes() { run_partition; }

run_lost_resolve() {
    crash_onprem && stay_failed_over || return 0
    say "failoverd stops; on-prem comes back while it is away, so Alertmanager's resolve finds nobody"
    stop_failoverd TERM
    restore_onprem || return 0
    sleep 10
    say "failoverd starts again"
    start_failoverd
    note failoverd_restarted_at "$(now)"
    await_cloud_stopped || true
}

restart_alertmanager_empty() { stop_alertmanager 0; rm -rf "$work/alertmanager-0-data"; start_alertmanager 0; }
run_alertmanager_restart() {
    crash_onprem || return 0
    say "Alertmanager restarts with empty storage while failed over; on-prem stays down 20 s more"
    restart_alertmanager_empty
    sleep 20
    say "Alertmanager restarts empty again, and on-prem comes back before Prometheus re-sends the alert to it"
    restart_alertmanager_empty
    note alertmanager_restarted_at "$(now)"
    restore_onprem && await_cloud_stopped || true
}

run_hostile_traffic() {
    say "hostile webhooks (junk, oversized, wrong tokens, duplicate bursts) hit failoverd from now until failback"
    python3 scripts/lib/hostile_webhooks.py --url "http://127.0.0.1:$failoverd_port/failover" --token-file "$work/token" \
        --out "$work/hostile.json" &
    local hostile=$!
    sleep 2
    outage || true
    kill -TERM "$hostile"; wait "$hostile" || true
    note hostile_replies "$(cat "$work/hostile.json")"
}

# The cloud host's dockerd answers and then stops mid-body, once, as on-prem goes down; failoverd
# talks to it through a relay that can do that (scripts/lib/stall_proxy.py).
setup_docker_stall() { failoverd_docker_socket=$cloud_host/stalling-docker.sock; }
start_docker_stall() {
    python3 scripts/lib/stall_proxy.py --listen "$failoverd_docker_socket" --upstream "$cloud_host/docker.sock" \
        --stall-seconds 60 >"$work/stalls.jsonl" 2>"$work/stall_proxy.log" &
    stall_proxy_pid=$!; other_pids+=("$stall_proxy_pid")
    wait_for 10 test -S "$failoverd_docker_socket"
    say "failoverd reaches the cloud host's dockerd through a relay that can stall an answer mid-body"
}
run_docker_stall() {
    say "on-prem goes down and the next answer of the cloud host's dockerd stalls after its head for 60 s"
    kill -USR1 "$stall_proxy_pid"
    kill_onprem
    await_site cloud 60 || return 0
    note docker_stalled_at "$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["stalled_at"])' "$work/stalls.jsonl" 2>/dev/null || echo null)"
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

crash_loop_port_seconds=8
run_crash_loop() {
    say "another process holds the cloud copy's port (127.0.0.1:$cloud_port) as on-prem goes down, for $crash_loop_port_seconds s"
    python3 -c "import socket, time; s = socket.socket(); s.bind(('127.0.0.1', $cloud_port)); s.listen(); time.sleep(600)" &
    local holder=$!
    sleep 0.5
    kill_onprem
    sleep "$crash_loop_port_seconds"
    note cloud_quick_exits "$(curl -fsS "http://127.0.0.1:$failoverd_port/metrics" | awk '$1 == "failoverd_cloud_copy_quick_exits" {print $2 + 0}')"
    stop_pid "$holder"
    note port_freed_at "$(now)"
    say "the port is free again"
    await_site cloud 60 || return 0
    stay_failed_over
    restore_onprem && await_cloud_stopped || true
}

# failoverd's state directory is a 1 MiB tmpfs on the cloud host, filled as on-prem goes down and
# given room again before on-prem comes back.
setup_full_disk() {
    failoverd_state=$cloud_host/failoverd-state
    mkdir -p "$failoverd_state"
    mount -t tmpfs -o size=1m,mode=0700 tmpfs "$failoverd_state"
}
run_full_disk() {
    say "failoverd's state disk fills up just before on-prem goes down"
    dd if=/dev/zero of="$failoverd_state/filler" bs=4k 2>/dev/null || true
    crash_onprem || return 0
    note state_save_failing "$(curl -fsS "http://127.0.0.1:$failoverd_port/metrics" | awk '$1 == "failoverd_state_save_failing" {print $2 + 0}')"
    stay_failed_over
    say "the state disk has room again"
    rm -f "$failoverd_state/filler"
    wait_for 10 grep -q "state saved again" "$work/failoverd.log" && note state_saved_again_at "$(now)"
    restore_onprem && await_cloud_stopped || true
}
