#!/usr/bin/env python3
"""Writes the failure-mode matrix (matrix.md, matrix.json) from each scenario's report.json and
verdict.json under WORK, prints the Markdown table, and exits 1 if a scenario failed or left
no verdict. With --wan, the WAN column: the scenarios run across the lab's WAN, under WORK/wan.

    chaos_matrix.py WORK [SCENARIO...] [--wan RTT,JITTER,LOSS WAN-SCENARIO...]
"""
import json
import os
import platform
import socket
import sys
import time


def load(path):
    try:
        return json.load(open(path))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def row(work, name):
    report, verdict = load(f"{work}/{name}/report.json"), load(f"{work}/{name}/verdict.json")
    if report is None or verdict is None:
        return {"scenario": name, "passed": False, "figures": {}, "not_met": [],
                "reason": f"no verdict: the run ended early (see {name}.out)"}
    f = report["figures"]
    not_met = [e["expectation"] for e in verdict["expectations"] if not e["met"]]
    return {
        "scenario": name,
        "passed": verdict["passed"],
        "description": verdict["description"],
        "figures": {key: f.get(key) for key in (
            "rto_seconds", "failed_requests_during_failover", "failed_requests_during_failback", "requests_served_by_cloud",
            "cloud_starts", "cloud_stops", "cloud_stopped_while_onprem_down", "cloud_uptime_seconds", "time_to_failback_seconds",
            "webhook_replies", "probe_failing_verdicts", "cloud_server_state_changes", "cloud_server_flaps")},
        "notes": report["notes"],
        "not_met": not_met,
        "reason": verdict.get("error") or ("; ".join(not_met) if not_met else None),
        "timeline": f"{name}/timeline.svg",
    }


def cell(value):
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def result(r):
    if r is None:
        return "–"
    return "pass" if r["passed"] else "**FAIL**"


def markdown(rows, wan_rows, wan, header):
    """One line per scenario: its loopback run, and its run across the WAN when there is one."""
    wan_heads, wan_rule = ((" across the WAN: result | WAN RTO s | WAN failed: outage / failback | WAN pre-warms by the probe | "
                            "WAN HAProxy cloud-server changes (flaps: down and up while the copy ran) |"), " --- | --- | --- | --- | --- |") if wan else ("", "")
    lines = [header, "",
             "| scenario | result | RTO s | failed: outage / failback | served by cloud | cloud starts / stops | "
             "stopped while on-prem down | cloud uptime s | failback s |" + wan_heads + " reason |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |" + wan_rule + " --- |"]
    by_name = {r["scenario"]: r for r in rows}
    wan_by_name = {r["scenario"]: r for r in wan_rows}
    for name in list(by_name) + [name for name in wan_by_name if name not in by_name]:
        r, w = by_name.get(name), wan_by_name.get(name)
        f, wf = (r or {}).get("figures", {}), (w or {}).get("figures", {})
        reasons = [text for text in ((r or {}).get("reason"), f"across the WAN: {w['reason']}" if w and w["reason"] else None) if text]
        line = (f"| {name} | {result(r)} | {cell(f.get('rto_seconds'))} | "
                f"{cell(f.get('failed_requests_during_failover'))} / {cell(f.get('failed_requests_during_failback'))} | "
                f"{cell(f.get('requests_served_by_cloud'))} | {cell(f.get('cloud_starts'))} / {cell(f.get('cloud_stops'))} | "
                f"{cell(f.get('cloud_stopped_while_onprem_down'))} | {cell(f.get('cloud_uptime_seconds'))} | "
                f"{cell(f.get('time_to_failback_seconds'))} |")
        if wan:
            line += (f" {result(w)} | {cell(wf.get('rto_seconds'))} | "
                     f"{cell(wf.get('failed_requests_during_failover'))} / {cell(wf.get('failed_requests_during_failback'))} | "
                     f"{cell(wf.get('probe_failing_verdicts'))} | {cell(wf.get('cloud_server_state_changes'))} "
                     f"({cell(wf.get('cloud_server_flaps'))}) |")
        lines.append(line + f" {'; '.join(reasons)} |")
    return "\n".join(lines) + "\n"


def main(work, names, wan=None, wan_names=()):
    rows = [row(work, name) for name in names]
    wan_rows = [row(f"{work}/wan", name) for name in wan_names]
    machine = f"{socket.gethostname()}, {os.cpu_count()} cores, {platform.platform()}"
    everything = rows + wan_rows
    across = f"; across the WAN: {wan} (RTT ms, jitter ms, loss %), failoverd's probe on" if wan else ""
    header = (f"Failure-mode matrix, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}: "
              f"{sum(r['passed'] for r in everything)} of {len(everything)} runs passed{across}.")
    json.dump({"header": header, "scenarios": rows, "wan": wan, "wan_scenarios": wan_rows}, open(f"{work}/matrix.json", "w"), indent=2)
    text = markdown(rows, wan_rows, wan, header)
    open(f"{work}/matrix.md", "w").write(text)
    print(text)
    print(f"matrix: {work}/matrix.md, {work}/matrix.json; timelines: {work}/<scenario>/timeline.svg")
    return 0 if all(r["passed"] for r in everything) else 1


if __name__ == "__main__":
    arguments = sys.argv[2:]
    if "--wan" in arguments:
        at = arguments.index("--wan")
        sys.exit(main(sys.argv[1], arguments[:at], arguments[at + 1], arguments[at + 2:]))
    sys.exit(main(sys.argv[1], arguments))
