#!/usr/bin/env python3
"""Hostile traffic at failoverd's webhook for the lab's hostile-traffic scenario, until SIGTERM.

Four workers send, round robin: junk bodies with the right token, 2 MiB bodies, real bodies with
a wrong token and with none, and bursts of 20 duplicate (authorized, non-trigger) webhooks, each
on a new connection. On SIGTERM it writes what came back, by kind and status, as JSON:
{"junk": {"400": 812}, "oversized": {"413": 90, "closed": 3}, ...}; "hung" counts requests with no answer in 10 s. Loopback only.

    hostile_webhooks.py --url http[s]://127.0.0.1:PORT/failover --token-file FILE --out FILE [--ca-file PEM]

With an https:// URL, failoverd's certificate is checked against --ca-file.
"""
import argparse
import collections
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--ca-file")
    args = parser.parse_args()
    target = urllib.parse.urlsplit(args.url)
    if target.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing non-loopback target {target.hostname}")
    token = open(args.token_file).read().strip()
    # A real, authorized body that triggers nothing: the heartbeat alert.
    heartbeat = subprocess.check_output([sys.executable, f"{HERE}/webhook_body.py", "non-trigger-group"])
    bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    kinds = {
        "junk": lambda: [(os.urandom(512), bearer)],
        "oversized": lambda: [(b"[" * (2 << 20), bearer)],
        "wrong_token": lambda: [(heartbeat, {"Authorization": "Bearer not-the-token", "Content-Type": "application/json"})],
        "no_token": lambda: [(heartbeat, {"Content-Type": "application/json"})],
        "duplicates": lambda: [(heartbeat, bearer)] * 20,
    }
    replies = {kind: collections.Counter() for kind in kinds}
    lock = threading.Lock()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def send(kind, body, headers):
        if target.scheme == "https":
            context = ssl.create_default_context(cafile=args.ca_file)
            connection = http.client.HTTPSConnection(target.hostname, target.port, timeout=10, context=context)
        else:
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            outcome = str(connection.getresponse().status)
        except TimeoutError:
            outcome = "hung"  # no answer in 10 s: a refusal must be prompt, so this never passes
        except (OSError, http.client.HTTPException):
            outcome = "closed"  # failoverd may close a connection it refused before reading the body
        finally:
            connection.close()
        with lock:
            replies[kind][outcome] += 1

    def worker(offset):
        names = list(kinds)
        n = offset
        while not stop.is_set():
            kind = names[n % len(names)]
            for body, headers in kinds[kind]():
                send(kind, body, headers)
            n += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.workers)]
    for thread in threads:
        thread.start()
    while not stop.wait(0.2):
        pass
    for thread in threads:
        thread.join(timeout=15)
    with open(args.out, "w") as out:
        json.dump({kind: dict(counts) for kind, counts in replies.items()}, out)


if __name__ == "__main__":
    main()
