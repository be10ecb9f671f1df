#!/usr/bin/env python3
"""Probe an API URL at a steady rate until a given site serves it; report timing and failures.

Each probe is a fresh connection (as a new client would make), so the answer shows where the
load balancer routes right now. Bounded by --timeout and by the probe count it implies.
Prints one human line and, with --json, a JSON summary on stdout.
Exit 0 when the site served within the timeout (and --max-failures was not exceeded), else 1.
"""
import argparse
import http.client
import json
import sys
import time
import urllib.parse


def probe_once(parsed, timeout):
    started = time.monotonic()
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    try:
        connection.request("GET", parsed.path or "/", headers={"Connection": "close"})
        response = connection.getresponse()
        body = response.read()
        site = None
        if response.status == 200:
            try:
                site = json.loads(body).get("site")
            except ValueError:
                site = None
        return response.status, site, time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return None, None, time.monotonic() - started
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--until-site", required=True, help="stop once this site has served --settle seconds")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between probes")
    parser.add_argument("--timeout", type=float, default=60, help="give up after this many seconds")
    parser.add_argument("--settle", type=float, default=2.0, help="keep probing this long after the site first served")
    parser.add_argument("--max-failures", type=int, default=-1, help="fail if more probes failed (-1: no limit)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parsed = urllib.parse.urlparse(args.url)

    start = time.monotonic()
    first_served = None
    probes = failures = 0
    by_site = {}
    while True:
        now = time.monotonic()
        if now - start > args.timeout:
            break
        if first_served is not None and now - first_served >= args.settle:
            break
        status, site, _ = probe_once(parsed, timeout=1.0)
        probes += 1
        if status != 200:
            failures += 1
        else:
            by_site[site] = by_site.get(site, 0) + 1
        if site == args.until_site and first_served is None:
            first_served = time.monotonic()
        time.sleep(max(0.0, args.interval - (time.monotonic() - now)))

    served = first_served is not None
    summary = {
        "until_site": args.until_site,
        "served": served,
        "seconds_until_served": round(first_served - start, 3) if served else None,
        "probes": probes,
        "failed": failures,
        "by_site": by_site,
    }
    if served:
        print(f"{args.until_site} serves after {summary['seconds_until_served']:.3f} s; "
              f"{failures} of {probes} probes failed; answers by site: {by_site}", file=sys.stderr)
    else:
        print(f"{args.until_site} did not serve within {args.timeout:.0f} s; "
              f"{failures} of {probes} probes failed; answers by site: {by_site}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary))
    too_many = args.max_failures >= 0 and failures > args.max_failures
    return 0 if served and not too_many else 1


if __name__ == "__main__":
    sys.exit(main())
