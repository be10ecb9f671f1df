"""What the lab's scenarios expect of a run, shared by their expect.py files (scripts/scenarios/).

An expectation is (text, holds): `holds(run)` reads the run's report.json. Every expectation of
something that did not happen also needs its evidence (`recorded`): a missing event log, an
unanswered query or a load that stopped early fails it instead of passing it. Bounds are
correctness bounds, loose enough for a slow machine (a failover that takes 10 s instead of 2 s is
slow, not broken); the measured figures go into the matrix and BENCHMARKS.md.
"""

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


def noted(text, note_key):
    """An expectation that the scenario noted `note_key` (a step it did happened)."""
    return (text, lambda run: run["notes"].get(note_key) is not None)


served = ("the cloud copy served clients", lambda run: run["figures"]["rto_seconds"] is not None)
one_cycle = ("the cloud copy was started once and stopped once",
             lambda run: (run["figures"]["cloud_starts"], run["figures"]["cloud_stops"]) == (1, 1))
never_stopped_while_down = ("the cloud copy was never stopped while on-prem was down (both engines' events recorded, "
                            "an outage and the copy's start among them)",
                            lambda run: recorded(run, "onprem_events_recorded", "cloud_events_recorded")
                            and run["figures"]["onprem_outages"] >= 1 and run["figures"]["cloud_starts"] >= 1
                            and not run["figures"]["cloud_stopped_while_onprem_down"])
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
    """On-prem went down and came back: the copy served, was stopped once after, failback was clean."""
    return [completed, served, rto_within(rto), failover_failures_within(failures), clean_failback, one_cycle,
            never_stopped_while_down, ended_stopped, *extra]


cloud_copy_idle_or_prewarmed = (
    "the cloud copy stayed stopped, or was only pre-warmed by failoverd's probe and stopped again (its events recorded)",
    lambda run: recorded(run, "cloud_events_recorded")
    and (run["figures"]["cloud_starts"] == 0
         or (run["figures"]["cloud_starts"] == 1 and run["figures"]["probe_failing_verdicts"] >= 1
             and run["phases"]["cloud_stopped"] is not None)))


only_prewarmed = (
    "the cloud copy ran only as a pre-warm: a start for each probe verdict or OnPremDownSuspected at most",
    lambda run: recorded(run, "cloud_events_recorded")
    and run["figures"]["cloud_starts"] <= (run["figures"]["probe_failing_verdicts"] or 0) + (run["figures"]["prewarm_alert_episodes"] or 0))
haproxy_states_counted = (
    "HAProxy's view of each cloud server recorded all through (its changes of mind counted in the report)",
    lambda run: recorded(run, "haproxy_states_recorded") and run["figures"]["cloud_server_state_changes"] is not None)


def quiet_wan():
    """A WAN that only slows or drops packets while both sites are up: no failover and no client
    error. failoverd's probe may pre-warm the copy (a spike longer than its timeout looks like a
    hung on-prem), and HAProxy's checks of a pre-warmed copy may fail during a spike: both are
    counted (BENCHMARKS.md), neither moves a request."""
    return [completed, no_request_failed, stayed_on_onprem, onprem_down_never_fired, only_prewarmed, haproxy_states_counted]
