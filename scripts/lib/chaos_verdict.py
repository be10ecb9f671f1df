#!/usr/bin/env python3
"""The lab's scenario catalogue and the verdict on a run.

Each scenario is a folder scripts/scenarios/NAME/: run.sh injects the fault (sourced by
scripts/lab.sh), expect.py says what the run must show (its docstring describes the scenario,
EXPECTATIONS lists (text, holds) pairs built from scripts/lib/expectations.py; NEEDS_WAN = True
when the fault is the WAN's own, so it runs only with the lab's --wan).

    chaos_verdict.py WORK            judge the run in WORK (report.json): writes verdict.json,
                                     prints each expectation met or not, exits 1 if any was not
    chaos_verdict.py --list          the scenarios and their expectations
    chaos_verdict.py --describe NAME one line on what the scenario does
    chaos_verdict.py --check-name NAME   exit 2 naming the scenarios if NAME is not one
    chaos_verdict.py --check-wan NAME yes|no   exit 2 if NAME needs the lab's WAN and there is none
    chaos_verdict.py --list-names [--wan]     the scenarios that run without a WAN (with --wan: all)

The lab's timings: hold-down --hold-down (10 s), pre-warm hold-down min(30, hold-down),
Alertmanager asked every 2 s with a 15 s warm-up, Prometheus resend delay 5 s.
"""
import importlib.util
import json
import os
import sys

LIB = os.path.dirname(os.path.abspath(__file__))
SCENARIOS_DIR = os.path.join(os.path.dirname(LIB), "scenarios")
sys.path.insert(0, LIB)  # expect.py files import expectations


class Scenario:
    """One folder of SCENARIOS_DIR: its description and expectations (its run.sh is the lab's)."""

    def __init__(self, name):
        folder = os.path.join(SCENARIOS_DIR, name)
        if not os.path.isfile(os.path.join(folder, "run.sh")):
            raise SystemExit(f"scenario {name}: {folder}/run.sh is missing (the fault the lab injects)")
        spec = importlib.util.spec_from_file_location(f"scenario_{name.replace('-', '_')}", os.path.join(folder, "expect.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.name = name
        self.description = " ".join((module.__doc__ or "").split())
        self.expectations = module.EXPECTATIONS
        self.needs_wan = getattr(module, "NEEDS_WAN", False)
        if not self.description or not self.expectations:
            raise SystemExit(f"scenario {name}: expect.py needs a docstring (what happens) and EXPECTATIONS")


def names():
    """The scenarios, crash first (the lab's default drill), the others by name."""
    found = sorted(entry for entry in os.listdir(SCENARIOS_DIR) if os.path.isdir(os.path.join(SCENARIOS_DIR, entry)))
    return sorted(found, key=lambda name: name != "crash")


def judge(run):
    results = []
    for text, holds in Scenario(run["scenario"]).expectations:
        try:
            met = bool(holds(run))
        except (KeyError, TypeError, ZeroDivisionError):
            met = False  # a figure the expectation needs was not recorded
        results.append({"expectation": text, "met": met})
    return results


def main(argv):
    if argv[:1] == ["--list"]:
        for name in names():
            scenario = Scenario(name)
            print(f"{name}: {scenario.description}" + (" (with --wan only)" if scenario.needs_wan else ""))
            for text, _ in scenario.expectations:
                print(f"    - {text}")
        return 0
    if argv[:1] == ["--list-names"]:
        print("\n".join(name for name in names() if "--wan" in argv or not Scenario(name).needs_wan))
        return 0
    if argv[:1] == ["--check-wan"]:
        if Scenario(argv[1]).needs_wan and argv[2] != "yes":
            print(f"scenario {argv[1]} is a fault of the WAN's: run it with --wan", file=sys.stderr)
            return 2
        return 0
    if argv[:1] == ["--describe"]:
        print(Scenario(argv[1]).description)
        return 0
    if argv[:1] == ["--check-name"]:
        if argv[1] in names():
            return 0
        print(f"unknown scenario '{argv[1]}'; one of: {', '.join(names())}", file=sys.stderr)
        return 2
    work = argv[0]
    run = json.load(open(f"{work}/report.json"))
    results = judge(run)
    passed = all(result["met"] for result in results)
    verdict = {"scenario": run["scenario"], "passed": passed, "description": Scenario(run["scenario"]).description,
               "expectations": results, "error": run["notes"].get("scenario_error")}
    json.dump(verdict, open(f"{work}/verdict.json", "w"), indent=2)
    for result in results:
        print(f"  {'met    ' if result['met'] else 'NOT MET'} {result['expectation']}")
    print(f"scenario {run['scenario']}: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
