"""The chaos matrix's judges, fed real runs and the same runs with evidence taken away.

The fixtures in runs/ are the report.json files of real lab runs on this machine (one per
scenario shown). A judge that passes a run whose recorder, query or load produced nothing would
pass a broken lab, so each kind of missing evidence must fail at least one expectation.
"""
import copy
import json
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "lib"))
import chaos_verdict  # noqa: E402

RUNS = pathlib.Path(__file__).parent / "runs"


def real_run(name):
    return json.loads((RUNS / f"{name}.json").read_text())


def unmet(run):
    return [result["expectation"] for result in chaos_verdict.judge(run) if not result["met"]]


def without(run, *evidence):
    changed = copy.deepcopy(run)
    for kind in evidence:
        changed["evidence"][kind] = False
    return changed


@pytest.mark.parametrize("name", sorted(path.stem for path in RUNS.glob("*.json")))
def test_a_real_run_meets_every_expectation(name):
    assert unmet(real_run(name)) == []


@pytest.mark.parametrize("name", ["alertmanager-ha", "docker-stall", "full-disk"])
@pytest.mark.parametrize("evidence", ["onprem_events_recorded", "cloud_events_recorded", "requests_cover_failback"])
def test_a_full_outage_without_its_evidence_fails(name, evidence):
    assert unmet(without(real_run(name), evidence)) != []


def test_a_crash_loop_without_the_cloud_events_fails():
    assert "between 1 and 7 starts in all: doubling waits, not a tight loop" in unmet(
        without(real_run("crash-loop"), "cloud_events_recorded"))


def test_a_brownout_judged_without_the_cloud_events_or_the_alerts_query_fails():
    run = real_run("brownout")
    assert "the cloud copy was never started (no start event, and Docker says it never ran)" in unmet(
        without(run, "cloud_events_recorded"))
    assert "the cloud copy was never started (no start event, and Docker says it never ran)" in unmet(
        without(run, "cloud_never_started_by_inspect"))
    assert "OnPremDown never fired (Prometheus answered the ALERTS query)" in unmet(without(run, "alerts_query_answered"))
    assert any(text.startswith("clients saw the brownout") for text in unmet(without(run, "requests_cover_outage")))


def test_a_brownout_that_started_the_cloud_copy_fails():
    run = real_run("brownout")
    run["figures"]["cloud_starts"] = 1
    assert unmet(run) == ["the cloud copy was never started (no start event, and Docker says it never ran)"]


def test_a_stop_while_on_prem_was_down_fails():
    run = real_run("full-disk")
    run["figures"]["cloud_stopped_while_onprem_down"] = True
    assert any("never stopped while on-prem was down" in text for text in unmet(run))


def test_no_outage_among_the_events_is_no_evidence_of_no_stop_during_one():
    run = real_run("full-disk")
    run["figures"]["onprem_outages"] = 0
    assert any("never stopped while on-prem was down" in text for text in unmet(run))


def test_alertmanager_ha_needs_both_peers_in_one_cluster_and_accepted_webhooks():
    run = real_run("alertmanager-ha")
    lone = copy.deepcopy(run)
    lone["notes"]["alertmanager_1_cluster_members"] = None
    assert unmet(lone) == ["both peers ran as one cluster (each counted 2 members)"]
    unheard = copy.deepcopy(run)
    unheard["figures"]["webhook_replies"]["200"] = 0
    assert unmet(unheard) == ["failoverd accepted the peers' webhooks (200 replies)"]


def test_flapping_with_no_requests_recorded_fails():
    run = {"scenario": "flapping", "notes": {}, "phases": {"cloud_stopped": 1.0},
           "evidence": {"onprem_events_recorded": True, "cloud_events_recorded": True, "requests_cover_outage": False,
                        "requests_cover_failback": True},
           "figures": {"rto_seconds": 1.0, "cloud_starts": 2, "cloud_stops": 1, "onprem_outages": 5,
                       "cloud_stopped_while_onprem_down": False, "failed_requests_during_failover": 0,
                       "requests_during_failover": 0, "failed_requests_during_failback": 0}}
    assert unmet(run) == ["at most 10 % of requests failed while on-prem flapped"]


@pytest.mark.parametrize("oversized", [{"hung": 1}, {"413": 5, "hung": 1}])
def test_hostile_traffic_that_hung_a_connection_fails(oversized):
    run = {"scenario": "hostile-traffic", "figures": {}, "notes": {
        "hostile_replies": {"junk": {"400": 3}, "oversized": oversized, "wrong_token": {"401": 1}, "no_token": {"401": 1}}}}
    assert any(text.startswith("failoverd refused the junk with 400") for text in unmet(run))


def test_a_missing_figure_is_unmet_not_an_error():
    run = real_run("crash-loop")
    del run["figures"]["rto_seconds"]
    assert "RTO at most 10 s" not in unmet(run)  # crash-loop has no RTO bound
    assert "the cloud copy served clients" in unmet(run)


def test_the_verdict_file_and_exit_code_say_fail(tmp_path):
    run = real_run("full-disk")
    run["notes"]["state_save_failing"] = 0
    (tmp_path / "report.json").write_text(json.dumps(run))
    assert chaos_verdict.main([str(tmp_path)]) == 1
    verdict = json.loads((tmp_path / "verdict.json").read_text())
    assert verdict["passed"] is False
    assert [e["expectation"] for e in verdict["expectations"] if not e["met"]] == [
        "failoverd said its state was not saved (failoverd_state_save_failing 1)"]


def with_figures(run, **figures):
    changed = copy.deepcopy(run)
    changed["figures"].update(figures)
    return changed


def test_never_stopped_while_down_judged_on_a_cloud_log_without_the_start_fails():
    # The recorder creates its file even when `docker events` fails: an empty log is no evidence.
    run = with_figures(real_run("docker-stall"), cloud_starts=0, cloud_stops=0)
    assert any(text.startswith("the cloud copy was never stopped while on-prem was down") for text in unmet(run))


def test_a_stop_budget_judged_on_an_empty_cloud_log_fails():
    run = with_figures(dict(real_run("docker-stall"), scenario="flapping"), cloud_starts=0, cloud_stops=0)
    assert any(text.startswith("at most 4 starts and 3 stops") for text in unmet(run))


def test_hostile_traffic_with_no_reply_counted_fails_and_with_the_right_replies_passes():
    hostile = "failoverd refused the junk with 400"
    run = dict(real_run("docker-stall"), scenario="hostile-traffic")
    run["notes"] = dict(run["notes"], hostile_replies={})
    assert sum(text.startswith(hostile) or text.startswith("failoverd answered hostile requests") for text in unmet(run)) == 2
    run["notes"]["hostile_replies"] = {"junk": {"400": 9}, "oversized": {"413": 3, "closed": 5},
                                       "wrong_token": {"401": 8}, "no_token": {"401": 8}, "duplicates": {"200": 160}}
    assert not any(text.startswith(hostile) or text.startswith("failoverd answered hostile requests") for text in unmet(run))
    run["notes"]["hostile_replies"]["oversized"] = {}
    assert any(text.startswith(hostile) for text in unmet(run))


def test_a_wan_partition_judged_without_the_cloud_events_fails():
    # No start in a log nobody recorded is no evidence that the copy stayed stopped.
    run = dict(real_run("docker-stall"), scenario="wan-partition")
    run["figures"] = dict(run["figures"], cloud_starts=0)
    expectation = "the cloud copy stayed stopped, or was only pre-warmed by failoverd's probe and stopped again (its events recorded)"
    assert expectation not in unmet(run)
    assert expectation in unmet(without(run, "cloud_events_recorded"))
