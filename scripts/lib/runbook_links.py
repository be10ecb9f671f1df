#!/usr/bin/env python3
"""Checks that every alerting rule links a runbook that exists: its runbook_url's anchor is a
heading of docs/operate.md, the runbook (GitHub's anchor rules). Prints the alerts counted and what is wrong; exits 1
on a problem or when fewer than 15 alerts were found (the rules were not read).

    runbook_links.py     (from the repository root)
"""
import re
import sys

from doc_links import anchors

RUNBOOK = "docs/operate.md"
RULE_FILES = ["prometheus/rules/failover.yml", "prometheus/rules/slo.yml"]


def main():
    runbook = anchors(RUNBOOK)
    problems, alerts = [], 0
    for path in RULE_FILES:
        for block in re.split(r"\n\s*- (?=alert:|record:)", open(path).read())[1:]:
            if not block.startswith("alert:"):
                continue
            alerts += 1
            name = block.split()[1]
            link = re.search(r"runbook_url: \S+/" + re.escape(RUNBOOK) + r"#(\S+)", block)
            if not link:
                problems.append(f"{name}: no runbook_url into {RUNBOOK}")
            elif link.group(1) not in runbook:
                problems.append(f"{name}: #{link.group(1)} is not a heading in {RUNBOOK}")
    print(f"{alerts} alerts", *problems, sep="\n")
    return 0 if alerts >= 15 and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
