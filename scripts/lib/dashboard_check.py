#!/usr/bin/env python3
"""Evaluates every query of the Grafana dashboard against a real Prometheus, and draws what they return.

    dashboard_check.py --prometheus URL --dashboard FILE --start EPOCH --end EPOCH --out FILE [--svg FILE]
                       [--var NAME=VALUE]... [--only-matching REGEX] [--require-label NAME=VALUE]

Each panel's targets (and the dashboard's annotation queries) are run as range queries over
[start, end], with Grafana's $__rate_interval replaced by --rate-interval and each dashboard
variable by its --var value (default: its "All" value). A query that errors or returns no series
is a problem: on the lab's Prometheus every panel must show data, so a renamed metric or a typo
in the dashboard cannot go unnoticed. --only-matching runs only the queries whose expression
matches; --require-label makes a series that carries the label with another value a problem
(a panel that ignores the variable selecting it). Writes the results as JSON to --out, and with
--svg a picture of every panel drawn from the same data (not Grafana's rendering: the numbers,
laid out as the dashboard lays them out). Exits 1 if any query has no data.
"""
import argparse
import json
import re
import sys
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def range_query(prometheus, expr, start, end, step):
    query = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(f"{prometheus}/api/v1/query_range?{query}", timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", "query failed"))
    return body["data"]["result"]


def legend(template, labels):
    """Grafana's {{label}} legend templates (a label the series lacks reads as empty); without
    one, or when it comes out empty, the series' labels."""
    text = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda match: labels.get(match.group(1), ""), template or "").strip()
    return text or ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__") or "value"


def variable_values(dashboard, assigned):
    """Each dashboard variable's value for the queries: as --var assigns it, else its All value."""
    values = {}
    for variable in dashboard.get("templating", {}).get("list", []):
        name = variable["name"]
        if variable.get("type") == "datasource":
            continue  # picks the Prometheus; no query names it
        if name in assigned:
            values[name] = assigned[name]
        elif variable.get("includeAll") and variable.get("allValue"):
            values[name] = variable["allValue"]
        else:
            raise SystemExit(f"dashboard variable {name} has no All value; give it with --var {name}=VALUE")
    unknown = set(assigned) - set(values)
    if unknown:
        raise SystemExit(f"--var names no dashboard variable: {', '.join(sorted(unknown))}")
    return values


def substitute(expr, rate_interval, values):
    """The query as Grafana would send it: $__rate_interval and every $variable / ${variable}."""
    expr = expr.replace("$__rate_interval", rate_interval)
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: values.get(m.group(1) or m.group(2), m.group(0)), expr)


def queries(dashboard):
    """(panel title, gridPos or None, target) for every query the dashboard runs."""
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield panel["title"], panel.get("gridPos"), target
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if annotation.get("expr"):
            yield "annotation: " + annotation["name"], None, {"expr": annotation["expr"], "legendFormat": annotation["name"]}


def structure_problems(dashboard):
    ids = [panel["id"] for panel in dashboard["panels"]]
    problems = [f"panel id {i} is used twice" for i in set(ids) if ids.count(i) > 1]
    defined = {variable["name"] for variable in dashboard.get("templating", {}).get("list", [])}
    for title, _, target in queries(dashboard):
        for name in set(re.findall(r"\$\{?(\w+)", target["expr"])) - defined:
            if not name.startswith("__"):
                problems.append(f"{title}: ${name} is no dashboard variable")
    # Provisioned from a file, Grafana resolves no __inputs (the UI's import does): the data
    # source must be a dashboard variable of type datasource, which works both ways.
    if "__inputs" in dashboard:
        problems.append("__inputs: only the UI's import fills them; use a datasource variable")
    variables = dashboard.get("templating", {}).get("list", [])
    sources = [v["name"] for v in variables if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    if len(sources) != 1:
        problems.append(f"expected one datasource variable of type prometheus, found {sources}")
    expected = "${" + (sources[0] if sources else "datasource") + "}"
    for variable in variables:
        if variable.get("type") == "datasource":
            continue
        source = variable.get("datasource", {}).get("uid")
        if source != expected:
            problems.append(f"variable {variable['name']}: datasource {source!r}, not {expected}")
    for title, _, target in queries(dashboard):
        source = target.get("datasource", {"uid": expected}).get("uid")
        if source != expected:
            problems.append(f"{title}: datasource {source!r}, not {expected}")
    return problems


def chart(x, y, width, height, title, series, start, end):
    """One panel: its title, its series as lines scaled to the panel's own range, a legend."""
    parts = [f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="#fafafa" stroke="#ccc"/>',
             f'<text x="{x + 6}" y="{y + 14}" font-weight="bold">{escape(title)}</text>']
    values = [v for _, points in series for _, v in points]
    if not values:
        return parts + [f'<text x="{x + 6}" y="{y + 34}" fill="#d62728">no data</text>']
    low, high = min(values), max(values)
    if high == low:
        high = low + 1
    plot_top, plot_bottom = y + 22, y + height - 18 - 12 * min(len(series), 4)
    def px(t):
        return x + 6 + (t - start) / max(end - start, 1) * (width - 12)
    def py(v):
        return plot_bottom - (v - low) / (high - low) * (plot_bottom - plot_top)
    parts.append(f'<text x="{x + width - 6}" y="{plot_top + 8}" text-anchor="end" fill="#666">{high:.3g}</text>')
    parts.append(f'<text x="{x + width - 6}" y="{plot_bottom}" text-anchor="end" fill="#666">{low:.3g}</text>')
    for index, (name, points) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{px(t):.1f},{py(v):.1f}" for t, v in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
        if index < 4:
            parts.append(f'<text x="{x + 6}" y="{plot_bottom + 14 + 12 * index}" fill="{colour}">{escape(name[:60])}</text>')
    return parts


def svg(results, start, end):
    """The panels where the dashboard puts them: 24 grid columns, 40 px per grid row."""
    unit_x, unit_y = 40, 34
    by_panel = {}
    for result in results:
        if result["grid"]:
            by_panel.setdefault(result["panel"], (result["grid"], []))[1].extend(result["series_points"])
    width = 24 * unit_x
    height = max(grid["y"] + grid["h"] for grid, _ in by_panel.values()) * unit_y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="10">']
    for title, (grid, series) in by_panel.items():
        parts += chart(grid["x"] * unit_x + 2, grid["y"] * unit_y + 2, grid["w"] * unit_x - 4, grid["h"] * unit_y - 4,
                       title, series, start, end)
    return "\n".join(parts + ["</svg>\n"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--structure-only", action="store_true",
                        help="check the file alone (panel ids, variables, data source) and exit; no Prometheus")
    parser.add_argument("--prometheus")
    parser.add_argument("--start", type=float)
    parser.add_argument("--end", type=float)
    parser.add_argument("--step", default="2s")
    parser.add_argument("--rate-interval", default="30s", help="what Grafana's $__rate_interval becomes")
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE", help="a dashboard variable's value")
    parser.add_argument("--only-matching", metavar="REGEX", help="run only the queries whose expression matches")
    parser.add_argument("--require-label", metavar="NAME=VALUE", help="every series with label NAME must have VALUE")
    parser.add_argument("--out")
    parser.add_argument("--svg")
    args = parser.parse_args()

    dashboard = json.load(open(args.dashboard))
    if args.structure_only:
        problems = structure_problems(dashboard)
        print("\n".join(problems) or f"{args.dashboard}: structure ok")
        sys.exit(1 if problems else 0)
    if not (args.prometheus and args.start is not None and args.end is not None and args.out):
        parser.error("--prometheus, --start, --end and --out are required unless --structure-only")
    values = variable_values(dashboard, dict(assignment.split("=", 1) for assignment in args.var))
    required = args.require_label.split("=", 1) if args.require_label else None
    results = []
    for title, grid, target in queries(dashboard):
        if args.only_matching and not re.search(args.only_matching, target["expr"]):
            continue
        expr = substitute(target["expr"], args.rate_interval, values)
        result = {"panel": title, "grid": grid, "expr": expr, "series": 0, "error": None, "series_points": []}
        try:
            for series in range_query(args.prometheus, expr, args.start, args.end, args.step):
                if required and series["metric"].get(required[0], required[1]) != required[1]:
                    result["error"] = f"a series has {required[0]}={series['metric'][required[0]]!r}, not {required[1]!r}"
                points = [(float(t), float(v)) for t, v in series["values"] if v not in ("NaN", "+Inf", "-Inf")]
                result["series_points"].append((legend(target.get("legendFormat"), series["metric"]), points))
            # A series of only NaN points (a ratio over no traffic) draws nothing: it is not data.
            result["series"] = sum(1 for _, points in result["series_points"] if points)
        except Exception as error:  # a bad query is a finding, not a crash
            result["error"] = str(error)
        results.append(result)

    problems = structure_problems(dashboard)
    problems += [f"{r['panel']}: {r['error'] or 'no series'} ({r['expr']})" for r in results if r["error"] or not r["series"]]
    report = {
        "dashboard": args.dashboard,
        "queries": [{k: r[k] for k in ("panel", "expr", "series", "error")} for r in results],
        "problems": problems,
        "passed": not problems,
    }
    json.dump(report, open(args.out, "w"), indent=2)
    if args.svg:
        open(args.svg, "w").write(svg(results, args.start, args.end))
    with_data = sum(1 for r in results if r["series"])
    print(f"dashboard: {with_data} of {len(results)} queries return data"
          + "".join(f"\n  - {p}" for p in problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
