#!/usr/bin/python3
"""A lab run's pictures, drawn with matplotlib (Debian's python3-matplotlib, hence /usr/bin/python3).

    pictures.py timeline WORK    WORK/timeline.svg from requests.jsonl and report.json
    pictures.py dashboard WORK   WORK/dashboard.svg from dashboard.json (dashboard_check.py --out)

matplotlib rather than hand-written SVG: its axes, ticks and unit labels are what the hand-written
version lacked, and measuring text to keep labels apart needs a renderer anyway.
"""
import json
import math
import sys

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller files, and searchable
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

SITES = (("onprem", "#2b6cb0", "served by on-prem"), ("cloud", "#dd6b20", "served by cloud"), ("error", "#c53030", "failed"))
PHASES = {"onprem_down": "on-prem down", "prewarm_firing": "pre-warm alert", "alert_firing": "OnPremDown firing",
          "failoverd_triggered": "failoverd triggered", "container_running": "cloud running", "first_cloud_200": "first cloud 200",
          "onprem_back": "on-prem back", "failback": "failback", "alert_resolved": "alert resolved",
          "cloud_stopped": "cloud stopped"}


def place_labels(ax, marks, rows_top):
    """Writes each (x, text) above the plot, in the lowest row where it overlaps no label already
    there, measured in pixels: events a fraction of a second apart stack instead of overprinting.
    Returns the labels."""
    renderer = ax.figure.canvas.get_renderer()
    row_ends, labels = [], []
    for x, text in sorted(marks):
        label = ax.text(x, 0, " " + text, transform=ax.get_xaxis_transform(), fontsize=8, color="#4a5568",
                        va="bottom", ha="left")
        box = label.get_window_extent(renderer)
        row = next((r for r, end in enumerate(row_ends) if end < box.x0), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0)
        row_ends[row] = box.x1 + 4
        label.set_y(rows_top + 0.07 * row)
        labels.append(label)
    return labels


def node_lanes(ax, nodes, end):
    """One row per node: a bar while its replica ran, labelled with the requests it answered."""
    rows = sorted(nodes.items(), reverse=True)  # node 1 on top
    for row, (host, node) in enumerate(rows):
        spans = [(start, (stop if stop is not None else end) - start) for start, stop in node["running"]]
        ax.broken_barh(spans, (row - 0.35, 0.7), color="#dd6b20")
    ax.set_yticks(range(len(rows)), [f"{host} ({node['requests_served']} served)" for host, node in rows], fontsize=8)
    ax.set_ylim(-0.6, len(nodes) - 0.4)
    ax.set_title("the cloud copy's replica on each node, and the requests it answered", loc="left", fontsize=9)
    ax.set_xlabel("seconds since on-prem went down")


def wan_spans(events, origin, end):
    """(start, end, text) of each stretch the lab's WAN differed from its first settings: a
    partition, or a slower or lossier link, from the relay's own record of what it applied."""
    applied = [(e["time"] - origin, e["settings"]) for e in events or [] if "settings" in e]
    if not applied:
        return []
    base, found = applied[0][1], []
    for (at, settings), following in zip(applied, applied[1:] + [(end, None)]):
        if settings == base:
            continue
        if settings["partition"] != "none":
            text = f"WAN cut ({settings['partition']})"
        else:
            text = f"WAN {settings['rtt_ms']:g}±{settings['jitter_ms']:g} ms, {settings['loss_percent']:g} % loss"
        found.append((at, following[0], text))
    return found


def timeline(work):
    report = json.load(open(f"{work}/report.json"))
    requests = [json.loads(line) for line in open(f"{work}/requests.jsonl") if line.strip()]
    times = report["phases"]
    origin = times["onprem_down"]
    start, end = -5, max(r["time"] for r in requests) - origin + 1
    seconds = range(math.floor(start), math.ceil(end))
    counts = {site: [0] * len(seconds) for site, _, _ in SITES}
    latencies = [[] for _ in seconds]
    for r in requests:
        index = math.floor(r["time"] - origin) - seconds.start
        if 0 <= index < len(seconds):
            site = "error" if r["status"] != 200 else ("cloud" if r.get("site") == "cloud" else "onprem")
            counts[site][index] += 1
            latencies[index].append(r["latency"] * 1000)

    nodes = report.get("nodes", {})
    if nodes:  # a lane per node of the cloud copy under the requests: when its replica ran
        fig, (ax, lanes) = plt.subplots(2, 1, figsize=(11, 4.8 + 0.35 * len(nodes)), layout="constrained", sharex=True,
                                        height_ratios=[4.8, 0.35 * len(nodes) + 0.3])
        node_lanes(lanes, nodes, end)
    else:
        fig, ax = plt.subplots(figsize=(11, 4.8), layout="constrained")
        lanes = None
    base = [0] * len(seconds)
    for site, colour, label in SITES:
        ax.bar(seconds, counts[site], width=1, align="edge", bottom=base, color=colour, label=label, linewidth=0)
        base = [b + c for b, c in zip(base, counts[site])]
    ax.set_xlim(start, end)
    ax.set_ylim(0, max(base + [1]) * 1.05)
    if not nodes:
        ax.set_xlabel("seconds since on-prem went down")
    ax.set_ylabel("requests per second")
    p95 = [sorted(values)[int(0.95 * (len(values) - 1))] if values else math.nan for values in latencies]
    latency_axis = ax.twinx()
    latency_axis.plot([s + 0.5 for s in seconds], p95, color="#2f855a", linewidth=1.5, label="p95 latency")
    latency_axis.set_ylim(0, max([10] + [v for v in p95 if not math.isnan(v)]) * 1.05)
    latency_axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} ms"))
    latency_axis.set_ylabel("p95 latency")
    marks = []
    for began, ended, text in wan_spans(report.get("wan_events"), origin, end):
        ax.axvspan(began, ended, color="#718096", alpha=0.15, linewidth=0)
        marks.append((began, text))
    for key, text in PHASES.items():
        if times.get(key) is not None:
            for axes in (ax, lanes) if lanes else (ax,):
                axes.axvline(times[key] - origin, color="#4a5568", linestyle=(0, (3, 3)), linewidth=0.8)
            marks.append((times[key] - origin, text))
    fig.canvas.draw()
    rows = len({label.get_position()[1] for label in place_labels(ax, marks, 1.01)})
    wan = report.get("wan")
    across = f", across a {wan['rtt_ms']}±{wan['jitter_ms']} ms WAN with {wan['loss_percent']} % loss" if wan else ""
    ax.set_title(f"Lab ({report['scenario']}, {report['profile']} profile{across}): requests by serving site, errors, p95 latency",
                 loc="left", fontsize=11, pad=14 + 13 * rows)
    handles = ax.get_legend_handles_labels()[0] + latency_axis.get_legend_handles_labels()[0]
    # Below the requests: under the x axis, or between them and the node lanes (which take the axis).
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.04 if nodes else -0.13), ncol=4, frameon=False)
    fig.savefig(f"{work}/timeline.svg")


UNITS = {  # Grafana's unit → the unit a panel's title names and the factor its values are drawn at
    "bytes": ("MiB", 1 / 2**20),
    "s": ("ms", 1000),
    "reqps": ("req/s", 1),
    "ops": ("per s", 1),
    "percentunit": ("%", 100),
}


def drill_window(drill, data):
    """(origin, start, end) of the panels' time axis: from 20 s before on-prem went down to the end
    of the queries, in seconds from the outage; the whole range when no outage was recorded. The
    queries span the whole lab run, which on a first `make lab` begins with minutes of building."""
    down = drill.get("onprem_down")
    if down is None:
        return data["start"], 0, data["end"] - data["start"]
    return down, max(data["start"], down - 20) - down, data["end"] - down


def dashboard(work):
    """The panels where the dashboard puts them (24 grid columns), each over the drill's window
    (on-prem down at 0 s, back marked), its values in the panel's unit (named in its title, so tick
    labels stay short)."""
    data = json.load(open(f"{work}/dashboard.json"))
    try:
        drill = json.load(open(f"{work}/drill.json"))
    except FileNotFoundError:
        drill = {}
    origin, start, end = drill_window(drill, data)
    # On-prem's outage, marked where the window is the drill's.
    outage = [at - origin for at in (drill.get("onprem_down"), drill.get("onprem_back")) if at is not None and start < 0]
    panels = data["panels"]
    rows = max(p["grid"]["y"] + p["grid"]["h"] for p in panels)
    fig = plt.figure(figsize=(16, rows * 0.7))
    grid = fig.add_gridspec(rows, 24, hspace=2.2, wspace=1.2, left=0.04, right=0.99, top=0.99, bottom=0.02)
    for panel in panels:
        g = panel["grid"]
        ax = fig.add_subplot(grid[g["y"]:g["y"] + g["h"], g["x"]:g["x"] + g["w"]])
        unit, factor = UNITS.get(panel["unit"], (None, 1))
        ax.set_title(f"{panel['title']} ({unit})" if unit else panel["title"], loc="left", fontsize=9, fontweight="bold")
        for name, points in panel["series"]:
            if points:
                ax.plot([t - origin for t, _ in points], [v * factor for _, v in points], linewidth=1.2,
                        label=name[:48])
        for moment in outage:
            ax.axvline(moment, color="#718096", linewidth=0.8, linestyle="--")
        values = [v for _, points in panel["series"] for _, v in points]
        if values and min(values) >= 0:
            ax.set_ylim(bottom=0)  # a constant series is drawn as a level, not as noise around it
        if not any(points for _, points in panel["series"]):
            ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", color="#c53030")
        ax.set_xlim(start, end)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} s"))
        ax.tick_params(labelsize=7)
        if panel["series"]:
            ax.legend(fontsize=6.5, loc="upper left", frameon=False)
    fig.savefig(f"{work}/dashboard.svg")


if __name__ == "__main__":
    {"timeline": timeline, "dashboard": dashboard}[sys.argv[1]](sys.argv[2])
