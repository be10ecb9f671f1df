#!/usr/bin/env python3
"""Prints an Alertmanager webhook body from a fixture in Tests/Fixtures/alertmanager/.

The shell tests and benchmarks use this instead of writing JSON by hand; the Swift tests read
the same files (Tests/Fixtures/Fixture.swift, same options). --status applies to the group and
every alert, the other options to the first alert.
"""
import argparse
import json
import os

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Fixtures", "alertmanager")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", nargs="?", default="onprem-down", help="fixture name without .json")
    parser.add_argument("--status")
    parser.add_argument("--fingerprint")
    parser.add_argument("--starts-at")
    parser.add_argument("--ends-at")
    parser.add_argument("--alertname")
    parser.add_argument("--group-key")
    args = parser.parse_args()
    with open(os.path.join(FIXTURES, args.name + ".json")) as fixture:
        payload = json.load(fixture)
    first = payload["alerts"][0]
    if args.status:
        payload["status"] = args.status
        for alert in payload["alerts"]:
            alert["status"] = args.status
    if args.fingerprint:
        first["fingerprint"] = args.fingerprint
    if args.starts_at:
        first["startsAt"] = args.starts_at
    if args.ends_at:
        first["endsAt"] = args.ends_at
    if args.alertname:
        first["labels"]["alertname"] = args.alertname
    if args.group_key:
        payload["groupKey"] = args.group_key
    print(json.dumps(payload, separators=(",", ":"), sort_keys=True))


if __name__ == "__main__":
    main()
