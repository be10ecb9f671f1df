#!/usr/bin/env python3
"""Builds the lab drill's report from what the components recorded.

Reads, from the drill's work directory: requests.jsonl (failover-drill), drill.json (when the
script took on-prem down and brought it back), onprem_events.jsonl and cloud_events.jsonl (each
engine's start, die, pause and unpause events of the two copies), prometheus_alerts.json
(Prometheus' own ALERTS series), failoverd_status.json (its /status, with the phases of the last
failover), failoverd_metrics.txt, cloud_inspect.json (Docker's start and finish times) and
notes.jsonl (figures the scenario measured), haproxy_states.jsonl (HAProxy's view of each checked
server, haproxy_watch.py), failoverd.log (its probe's verdicts) and wan_events.jsonl (the lab's
WAN settings, with --wan). A cloud copy on several swarm nodes has one event
log per node instead, cloud_events_<host>.jsonl, and the report follows each node's replica.
Where an engine recorded when on-prem went down or came back, that time is used, not the script's.
Writes report.json and summary.txt there and prints the summary (pictures.py draws the timeline).
"""
import glob
import json
import math
import sys
from collections import Counter
from datetime import datetime


def rfc3339(text):
    """Seconds since the epoch for RFC 3339 times with up to nanosecond fractions."""
    if not text or text.startswith("0001-"):
        return None
    text = text.replace("Z", "+00:00")
    if "." in text:
        head, rest = text.split(".", 1)
        digits = "".join(c for c in rest if c.isdigit())
        zone = rest[len(digits):]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    return datetime.fromisoformat(text).timestamp()


def percentile(values, fraction):
    """The nearest-rank percentile: the smallest value at least `fraction` of them do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(fraction * len(ordered)) - 1)], 3)


def first(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def json_lines(path):
    """The records of a JSON-lines file; None when the file is missing (its recorder never ran),
    so a judge cannot mistake missing evidence for an empty record."""
    try:
        return [json.loads(line) for line in open(path) if line.strip()]
    except FileNotFoundError:
        return None


def engine_events(path):
    """(time, action) of a container's lifecycle events, in order, once each (the recorder
    reconnects across engine restarts and may see an event twice)."""
    events = json_lines(path)
    return None if events is None else sorted({(event["timeNano"] / 1e9, event["Action"]) for event in events})


def load(work):
    requests = json_lines(f"{work}/requests.jsonl") or []
    drill = json.load(open(f"{work}/drill.json"))
    alerts = json.load(open(f"{work}/prometheus_alerts.json"))
    # Empty for a Swarm service: swarm removes a replica's container when it scales to zero.
    inspect = (json.load(open(f"{work}/cloud_inspect.json")) or [None])[0]
    status = json.load(open(f"{work}/failoverd_status.json"))
    return requests, drill, alerts, inspect, status


def spans(events, opens, closes, unclosed_end):
    """[start, end) of each stretch from an action in `opens` to the next in `closes`; the last
    one ends at `unclosed_end` when nothing closed it."""
    found, began = [], None
    for time, action in events:
        if action in opens and began is None:
            began = time
        elif action in closes and began is not None:
            found.append((began, time))
            began = None
    return found + ([(began, unclosed_end)] if began is not None else [])


def onprem_outages(events):
    """[start, end) of each time the on-prem engine had on-prem dead or frozen."""
    return spans(events, ("die", "pause"), ("start", "unpause"), math.inf)


def engine_time(events, actions, after):
    """The engine's time of the first of `actions` from half a second before the script's `after`."""
    return first(time for time, action in events if action in actions and time >= after - 0.5)


def phases(requests, drill, alerts, inspect, status, onprem_events, cloud_events):
    down = engine_time(onprem_events, ("die", "pause"), drill["onprem_down"]) or drill["onprem_down"]
    back = engine_time(onprem_events, ("start", "unpause"), drill["onprem_back"]) or drill["onprem_back"]
    def firing_samples(alertname):
        """Evaluation times at which the alert fired, from on-prem's outage on (not the
        absent() firing while Prometheus discovers its targets at start)."""
        return [float(t) for series in alerts["data"]["result"] if series["metric"].get("alertname") == alertname
                for t, _ in series["values"] if float(t) >= down]
    confirmed, prewarm = firing_samples("OnPremDown"), firing_samples("OnPremDownSuspected")
    triggered = rfc3339((status.get("last_failover") or {}).get("triggered_at"))
    triggered_at = triggered if triggered and triggered >= down else None
    if inspect:
        started, finished = rfc3339(inspect["State"]["StartedAt"]), rfc3339(inspect["State"]["FinishedAt"])
    else:  # the replicas' own start and die events
        started = engine_time(cloud_events, ("start",), down)
        finished = max((time for time, action in cloud_events if action == "die"), default=None)
    answered = lambda r: r["time"] + r["latency"]
    first_cloud = first(answered(r) for r in requests if r["status"] == 200 and r.get("site") == "cloud" and r["time"] >= down)
    failback = first(answered(r) for r in requests if r["status"] == 200 and r.get("site") == "onprem" and r["time"] >= back)
    return {
        "onprem_down": down,
        "prewarm_firing": min(prewarm) if prewarm else None,
        "alert_firing": min(confirmed) if confirmed else None,
        # failoverd's first trigger: a webhook, or its own probe's verdict.
        "failoverd_triggered": triggered_at,
        "container_running": started if started and started >= down else None,
        "first_cloud_200": first_cloud,
        "onprem_back": back,
        "failback": failback,
        "alert_resolved": max(confirmed + prewarm) if confirmed + prewarm else None,  # its last firing evaluation
        "cloud_stopped": finished if finished and finished >= back else None,
    }


def failback_window_end(times):
    """Failback is judged from on-prem's return to 2 s after the cloud copy stopped (or after
    on-prem's return, when it did not stop)."""
    return (times["cloud_stopped"] or times["onprem_back"]) + 2


def figures(requests, times):
    def span(a, b):
        return round(times[b] - times[a], 3) if times.get(a) and times.get(b) else None

    def failed_between(start, end, client_timeout=None):
        """Requests sent in [start, end) that failed, or that a client giving up after
        client_timeout seconds would have counted as failed."""
        if start is None or end is None:
            return None
        return sum(1 for r in requests if start <= r["time"] < end
                   and (r["status"] != 200 or (client_timeout is not None and r["latency"] > client_timeout)))

    # Prometheus' first trigger to fire, pre-warm or confirmed, is the one a webhook carries;
    # failoverd triggered before it fired only by its own probe.
    times = dict(times, trigger_firing=first([times["prewarm_firing"], times["alert_firing"]]))
    by_probe = times["failoverd_triggered"] is not None and (times["trigger_firing"] is None
                                                             or times["failoverd_triggered"] < times["trigger_firing"])
    failover = [r for r in requests if times["onprem_down"] <= r["time"] < times["onprem_back"]]

    return {
        "rto_seconds": span("onprem_down", "first_cloud_200"),
        "triggered_by": ("probe" if by_probe else "alert") if times["failoverd_triggered"] else None,
        "detection_seconds": span("onprem_down", "failoverd_triggered" if by_probe else "trigger_firing"),
        "confirmation_seconds": span("onprem_down", "alert_firing"),
        "alert_to_webhook_seconds": None if by_probe else span("trigger_firing", "failoverd_triggered"),
        "trigger_to_container_running_seconds": span("failoverd_triggered", "container_running"),
        "container_running_to_first_cloud_200_seconds": span("container_running", "first_cloud_200"),
        "failed_requests_during_failover": failed_between(times["onprem_down"], times["onprem_back"]),
        "failed_requests_during_failover_for_1s_clients": failed_between(times["onprem_down"], times["onprem_back"], 1.0),
        "slowest_failover_request_seconds": max((r["latency"] for r in failover), default=None),
        # A failed request counts with the time it took to fail.
        "p99_failover_latency_seconds": percentile([r["latency"] for r in failover], 0.99),
        "failed_requests_during_failback": failed_between(times["onprem_back"], failback_window_end(times)),
        "time_to_failback_seconds": span("onprem_back", "failback"),
        "cloud_uptime_seconds": span("container_running", "cloud_stopped"),
        "requests_during_failover": len(failover),
        "requests_total": len(requests),
        "requests_failed_total": sum(1 for r in requests if r["status"] != 200),
        "requests_failed_after_onprem_back": failed_between(times["onprem_back"] + 1, math.inf),
        "requests_served_by_cloud": sum(1 for r in requests if r["status"] == 200 and r.get("site") == "cloud"),
        # What the path to the cloud copy (TLS to its host's gateway, or plain HTTP) adds to an answer.
        "median_cloud_latency_ms": percentile([r["latency"] * 1000 for r in requests
                                               if r["status"] == 200 and r.get("site") == "cloud"], 0.5),
        "onprem_down_fired": times["alert_firing"] is not None,
    }


def lifecycle_figures(onprem_events, cloud_events):
    """Starts and stops of the cloud copy as its engine recorded them, and whether one of the
    stops fell while on-prem was down."""
    outages = onprem_outages(onprem_events)
    stops = [time for time, action in cloud_events if action == "die"]
    starts = [time for time, action in cloud_events if action == "start"]
    stops_while_down = [stop for stop in stops if any(began <= stop < end for began, end in outages)]
    return {
        "cloud_starts": len(starts),
        "cloud_stops": len(stops),
        "onprem_outages": len(outages),
        "cloud_stopped_while_onprem_down": bool(stops_while_down),
        # For each such stop, how long until the copy was started again (None: it was not).
        "cloud_restart_seconds": [round(later[0] - stop, 3) if (later := [start for start in starts if start > stop]) else None
                                  for stop in stops_while_down],
    }


def node_timelines(node_events, requests, origin):
    """Per node of a cloud copy spread over several: when its replica ran (seconds from on-prem
    going down) and how many requests it answered (by the host name in the answer)."""
    served = Counter(r.get("host") for r in requests if r["status"] == 200 and r.get("site") == "cloud")
    rel = lambda time: None if time is None else round(time - origin, 3)
    return {host: {"running": [[rel(start), rel(end)] for start, end in spans(events, ("start",), ("die",), None)],
                   "requests_served": served.get(host, 0)}
            for host, events in node_events.items()}


def replica_cycles(onprem_events, node_events):
    """A copy of one replica per node is started and stopped as often as its busiest replica:
    three replicas started once each are one start of the copy, one restarted is two."""
    per_node = [lifecycle_figures(onprem_events, events) for events in node_events.values()]
    return {count: max(node[count] for node in per_node) for count in ("cloud_starts", "cloud_stops")}


def evidence(requests, times, rate, alerts, inspect, recorded):
    """What the run recorded, so a judge of something that did not happen (no failed request,
    no stop, no alert) can tell it from something nobody recorded."""
    def covered(start, end):
        """Whether the load generator sent at least 80 % of its rate over [start, end)."""
        if end <= start:
            return False
        sent = sum(1 for r in requests if start <= r["time"] < end)
        return sent >= 0.8 * rate * (end - start)

    return {
        **{f"{log}_recorded": present for log, present in recorded.items()},
        "alerts_query_answered": alerts.get("status") == "success",
        "cloud_inspected": inspect is not None,
        "cloud_never_started_by_inspect": inspect is not None and rfc3339(inspect["State"]["StartedAt"]) is None,
        "requests_cover_outage": covered(times["onprem_down"], times["onprem_back"]),
        "requests_cover_failback": covered(times["onprem_back"], failback_window_end(times)),
        "requests_cover_after_back": covered(times["onprem_back"] + 1, times["onprem_back"] + 3),
    }


def cloud_server_records(states):
    """HAProxy's recorded states of the cloud servers (cloud, cloud2, ...), in time order."""
    return sorted((record for record in states if record["server"].startswith("cloud")), key=lambda record: record["time"])


def cloud_server_state_changes(states, since):
    """How often HAProxy changed its mind about a cloud server from `since` on: each recorded
    state after the first one is a change. None when nothing was recorded."""
    if states is None:
        return None
    changes, last = 0, {}
    for record in cloud_server_records(states):
        server = record["server"]
        if record["time"] >= since and server in last and last[server] != record["status"]:
            changes += 1
        last[server] = record["status"]
    return changes


def cloud_server_flaps(states, cloud_events):
    """How often HAProxy took a cloud server down and back up while the cloud copy ran on: its
    checks failed (across the WAN), not the copy. A down as the copy stops (it drains first, its
    health answering 503) is not one. None when HAProxy's states were not recorded."""
    if states is None:
        return None
    running = spans(cloud_events, ("start",), ("die",), math.inf)
    flaps, down_since = 0, {}
    for record in cloud_server_records(states):
        server, status, at = record["server"], record["status"], record["time"]
        if status.startswith("DOWN"):
            down_since.setdefault(server, at)
        elif status.startswith("UP") and server in down_since:
            went_down = down_since.pop(server)
            flaps += any(start < went_down and at < end for start, end in running)
    return flaps


def probe_failing_verdicts(log_path):
    """How often failoverd's probe found on-prem failing (each a pre-warm), from its log."""
    try:
        return sum(1 for line in open(log_path) if "on-prem fails failoverd's probe" in line)
    except FileNotFoundError:
        return None


def alert_episodes(alerts, alertname, since):
    """Separate firings of an alert from `since` on: runs of firing evaluations at most 5 s apart."""
    samples = sorted(float(t) for series in alerts["data"]["result"] if series["metric"].get("alertname") == alertname
                     for t, _ in series["values"] if float(t) >= since)
    return sum(1 for index, t in enumerate(samples) if index == 0 or t - samples[index - 1] > 5)


def webhook_replies(metrics_text):
    """failoverd's webhook replies by status code, from its /metrics."""
    replies = {}
    for line in metrics_text.splitlines():
        if line.startswith("failoverd_webhook_requests_total{"):
            code = line.split('code="', 1)[1].split('"', 1)[0]
            replies[code] = int(float(line.rsplit(" ", 1)[1]))
    return replies


def prewarm_stop_seconds(times):
    """Seconds from the pre-warm alert's last firing evaluation to the cloud copy's stop."""
    if times["cloud_stopped"] and times["alert_resolved"]:
        return round(times["cloud_stopped"] - times["alert_resolved"], 3)
    return None


def ran(running):
    """A replica's running spans as the summary says them: "+1.94 s to +20.32 s", or "never"."""
    return ", ".join(f"{start:+.2f} s to " + (f"{end:+.2f} s" if end is not None else "the end") for start, end in running) or "never"


def summary_lines(report, times):
    f = report["figures"]
    rel = lambda key: f"{times[key] - times['onprem_down']:+.2f} s" if times.get(key) else "not seen"
    yes = lambda flag: "yes" if flag else "no"
    notes = [f"  {key}: {value}" for key, value in report["notes"].items()]
    wan = report.get("wan")
    across = f", across a WAN of {wan['rtt_ms']} ms ± {wan['jitter_ms']} ms, {wan['loss_percent']} % loss" if wan else ""
    return [f"Scenario {report['scenario']} ({report['profile']} profile{', failoverd probes on-prem' if report.get('probe') else ''}{across})",
            *(f"  {key:<18} {rel(key)}" for key in times),
            f"  RTO (on-prem down -> first cloud 200): {f['rto_seconds']} s",
            f"    detection {f['detection_seconds']} s (by {'failoverd' + chr(39) + 's probe' if f['triggered_by'] == 'probe' else 'Prometheus'}; "
            f"OnPremDown confirmed after {f['confirmation_seconds']} s), alert->webhook {f['alert_to_webhook_seconds']} s, "
            f"trigger->running {f['trigger_to_container_running_seconds']} s, running->first 200 {f['container_running_to_first_cloud_200_seconds']} s",
            f"  failed requests: during failover {f['failed_requests_during_failover']} (client timeout {report['client_timeout_seconds']} s; "
            f"{f['failed_requests_during_failover_for_1s_clients']} for 1 s clients; p99 latency {f['p99_failover_latency_seconds']} s, "
            f"slowest {f['slowest_failover_request_seconds']} s), "
            f"during failback {f['failed_requests_during_failback']}, after on-prem was back {f['requests_failed_after_onprem_back']} "
            f"(of {f['requests_total']} sent; {f['requests_served_by_cloud']} served by the cloud copy)",
            f"  cloud copy: {f['cloud_starts']} start(s), {f['cloud_stops']} stop(s), stopped while on-prem was down: "
            f"{yes(f['cloud_stopped_while_onprem_down'])}, ran {f['cloud_uptime_seconds']} s; OnPremDown fired: {yes(f['onprem_down_fired'])}",
            f"  time to failback: {f['time_to_failback_seconds']} s; failoverd's webhook replies by code: {f['webhook_replies']}",
            f"  HAProxy changed a cloud server's state {f['cloud_server_state_changes']} time(s) under load "
            f"({f.get('cloud_server_flaps')} flaps: down and up while the copy ran); pre-warms: "
            f"{f['probe_failing_verdicts']} by failoverd's probe, {f['prewarm_alert_episodes']} by OnPremDownSuspected",
            *(f"  {host}: replica ran {ran(node['running'])}; served {node['requests_served']} requests"
              for host, node in report.get("nodes", {}).items()),
            *notes]


def main(work):
    requests, drill, alerts, inspect, status = load(work)
    logs = {log: engine_events(f"{work}/{log}.jsonl") for log in ("onprem_events", "cloud_events")}
    node_logs = sorted(glob.glob(f"{work}/cloud_events_*.jsonl"))
    node_events = {path[len(f"{work}/cloud_events_"):-len(".jsonl")]: engine_events(path) for path in node_logs}
    if node_events:  # the cloud copy's events are every node's
        logs["cloud_events"] = sorted(set().union(*node_events.values()))
    onprem_events, cloud_events = logs["onprem_events"] or [], logs["cloud_events"] or []
    times = phases(requests, drill, alerts, inspect, status, onprem_events, cloud_events)
    figures_ = figures(requests, times)
    figures_.update(lifecycle_figures(onprem_events, cloud_events))
    if node_events:
        figures_.update(replica_cycles(onprem_events, node_events))
    figures_["prewarm_stop_seconds"] = prewarm_stop_seconds(times)
    figures_["webhook_replies"] = webhook_replies(open(f"{work}/failoverd_metrics.txt").read())
    load_started = first(r["time"] for r in requests) or times["onprem_down"]
    haproxy_states = json_lines(f"{work}/haproxy_states.jsonl")
    figures_["cloud_server_state_changes"] = cloud_server_state_changes(haproxy_states, load_started)
    figures_["cloud_server_flaps"] = cloud_server_flaps(haproxy_states, cloud_events)
    # Why the cloud copy ran without an outage: failoverd's probe, or Prometheus' pre-warm alert.
    figures_["probe_failing_verdicts"] = probe_failing_verdicts(f"{work}/failoverd.log")
    figures_["prewarm_alert_episodes"] = alert_episodes(alerts, "OnPremDownSuspected", load_started)
    notes = {key: value for note in json_lines(f"{work}/notes.jsonl") or [] for key, value in note.items()}
    report = {"scenario": drill["scenario"], "profile": drill["profile"], "target": drill.get("target", "container"),
              "probe": drill.get("probe", False), "wan": drill.get("wan"), "wan_events": json_lines(f"{work}/wan_events.jsonl"),
              "hold_down_seconds": drill["hold_down_seconds"],
              "rate": drill["rate"], "client_timeout_seconds": drill.get("client_timeout_seconds"), "phases": times,
              "figures": figures_, "notes": notes,
              "evidence": evidence(requests, times, drill["rate"], alerts, inspect,
                                   {**{log: events is not None for log, events in logs.items()},
                                    "haproxy_states": haproxy_states is not None})}
    if node_events:
        report["nodes"] = node_timelines(node_events, requests, times["onprem_down"])
    json.dump(report, open(f"{work}/report.json", "w"), indent=2)
    summary = "\n".join(summary_lines(report, times))
    open(f"{work}/summary.txt", "w").write(summary + "\n")
    print(summary)


if __name__ == "__main__":
    main(sys.argv[1])
