#!/usr/bin/env python3
"""The lab's scenario catalogue: what each failure must show, and the verdict on a run.

    chaos_verdict.py WORK            judge the run in WORK (report.json): writes verdict.json,
                                     prints each expectation met or not, exits 1 if any was not
    chaos_verdict.py --list          the scenarios and their expectations
    chaos_verdict.py --describe NAME one line on what the scenario does
    chaos_verdict.py --check-name NAME   exit 2 naming the scenarios if NAME is not one

Bounds are correctness bounds, loose enough for a slow machine (a failover that takes 10 s
instead of 2 s is slow, not broken); the measured figures go into the matrix and BENCHMARKS.md.
The lab's timings: hold-down --hold-down (10 s), pre-warm hold-down min(30, hold-down),
Alertmanager asked every 2 s with a 15 s warm-up, Prometheus resend delay 5 s.
"""
import json
import sys

STOP_BUDGET = 3  # failoverd's default stop_budget.max_stops per hour, which the lab keeps


def recorded(run, *kinds):
    """Whether the run recorded every kind of evidence named (see drill_report.evidence)."""
    return all(run["evidence"][kind] for kind in kinds)


def at_most(value, bound):
    return value is not None and value <= bound


def since(run, note_key, phase):
    """Seconds from a noted moment to a phase, or None."""
    moment, at = run["notes"].get(note_key), run["phases"].get(phase)
    return round(at - moment, 3) if moment is not None and at is not None else None


served = ("the cloud copy served clients", lambda run: run["figures"]["rto_seconds"] is not None)
one_cycle = ("the cloud copy was started once and stopped once",
             lambda run: (run["figures"]["cloud_starts"], run["figures"]["cloud_stops"]) == (1, 1))
never_stopped_while_down = ("the cloud copy was never stopped while on-prem was down (both engines' events recorded, "
                            "an outage among them)",
                            lambda run: recorded(run, "onprem_events_recorded", "cloud_events_recorded")
                            and run["figures"]["onprem_outages"] >= 1 and not run["figures"]["cloud_stopped_while_onprem_down"])
clean_failback = ("no request failed on failback (requests sent all through it)",
                  lambda run: recorded(run, "requests_cover_failback") and run["figures"]["failed_requests_during_failback"] == 0)
no_request_failed = ("no request failed (requests sent all through the outage and after it)",
                     lambda run: recorded(run, "requests_cover_outage", "requests_cover_after_back")
                     and run["figures"]["requests_failed_total"] == 0)
stayed_on_onprem = ("traffic stayed on on-prem (requests sent all through the outage)",
                    lambda run: recorded(run, "requests_cover_outage") and run["figures"]["requests_served_by_cloud"] == 0)
onprem_down_never_fired = ("OnPremDown never fired (Prometheus answered the ALERTS query)",
                           lambda run: recorded(run, "alerts_query_answered") and not run["figures"]["onprem_down_fired"])
ended_stopped = ("the cloud copy was stopped again", lambda run: run["phases"]["cloud_stopped"] is not None)
completed = ("every step happened in time", lambda run: "scenario_error" not in run["notes"])


def rto_within(seconds):
    return (f"RTO at most {seconds} s", lambda run: at_most(run["figures"]["rto_seconds"], seconds))


def failover_failures_within(count):
    return (f"at most {count} failed requests while on-prem was down",
            lambda run: at_most(run["figures"]["failed_requests_during_failover"], count))


def stopped_within(note_key, seconds, what):
    return (f"the cloud copy stopped at most {seconds} s after {what}",
            lambda run: at_most(since(run, note_key, "cloud_stopped"), seconds))


def stopped_after_heal_within(extra):
    return (f"the cloud copy stopped at most hold-down + {extra} s after on-prem was reachable again",
            lambda run: at_most((run["phases"]["cloud_stopped"] or float("inf")) - run["phases"]["onprem_back"],
                                run["hold_down_seconds"] + extra))


def full_outage(*extra, failures=60, rto=10):
    return [completed, served, rto_within(rto), failover_failures_within(failures), clean_failback, one_cycle,
            never_stopped_while_down, ended_stopped, *extra]


SCENARIOS = {
    "crash": ("on-prem is docker-killed, stays down, then starts again", full_outage()),
    "hang": ("on-prem hangs (docker pause): it accepts connections and never answers; detected by scrape and "
             "health-check timeouts", [completed, served, rto_within(15), failover_failures_within(150), clean_failback,
                                      one_cycle, never_stopped_while_down, ended_stopped]),
    "brownout": ("on-prem answers 30 % 500s and 300 ms late for 20 s (PUT /brownout). The kit fails over on down, "
                 "not on a brownout: the SLO burn alerts page people", [
        completed,
        ("the cloud copy was never started (no start event, and Docker says it never ran)",
         lambda run: recorded(run, "cloud_events_recorded", "cloud_never_started_by_inspect") and run["figures"]["cloud_starts"] == 0),
        onprem_down_never_fired,
        ("clients saw the brownout: 15-45 % of requests failed during it",
         lambda run: recorded(run, "requests_cover_outage")
         and 0.15 <= run["figures"]["failed_requests_during_failover"] / run["figures"]["requests_during_failover"] <= 0.45),
        ("no request failed once it was over",
         lambda run: recorded(run, "requests_cover_after_back") and run["figures"]["requests_failed_after_onprem_back"] == 0),
    ]),
    "flapping": ("on-prem is killed and started again every 4 s for 60 s", [
        completed, served, never_stopped_while_down,
        (f"at most {1 + STOP_BUDGET} starts and {STOP_BUDGET} stops (the stop budget)",
         lambda run: run["figures"]["cloud_starts"] <= 1 + STOP_BUDGET and run["figures"]["cloud_stops"] <= STOP_BUDGET),
        ("at most 10 % of requests failed while on-prem flapped",
         lambda run: recorded(run, "requests_cover_outage")
         and run["figures"]["failed_requests_during_failover"] <= 0.1 * run["figures"]["requests_during_failover"]),
        clean_failback, ended_stopped,
    ]),
    # HAProxy holds a request for ~3 s; the 4 s without Docker cost what it cannot hold.
    "dockerd-restart": ("the cloud host's dockerd stops just before on-prem is killed and is back 4 s later", full_outage(
        ("failoverd answered 503 while Docker was away (Alertmanager retries a 5xx)",
         lambda run: run["figures"]["webhook_replies"].get("503", 0) > 0),
        ("the cloud copy served at most 10 s after dockerd was back",
         lambda run: at_most(since(run, "cloud_engine_back", "first_cloud_200"), 10)),
        failures=300,
    )),
    "dockerd-restart-failed-over": ("the cloud host's dockerd restarts (4 s away) while the cloud copy serves; "
                                    "dockerd runs with live-restore, as the Terraform user data sets it up", full_outage(
        ("dockerd restarted while failed over", lambda run: run["notes"].get("cloud_engine_back") is not None),
    )),
    "cloud-crash": ("the cloud copy is docker-killed while it serves, 3 s into the outage", [
        completed, served, rto_within(10), failover_failures_within(60), clean_failback, ended_stopped,
        ("failoverd started the killed copy again within 2 s (its engine's die and start events)",
         lambda run: len(run["figures"]["cloud_restart_seconds"]) == 1 and at_most(run["figures"]["cloud_restart_seconds"][0], 2)),
        ("two starts and two stops: the kill and the one after failback",
         lambda run: (run["figures"]["cloud_starts"], run["figures"]["cloud_stops"]) == (2, 2)),
    ]),
    "failoverd-kill": ("failoverd is SIGKILLed just after it started the cloud copy, before it answered the webhook, "
                       "and started again 2 s later", full_outage(
        ("failoverd was killed mid-failover", lambda run: run["notes"].get("failoverd_killed_at") is not None),
    )),
    "alertmanager-ha": ("two clustered Alertmanager peers, Prometheus sends to both, both may notify failoverd; "
                        "on-prem is docker-killed and started again", full_outage(
        ("both peers ran as one cluster (each counted 2 members)",
         lambda run: run["notes"].get("alertmanager_0_cluster_members") == 2 and run["notes"].get("alertmanager_1_cluster_members") == 2),
        ("failoverd accepted the peers' webhooks (200 replies)", lambda run: run["figures"]["webhook_replies"].get("200", 0) > 0),
    )),
    "partition": ("Prometheus loses on-prem (a cut monitoring path), HAProxy and clients do not: a false positive", [
        completed,
        ("OnPremDown fired and the cloud copy was started", lambda run: run["figures"]["onprem_down_fired"] and run["figures"]["cloud_starts"] == 1),
        no_request_failed,
        stayed_on_onprem,
        ended_stopped, stopped_after_heal_within(15),
    ]),
    "lost-scrapes": ("Prometheus loses 1.5 s of scrapes of a healthy on-prem: the pre-warm starts the cloud copy", [
        completed,
        no_request_failed,
        stayed_on_onprem,
        onprem_down_never_fired,
        one_cycle, stopped_after_heal_within(15),
    ]),
    "lost-resolve": ("failoverd is stopped while failed over; on-prem comes back and Alertmanager's resolve finds "
                     "nobody; failoverd starts 10 s later", full_outage(
        stopped_within("failoverd_restarted_at", 40, "failoverd started again (hold-down + Alertmanager warm-up + slack)"),
    )),
    "alertmanager-restart": ("Alertmanager restarts with empty storage while failed over (on-prem stays down 20 s), "
                             "then again just before on-prem returns, so the resolve is never sent", full_outage(
        stopped_within("alertmanager_restarted_at", 45, "the second Alertmanager restart (warm-up 15 s + hold-down + slack)"),
    )),
    "docker-stall": ("the cloud host's dockerd answers the head of a call and then stalls mid-body for 60 s, as on-prem "
                     "is docker-killed: failoverd gives up at its 5 s call deadline and tries again", full_outage(
        ("a Docker answer stalled mid-body during the failover", lambda run: run["notes"].get("docker_stalled_at") is not None),
        # Clients wait out the stalled call's 5 s deadline: HAProxy holds each request 3 s at most.
        rto=15, failures=300,
    )),
    "crash-loop": ("another process holds the cloud copy's port for 8 s as on-prem is docker-killed: the copy exits "
                   "at every start until the port is free", [
        completed, served, clean_failback, ended_stopped,
        ("failoverd counted at least 3 quick exits in a row while the port was taken (CloudCopyCrashLooping fires)",
         lambda run: (run["notes"].get("cloud_quick_exits") or 0) >= 3),
        ("between 1 and 7 starts in all: doubling waits, not a tight loop",
         lambda run: recorded(run, "cloud_events_recorded") and 1 <= run["figures"]["cloud_starts"] <= 7),
        ("the copy served at most 12 s after its port was free", lambda run: at_most(since(run, "port_freed_at", "first_cloud_200"), 12)),
    ]),
    "full-disk": ("failoverd's state directory (a 1 MiB tmpfs) is full as on-prem is docker-killed and has room "
                  "again before on-prem returns", full_outage(
        ("failoverd said its state was not saved (failoverd_state_save_failing 1)",
         lambda run: run["notes"].get("state_save_failing") == 1),
        ("the state was saved again once the disk had room", lambda run: run["notes"].get("state_saved_again_at") is not None),
    )),
    "hostile-traffic": ("junk, oversized, unauthenticated and duplicate webhooks hit failoverd while on-prem is "
                        "killed and comes back", full_outage(
        ("the webhook reached a running cloud copy within 2 s",
         lambda run: at_most(run["figures"]["webhook_to_container_running_seconds"], 2)),
        ("failoverd answered no hostile request with a 5xx",
         lambda run: all(not code.startswith("5") for kind in run["notes"].get("hostile_replies", {}).values() for code in kind)),
        ("failoverd refused the junk with 400, the oversized with 413, the unauthenticated with 401",
         lambda run: set(run["notes"]["hostile_replies"]["junk"]) <= {"400"}
         and set(run["notes"]["hostile_replies"]["oversized"]) <= {"413", "closed"}
         and set(run["notes"]["hostile_replies"]["wrong_token"]) | set(run["notes"]["hostile_replies"]["no_token"]) <= {"401"}),
        ("failoverd's peak resident memory stayed under 128 MiB",
         lambda run: at_most(run["notes"].get("failoverd_peak_rss_mib"), 128)),
    )),
}


def judge(run):
    results = []
    for text, holds in SCENARIOS[run["scenario"]][1]:
        try:
            met = bool(holds(run))
        except (KeyError, TypeError, ZeroDivisionError):
            met = False  # a figure the expectation needs was not recorded
        results.append({"expectation": text, "met": met})
    return results


def main(argv):
    if argv[:1] == ["--list"]:
        for name, (description, expectations) in SCENARIOS.items():
            print(f"{name}: {description}")
            for text, _ in expectations:
                print(f"    - {text}")
        return 0
    if argv[:1] == ["--describe"]:
        print(SCENARIOS[argv[1]][0])
        return 0
    if argv[:1] == ["--check-name"]:
        if argv[1] in SCENARIOS:
            return 0
        print(f"unknown scenario '{argv[1]}'; one of: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    work = argv[0]
    run = json.load(open(f"{work}/report.json"))
    results = judge(run)
    passed = all(result["met"] for result in results)
    verdict = {"scenario": run["scenario"], "passed": passed, "description": SCENARIOS[run["scenario"]][0],
               "expectations": results, "error": run["notes"].get("scenario_error")}
    json.dump(verdict, open(f"{work}/verdict.json", "w"), indent=2)
    for result in results:
        print(f"  {'met    ' if result['met'] else 'NOT MET'} {result['expectation']}")
    print(f"scenario {run['scenario']}: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
