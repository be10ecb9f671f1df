#!/usr/bin/env python3
"""Prints lab_series.sh's tables from the reports under SERIES: each figure's median and runs,
shipped timings beside the reference setup's (and the Swarm target beside the container), with
the ratio of medians, and the false-positive drills' runs; with the sub-second runs, the crash
and the hang with failoverd's probe beside today's configuration (RTO p50 and worst, failed
requests for 1 s clients, p99 latency while on-prem was down); the Swarm target on three nodes
beside one; the shipped safe path (TLS, the Docker socket proxy) beside plain HTTP and dockerd's
own socket; the crash drill with the probe on loopback beside across a 100 ms and a 200 ms WAN.

    series_table.py SERIES
"""
import glob, json, statistics, sys
series = sys.argv[1]
def reports(prefix):
    return [json.load(open(path)) for path in sorted(glob.glob(f"{series}/{prefix}-*/report.json"))]
def cell(values):
    values = [v for v in values if v is not None]
    if not values:
        return "not seen", None
    median = statistics.median(values)
    listed = ", ".join(f"{v:g}" for v in values)
    return f"median {median:g} ({listed})", median
def values(runs, key):
    return [round(v, 2) if isinstance(v, float) else v for v in (r["figures"].get(key) for r in runs)]
fast, reference, false_positive = reports("fast"), reports("reference"), reports("false-positive")
swarm, probe_false_positive, nodes3 = reports("swarm"), reports("probe-false-positive"), reports("nodes3")
secure, open_path = reports("secure"), reports("open")
loopback, wan100, wan200 = reports("loopback"), reports("wan100"), reports("wan200")
reuse, close = reports("reuse"), reports("close")
keys = ["rto_seconds", "detection_seconds", "confirmation_seconds", "alert_to_webhook_seconds",
        "trigger_to_container_running_seconds", "container_running_to_first_cloud_200_seconds",
        "failed_requests_during_failover", "failed_requests_during_failover_for_1s_clients",
        "slowest_failover_request_seconds", "p99_failover_latency_seconds", "median_cloud_latency_ms",
        "failed_requests_during_failback", "time_to_failback_seconds", "cloud_uptime_seconds"]
def table(left, left_name, right, right_name, ratio_of):
    print(f"| figure | {left_name}, {len(left)} runs | {right_name}, {len(right)} runs | ratio of medians |")
    print("| --- | --- | --- | --- |")
    for key in keys:
        text, mine = cell(values(left, key))
        other_text, theirs = cell(values(right, key))
        print(f"| {key} | {text} | {other_text} | {ratio_of(mine, theirs) if mine and theirs else ''} |")
if reference:
    table(fast, "shipped timings", reference, "reference timings", lambda mine, theirs: f"{mine / theirs:.3f} ({theirs / mine:.0f}x)")
if swarm and fast:
    print()
    table(fast, "container target", swarm, "Swarm service target (1 replica)", lambda mine, theirs: f"swarm/container {theirs / mine:.2f}")
if nodes3:
    print()
    table(swarm, "Swarm, 1 node", nodes3, "Swarm, 3 nodes (a replica each)", lambda mine, theirs: f"3 nodes/1 node {theirs / mine:.2f}")
if secure:
    print()
    table(secure, "TLS + Docker socket proxy (shipped)", open_path, "plain HTTP, dockerd's socket",
          lambda mine, theirs: f"shipped/plain {mine / theirs:.2f}")
if loopback:
    for wan, name in ((wan100, "100 ms ± 20 ms, 1 % loss"), (wan200, "200 ms ± 40 ms, 1 % loss")):
        print()
        table(wan, f"across a WAN of {name}", loopback, "loopback", lambda mine, theirs: f"WAN/loopback {mine / theirs:.2f}")
if reuse:
    print()
    table(reuse, "kept-alive connections to the cloud copy (shipped)", close, "option http-server-close",
          lambda mine, theirs: f"shipped/server-close {mine / theirs:.2f}")
def subsecond_table():
    """The crash and the hang, probe beside today's configuration: p50 and worst of the RTO, and
    each run's failures for 1 s clients and p99 latency."""
    columns = [(f"{config}-{scenario}", f"{scenario}, {name}") for scenario in ("crash", "hang")
               for config, name in (("probe", "probe"), ("today", "today"))]
    runs = {prefix: reports(prefix) for prefix, _ in columns}
    print("| figure | " + " | ".join(f"{name}, {len(runs[prefix])} runs" for prefix, name in columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    def row(label, text_of):
        print(f"| {label} | " + " | ".join(text_of(values(runs[prefix], key_of[label])) for prefix, _ in columns) + " |")
    def spread(found):
        found = [v for v in found if v is not None]
        return f"p50 {statistics.median(found):g}, worst {max(found):g}" if found else "not seen"
    listed = lambda found: ", ".join("-" if v is None else f"{v:g}" for v in found)
    key_of = {"RTO s": "rto_seconds", "RTO s, runs": "rto_seconds", "detection s": "detection_seconds",
              "failed, 1 s clients": "failed_requests_during_failover_for_1s_clients",
              "failed, 5 s clients": "failed_requests_during_failover",
              "p99 latency s": "p99_failover_latency_seconds", "slowest s": "slowest_failover_request_seconds"}
    row("RTO s", spread)
    for label in ("RTO s, runs", "detection s", "failed, 1 s clients", "failed, 5 s clients", "p99 latency s", "slowest s"):
        row(label, listed)
def false_positives(runs, title):
    print(f"{title}, {len(runs)} runs:")
    for r in runs:
        f = r["figures"]
        print(f"  failed requests {f['requests_failed_total']} of {f['requests_total']}, slower than 1 s: "
              f"{f['failed_requests_during_failover_for_1s_clients']}, served by cloud: {f['requests_served_by_cloud']}, "
              f"OnPremDown fired: {f['onprem_down_fired']}, cloud ran {f['cloud_uptime_seconds']} s, "
              f"stopped {f['prewarm_stop_seconds']} s after the pre-warm's last firing evaluation")
if reports("probe-crash"):
    print()
    subsecond_table()
if false_positive:
    print()
    false_positives(false_positive, "False-positive drill (on-prem up, 1.5 s of lost scrapes)")
if probe_false_positive:
    print()
    false_positives(probe_false_positive, "Probe false positive (on-prem up, 1.5 s of lost probes and scrapes)")
