#!/usr/bin/env python3
"""Evaluates every query of the Grafana dashboard against a real Prometheus, and keeps what they return.

    dashboard_check.py --prometheus URL --dashboard FILE --start EPOCH --end EPOCH --out FILE
                       [--var NAME=VALUE]... [--only-matching REGEX] [--require-label NAME=VALUE]

Each panel's targets (and the dashboard's annotation queries) are run as range queries over
[start, end], with Grafana's $__rate_interval replaced by --rate-interval and each dashboard
variable by its --var value (default: its "All" value). A query that errors or returns no series
is a problem: on the lab's Prometheus every panel must show data, so a renamed metric or a typo
in the dashboard cannot go unnoticed. --only-matching runs only the queries whose expression
matches; --require-label makes a series that carries the label with another value a problem
(a panel that ignores the variable selecting it). Writes the results as JSON to --out, with every
panel's series for pictures.py to draw (not Grafana's rendering: the numbers, laid out as the
dashboard lays them out). Exits 1 if any query has no data.
"""
import argparse
import json
import re
import sys
import urllib.parse
import urllib.request


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
    """(panel title, gridPos or None, target, unit or None) for every query the dashboard runs."""
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))
    for panel in panels(dashboard["panels"]):
        for target in panel.get("targets", []):
            yield panel["title"], panel.get("gridPos"), target, panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    for annotation in dashboard.get("annotations", {}).get("list", []):
        if annotation.get("expr"):
            yield "annotation: " + annotation["name"], None, {"expr": annotation["expr"], "legendFormat": annotation["name"]}, None


def structure_problems(dashboard):
    ids = [panel["id"] for panel in dashboard["panels"]]
    problems = [f"panel id {i} is used twice" for i in set(ids) if ids.count(i) > 1]
    defined = {variable["name"] for variable in dashboard.get("templating", {}).get("list", [])}
    for title, _, target, _ in queries(dashboard):
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
    for title, _, target, _ in queries(dashboard):
        source = target.get("datasource", {"uid": expected}).get("uid")
        if source != expected:
            problems.append(f"{title}: datasource {source!r}, not {expected}")
    return problems


def panel_series(results):
    """Every panel with a place on the dashboard, with all its targets' series."""
    panels = {}
    for result in results:
        if result["grid"]:
            panel = panels.setdefault(result["panel"], {"title": result["panel"], "grid": result["grid"],
                                                        "unit": result["unit"], "series": []})
            panel["series"].extend(result["series_points"])
    return list(panels.values())


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
    for title, grid, target, unit in queries(dashboard):
        if args.only_matching and not re.search(args.only_matching, target["expr"]):
            continue
        expr = substitute(target["expr"], args.rate_interval, values)
        result = {"panel": title, "grid": grid, "unit": unit, "expr": expr, "series": 0, "error": None, "series_points": []}
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
        # What pictures.py draws: each panel's series over the run, where the dashboard puts it.
        "start": args.start,
        "end": args.end,
        "panels": panel_series(results),
    }
    json.dump(report, open(args.out, "w"), indent=2)
    with_data = sum(1 for r in results if r["series"])
    print(f"dashboard: {with_data} of {len(results)} queries return data"
          + "".join(f"\n  - {p}" for p in problems))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
