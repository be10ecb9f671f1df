#!/usr/bin/env python3
"""Checks a GitHub Actions workflow beyond its schema, where actionlint would: every `needs:` names
a job of the workflow, every local action (`uses: ./...`) exists and gets its required inputs,
and every `run:` step passes `shellcheck -S warning` (GitHub runs them with bash -e; `${{ }}`
expressions are replaced by a plain word first). actionlint itself is not installable here: its
PyPI package downloads the binary from GitHub at install time. Prints one line per problem.

Usage: workflow_check.py REPO_ROOT WORKFLOW
"""
import os
import re
import subprocess
import sys
import tempfile

from ruamel.yaml import YAML

EXPRESSION = re.compile(r"\$\{\{.*?\}\}")


def load(path):
    with open(path) as handle:
        return YAML(typ="safe").load(handle)


def shellcheck(script, where):
    with tempfile.NamedTemporaryFile("w", suffix=".sh") as handle:
        handle.write("set -e\n" + EXPRESSION.sub("EXPRESSION", script))
        handle.flush()
        result = subprocess.run(["shellcheck", "-s", "bash", "-S", "warning", handle.name], capture_output=True, text=True)
    return [f"{where}: shellcheck: {line}" for line in result.stdout.splitlines() if line.strip()] if result.returncode else []


def step_problems(root, steps, where):
    problems = []
    for index, step in enumerate(steps):
        label = f"{where} step {index + 1} ({step.get('name') or step.get('uses') or 'run'})"
        if "run" in step:
            problems += shellcheck(step["run"], label)
        uses = step.get("uses", "")
        if uses.startswith("./"):
            action = os.path.join(root, uses, "action.yml")
            if not os.path.exists(action):
                problems.append(f"{label}: no action at {uses}/action.yml")
                continue
            metadata = load(action)
            given = set((step.get("with") or {}).keys())
            for name, spec in (metadata.get("inputs") or {}).items():
                if spec.get("required") and "default" not in spec and name not in given:
                    problems.append(f"{label}: required input '{name}' of {uses} is not given")
            for name in given - set((metadata.get("inputs") or {}).keys()):
                problems.append(f"{label}: {uses} has no input '{name}'")
            runs = metadata.get("runs", {})
            if runs.get("using") == "composite":
                problems += step_problems(root, runs.get("steps", []), f"{uses}")
    return problems


def main():
    root, workflow = sys.argv[1], sys.argv[2]
    jobs = load(workflow)["jobs"]
    problems = []
    for name, job in jobs.items():
        needs = job.get("needs", [])
        for needed in [needs] if isinstance(needs, str) else needs:
            if needed not in jobs:
                problems.append(f"job {name}: needs '{needed}', which is not a job of {workflow}")
        problems += step_problems(root, job.get("steps", []), f"job {name}")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
