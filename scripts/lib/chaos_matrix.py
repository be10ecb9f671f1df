#!/usr/bin/env python3
"""Writes the failure-mode matrix (matrix.md, matrix.json) from each scenario's report.json and
verdict.json under WORK, prints the Markdown table, and exits 1 if a scenario failed or left
no verdict.

    chaos_matrix.py WORK SCENARIO...
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
            "webhook_replies")},
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


def markdown(rows, header):
    lines = [header, "",
             "| scenario | result | RTO s | failed: outage / failback | served by cloud | cloud starts / stops | "
             "stopped while on-prem down | cloud uptime s | failback s | reason |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        f = r["figures"]
        lines.append(
            f"| {r['scenario']} | {'pass' if r['passed'] else '**FAIL**'} | {cell(f.get('rto_seconds'))} | "
            f"{cell(f.get('failed_requests_during_failover'))} / {cell(f.get('failed_requests_during_failback'))} | "
            f"{cell(f.get('requests_served_by_cloud'))} | {cell(f.get('cloud_starts'))} / {cell(f.get('cloud_stops'))} | "
            f"{cell(f.get('cloud_stopped_while_onprem_down'))} | {cell(f.get('cloud_uptime_seconds'))} | "
            f"{cell(f.get('time_to_failback_seconds'))} | {r['reason'] or ''} |")
    return "\n".join(lines) + "\n"


def main(work, names):
    rows = [row(work, name) for name in names]
    machine = f"{socket.gethostname()}, {os.cpu_count()} cores, {platform.platform()}"
    header = (f"Failure-mode matrix, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine}: "
              f"{sum(r['passed'] for r in rows)} of {len(rows)} scenarios passed.")
    json.dump({"header": header, "scenarios": rows}, open(f"{work}/matrix.json", "w"), indent=2)
    text = markdown(rows, header)
    open(f"{work}/matrix.md", "w").write(text)
    print(text)
    print(f"matrix: {work}/matrix.md, {work}/matrix.json; timelines: {work}/<scenario>/timeline.svg")
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
