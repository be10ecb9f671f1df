# shellcheck shell=bash
# The steps the lab's scenarios are made of (sourced by scripts/lab.sh before the scenario's own
# scripts/scenarios/NAME/run.sh): take on-prem down and back the way an operator would, wait for
# a site to serve or the cloud copy to stop, take the cloud host's dockerd away, cut Prometheus'
# scrapes. A step that does not happen in time is noted (`abort`) and ends the scenario; the
# report and the verdict still run, so the matrix says what went wrong.
#
# A scenario's run.sh defines scenario_run (inject the fault once the load is steady; set t_down
# and t_up, when on-prem went down and came back) and may define scenario_setup (before the
# configs are written: am_peers, scraped_onprem_port, hold_down, failoverd_state,
# failoverd_docker_socket) and scenario_start (helpers beside the components). They use lab.sh's
# names: $work, $bin, $service, $onprem, $cloud, $cloud_host, $docker_api_socket (what failoverd
# talks to: the socket proxy, or dockerd), the *_port variables, say, note, now,
# start_/stop_failoverd, start_/stop_alertmanager, start_/stop_cloud_engine, cloud_docker,
# cloud_is, failoverd_curl, other_pids; $cloud_host_run and on_cloud_host for what runs on the
# cloud host (its network namespace across --wan); wan_set (scripts/lib/wan.sh) to change the WAN.

abort() {  # abort REASON: notes why the scenario could not go on
    say "scenario stopped: $1"
    note scenario_error "$(jq -n --arg reason "$1" '$reason')"
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
settle_after_wan_storm() {  # a copy failoverd's probe pre-warmed during a WAN storm stops after its hold-down, unless the stop budget holds it
    cloud_is running || return 0
    say "waiting up to 120 s for failoverd to stop the cloud copy its probe pre-warmed"
    if wait_for 120 cloud_is exited; then say "cloud copy stopped"; return 0; fi
    # Pre-warm stops count against the stop budget (3 an hour): more pre-warms than that keep the
    # copy running, idle, until the budget's window frees a stop. Noted, not a fault of the run.
    note cloud_copy_held_running true
    say "the cloud copy still runs, idle: failoverd's stop budget holds it (its log says until when)"
}
crash_onprem() {  # the operator's script: docker kill, then probe until the cloud copy serves
    say "on-prem goes down (simulate_onprem_down.sh: docker kill); waiting for the cloud copy to serve"
    t_down=$(now)
    FAILOVER_DRILL="$bin/failover-drill" scripts/simulate_onprem_down.sh --container "$onprem" --probe-url "http://127.0.0.1:$api_port/" \
        --timeout 240 --json >"$work/down.json" 2>"$work/down.log" || { abort "the cloud copy never served: $(tail -1 "$work/down.log")"; return 1; }
    say "cloud serves: $(tail -1 "$work/down.log")"
    # The sample service says what its configuration gave it: kept as evidence of the user's spec.
    [ "$service" = sample ] && curl -fsS --max-time 5 "http://127.0.0.1:$cloud_port/" >"$work/cloud_answer.json" 2>/dev/null
    return 0
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

kill_onprem() { t_down=$(now); docker kill "$onprem" >/dev/null; }
failoverd_metric() {  # failoverd_metric NAME: the value of an unlabelled failoverd metric
    failoverd_curl /metrics | awk -v name="$1" '$1 == name {print $2 + 0}'
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

# Prometheus scrapes on-prem through a relay that drops it for $partition_seconds on SIGUSR1
# (scenario_setup points scraped_onprem_port at $relay_port and sets partition_seconds).
start_scrape_relay() {
    python3 scripts/lib/scrape_relay.py --listen-port "$relay_port" --listen-host "$listen_any" --upstream-port "$onprem_port" \
        --drop-seconds "$partition_seconds" >"$work/relay.log" 2>&1 &
    relay_pid=$!; other_pids+=("$relay_pid")
    say "Prometheus scrapes on-prem through a relay (port $relay_port) that can cut it off"
}
cut_scrapes() {
    say "Prometheus loses on-prem for $partition_seconds s; HAProxy and the clients still reach it"
    t_down=$(now)
    kill -USR1 "$relay_pid"
    t_up=$(awk -v down="$t_down" -v seconds="$partition_seconds" 'BEGIN {printf "%.3f", down + seconds}')
    wait_for 15 cloud_is running || { abort "the cloud copy was not started"; return 0; }
    say "the cloud copy runs"
    sleep "$(awk -v up="$t_up" -v now="$(now)" 'BEGIN {printf "%.3f", (up > now ? up - now : 0)}')"
    say "Prometheus reaches on-prem again"
    await_cloud_stopped 120 || true
}
