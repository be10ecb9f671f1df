"""The drill report's evidence: what a judge needs to tell "nothing happened" from "nothing was
recorded"."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lib"))
import drill_report  # noqa: E402

ANSWERED = {"status": "success", "data": {"result": []}}
NEVER_STARTED = {"State": {"StartedAt": "0001-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"}}
TIMES = {"onprem_down": 100.0, "onprem_back": 110.0, "cloud_stopped": None}


def steady(rate, start, end, status=200):
    return [{"time": start + n / rate, "latency": 0.01, "status": status} for n in range(int((end - start) * rate))]


def evidence(requests, alerts=ANSWERED, inspect=NEVER_STARTED, recorded=None):
    return drill_report.evidence(requests, TIMES, 50, alerts, inspect,
                                 recorded or {"onprem_events": True, "cloud_events": True})


def test_a_missing_event_log_is_none_and_an_empty_one_is_empty(tmp_path):
    assert drill_report.json_lines(tmp_path / "missing.jsonl") is None
    (tmp_path / "empty.jsonl").write_text("")
    assert drill_report.json_lines(tmp_path / "empty.jsonl") == []
    assert drill_report.engine_events(tmp_path / "missing.jsonl") is None


def test_steady_load_through_the_run_covers_every_window():
    found = evidence(steady(50, 90, 120))
    assert found["requests_cover_outage"] and found["requests_cover_failback"] and found["requests_cover_after_back"]
    assert found["cloud_never_started_by_inspect"] and found["alerts_query_answered"]


def test_a_load_generator_that_died_mid_outage_does_not_cover_it():
    found = evidence(steady(50, 90, 104))
    assert not found["requests_cover_outage"]
    assert not found["requests_cover_failback"]


def test_no_requests_cover_nothing():
    found = evidence([])
    assert not any(found[key] for key in ("requests_cover_outage", "requests_cover_failback", "requests_cover_after_back"))


def test_failed_requests_still_count_as_sent():
    assert evidence(steady(50, 90, 120, status=0))["requests_cover_outage"]


def test_an_error_from_prometheus_is_not_an_answer():
    assert not evidence(steady(50, 90, 120), alerts={"status": "error", "error": "bad query"})["alerts_query_answered"]


def test_a_started_copy_or_no_inspection_is_not_never_started():
    started = {"State": {"StartedAt": "2026-12-05T10:00:00.1Z", "FinishedAt": "0001-01-01T00:00:00Z"}}
    assert not evidence(steady(50, 90, 120), inspect=started)["cloud_never_started_by_inspect"]
    assert not evidence(steady(50, 90, 120), inspect=None)["cloud_never_started_by_inspect"]


def test_a_recorder_that_never_ran_is_reported():
    found = evidence(steady(50, 90, 120), recorded={"onprem_events": True, "cloud_events": False})
    assert found["onprem_events_recorded"] and not found["cloud_events_recorded"]


def phase_times(**known):
    keys = ("prewarm_firing", "alert_firing", "failoverd_triggered", "container_running", "first_cloud_200",
            "failback", "alert_resolved", "cloud_stopped")
    return {**dict.fromkeys(keys), "onprem_down": 100.0, "onprem_back": 110.0, **known}


def test_failoverd_triggered_before_any_alert_fired_was_its_probe():
    found = drill_report.figures(steady(50, 95, 115), phase_times(failoverd_triggered=100.3, prewarm_firing=101.4,
                                                                   container_running=100.45))
    assert found["triggered_by"] == "probe" and found["detection_seconds"] == 0.3
    assert found["alert_to_webhook_seconds"] is None and found["trigger_to_container_running_seconds"] == 0.15


def test_failoverd_triggered_after_the_alert_fired_was_the_webhook():
    found = drill_report.figures(steady(50, 95, 115), phase_times(failoverd_triggered=101.41, prewarm_firing=101.4))
    assert found["triggered_by"] == "alert" and found["detection_seconds"] == 1.4 and found["alert_to_webhook_seconds"] == 0.01


def test_p99_latency_during_failover_counts_a_failed_request_by_its_time():
    requests = steady(50, 100, 110)  # 500 requests, each 10 ms
    for slow in requests[:5]:
        slow["latency"] = 0.8
    requests[5].update(status=0, latency=2.0)
    found = drill_report.figures(requests, phase_times())
    assert found["p99_failover_latency_seconds"] == 0.8 and found["slowest_failover_request_seconds"] == 2.0
    assert found["failed_requests_during_failover_for_1s_clients"] == 1


def test_median_cloud_latency_counts_the_cloud_copys_answers_only():
    requests = steady(50, 100, 110)
    for cloud in requests[:3]:
        cloud.update(site="cloud", latency=0.0038)
    requests[3].update(site="cloud", latency=0.0021)
    requests[4].update(site="cloud", status=0, latency=2.0)
    assert drill_report.figures(requests, phase_times())["median_cloud_latency_ms"] == 3.8


def test_each_nodes_replica_runs_from_its_start_to_its_die_and_is_credited_with_its_answers():
    events = {"swarm-node1": [(101.9, "start"), (120.3, "die")], "swarm-node2": [(102.0, "start")], "swarm-node3": []}
    answer = lambda host, site="cloud": {"time": 103.0, "latency": 0.01, "status": 200, "site": site, "host": host}
    requests = [answer("swarm-node1")] * 3 + [answer("swarm-node2"), answer("swarm-node3", site="onprem"),
                                              {"time": 103.0, "latency": 5.0, "status": 0}]
    assert drill_report.node_timelines(events, requests, 100.0) == {
        "swarm-node1": {"running": [[1.9, 20.3]], "requests_served": 3},
        "swarm-node2": {"running": [[2.0, None]], "requests_served": 1},
        "swarm-node3": {"running": [], "requests_served": 0}}


def test_three_replicas_started_once_each_are_one_start_and_a_restarted_one_makes_two():
    once = [(101.9, "start"), (120.3, "die")]
    assert drill_report.replica_cycles([], {"a": once, "b": once, "c": once}) == {"cloud_starts": 1, "cloud_stops": 1}
    restarted = [(101.9, "start"), (105.0, "die"), (105.5, "start"), (120.3, "die")]
    assert drill_report.replica_cycles([], {"a": once, "b": restarted}) == {"cloud_starts": 2, "cloud_stops": 2}


def test_cloud_server_state_changes_count_haproxys_changes_of_mind_under_load_only():
    states = [{"time": 10.0, "server": "onprem", "status": "UP"}, {"time": 10.0, "server": "cloud", "status": "UP"},
              {"time": 11.0, "server": "cloud", "status": "DOWN"},  # found stopped at start, before the load
              {"time": 50.0, "server": "onprem", "status": "DOWN"},  # not a cloud server
              {"time": 60.0, "server": "cloud", "status": "UP"}, {"time": 90.0, "server": "cloud", "status": "DOWN"},
              {"time": 95.0, "server": "cloud2", "status": "DOWN"}]  # its first record: where it started
    assert drill_report.cloud_server_state_changes(states, since=20.0) == 2
    assert drill_report.cloud_server_state_changes(None, since=20.0) is None


def test_alert_episodes_are_runs_of_firing_evaluations():
    alerts = {"data": {"result": [{"metric": {"alertname": "OnPremDownSuspected"},
                                   "values": [[t, "1"] for t in (101, 102, 103, 160, 161, 300)]},
                                  {"metric": {"alertname": "OnPremDown"}, "values": [[102, "1"]]}]}}
    assert drill_report.alert_episodes(alerts, "OnPremDownSuspected", since=100) == 3
    assert drill_report.alert_episodes(alerts, "OnPremDownSuspected", since=150) == 2


def test_cloud_server_flaps_are_downs_and_ups_while_the_copy_ran_not_its_own_stops():
    events = [(58.0, "start"), (120.0, "die")]
    states = [{"time": 10.0, "server": "cloud", "status": "DOWN"},
              {"time": 60.0, "server": "cloud", "status": "UP"},  # the copy started
              {"time": 75.0, "server": "cloud", "status": "DOWN"},  # checks failed while it ran: a flap
              {"time": 78.0, "server": "cloud", "status": "UP"},
              {"time": 118.0, "server": "cloud", "status": "DOWN"}]  # the copy drains as it stops
    assert drill_report.cloud_server_flaps(states, events) == 1
    assert drill_report.cloud_server_flaps(None, events) is None
