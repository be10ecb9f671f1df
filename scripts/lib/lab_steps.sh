# shellcheck shell=bash
# The steps the lab's scenarios are made of (sourced by scripts/lab.sh before the scenario's own
# scripts/scenarios/NAME/run.sh): take on-prem down and back the way an operator would, wait for
# a site to serve or the cloud copy to stop, take the cloud host's dockerd away, cut Prometheus'
# scrapes. A step that does not happen in time is noted (`abort`) and ends the scenario; the
# report and the verdict still run, so the matrix says what went wrong.
#
# A scenario's run.sh defines scenario_run (inject the fault once the load is steady; say when
# on-prem went down and came back with outage_began and outage_ended, or use a step that does)
# and may define scenario_setup (before the configurations are written; it may call lab.sh's
# lab_* setters: lab_alertmanager_peers, lab_scrapes_through_relay, lab_probe_through_relay,
# lab_hold_down_at_least, lab_failoverd_state, lab_failoverd_docker_socket) and scenario_start
# (helpers beside the components; lab_track_pid PID has the teardown stop one). Steps and
# scenarios read lab.sh's declared LAB_* variables (listed at its top) and call its functions:
# say, note, now, start_/stop_failoverd, start_/stop_alertmanager, start_/stop_cloud_engine,
# cloud_docker, cloud_is, failoverd_curl, on_cloud_host; wan_set (scripts/lib/wan.sh) changes
# the WAN.

outage_began() { t_down=$(now); }  # on-prem went down (or the fault began) now
outage_ended() { t_up=$(now); }  # on-prem came back (or the fault ended) now
abort() {  # abort REASON: notes why the scenario could not go on
    say "scenario stopped: $1"
    note scenario_error "$(jq -n --arg reason "$1" '$reason')"
}
await_site() {  # await_site SITE TIMEOUT: until HAProxy's answers come from SITE
    "$LAB_BIN/failover-drill" probe --url "http://127.0.0.1:$LAB_API_PORT/" --until-site "$1" --timeout "$2" --settle 0 >/dev/null 2>&1 \
        || { abort "$1 did not serve through HAProxy within $2 s"; return 1; }
    say "$1 serves"
}
await_cloud_stopped() {  # await_cloud_stopped [TIMEOUT]
    say "waiting for failoverd to stop the cloud copy after its ${LAB_HOLD_DOWN}s hold-down"
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
    outage_began
    FAILOVER_DRILL="$LAB_BIN/failover-drill" scripts/simulate_onprem_down.sh --container "$LAB_ONPREM" --probe-url "http://127.0.0.1:$LAB_API_PORT/" \
        --timeout 240 --json >"$LAB_WORK/down.json" 2>"$LAB_WORK/down.log" || { abort "the cloud copy never served: $(tail -1 "$LAB_WORK/down.log")"; return 1; }
    say "cloud serves: $(tail -1 "$LAB_WORK/down.log")"
    # The sample service says what its configuration gave it: kept as evidence of the user's spec.
    [ "$LAB_SERVICE" = sample ] && curl -fsS --max-time 5 "http://127.0.0.1:$LAB_CLOUD_PORT/" >"$LAB_WORK/cloud_answer.json" 2>/dev/null
    return 0
}
restore_onprem() {  # the operator's script: docker start, then probe until on-prem serves
    say "on-prem comes back (simulate_onprem_up.sh: docker start)"
    outage_ended
    FAILOVER_DRILL="$LAB_BIN/failover-drill" scripts/simulate_onprem_up.sh --container "$LAB_ONPREM" --probe-url "http://127.0.0.1:$LAB_API_PORT/" \
        --timeout 120 --max-failures 1000000 --json >"$LAB_WORK/up.json" 2>"$LAB_WORK/up.log" || { abort "on-prem never served again: $(tail -1 "$LAB_WORK/up.log")"; return 1; }
    say "on-prem serves again: $(tail -1 "$LAB_WORK/up.log")"
}
stay_failed_over() { say "staying failed over for $LAB_DOWN_SECONDS s"; sleep "$LAB_DOWN_SECONDS"; }
outage() { crash_onprem && stay_failed_over && restore_onprem && await_cloud_stopped; }

kill_onprem() { outage_began; docker kill "$LAB_ONPREM" >/dev/null; }
failoverd_metric() {  # failoverd_metric NAME: the value of an unlabelled failoverd metric
    failoverd_curl /metrics | awk -v name="$1" '$1 == name {print $2 + 0}'
}

LAB_ENGINE_DOWN_SECONDS=4
cloud_engine_away() {  # cloud_engine_away [COMMAND...]: stops the cloud host's dockerd, runs COMMAND, starts it again
    stop_cloud_engine
    "$@"
    sleep "$LAB_ENGINE_DOWN_SECONDS"
    start_cloud_engine
    note cloud_engine_back "$(now)"
    say "cloud host's dockerd is back"
}

# Prometheus scrapes on-prem through a relay that drops it for $LAB_PARTITION_SECONDS on SIGUSR1
# (scenario_setup points scraped_onprem_port at $LAB_RELAY_PORT and sets partition_seconds).
start_scrape_relay() {
    python3 scripts/lib/scrape_relay.py --listen-port "$LAB_RELAY_PORT" --listen-host "$LAB_LISTEN_ANY" --upstream-port "$LAB_ONPREM_PORT" \
        --drop-seconds "$LAB_PARTITION_SECONDS" >"$LAB_WORK/relay.log" 2>&1 &
    relay_pid=$!; lab_track_pid "$relay_pid"
    say "Prometheus scrapes on-prem through a relay (port $LAB_RELAY_PORT) that can cut it off"
}
cut_scrapes() {
    say "Prometheus loses on-prem for $LAB_PARTITION_SECONDS s; HAProxy and the clients still reach it"
    outage_began
    kill -USR1 "$relay_pid"
    t_up=$(awk -v down="$t_down" -v seconds="$LAB_PARTITION_SECONDS" 'BEGIN {printf "%.3f", down + seconds}')
    wait_for 15 cloud_is running || { abort "the cloud copy was not started"; return 0; }
    say "the cloud copy runs"
    sleep "$(awk -v up="$t_up" -v now="$(now)" 'BEGIN {printf "%.3f", (up > now ? up - now : 0)}')"
    say "Prometheus reaches on-prem again"
    await_cloud_stopped 120 || true
}
