#!/usr/bin/env python3
"""Records when HAProxy changes its mind about a server, for the lab's report and timeline.

Asks HAProxy's admin socket (`show stat`) every 0.1 s for the checked servers of one backend
and writes a JSON line whenever one's state changes: {"time": ..., "server": "cloud", "status":
"UP"}. The first answer is written whole, so the file also says where each server started. A
flap shorter than the polling interval can be missed; HAProxy's own checks are slower than it.
Runs until SIGTERM.

    haproxy_watch.py --socket PATH --backend api --out FILE
"""
import argparse
import csv
import io
import json
import signal
import socket
import sys
import time


def servers(path, backend):
    """Each checked server's status (UP, DOWN, ...) as HAProxy's admin socket says it now."""
    with socket.socket(socket.AF_UNIX) as admin:
        admin.settimeout(2)
        admin.connect(path)
        admin.sendall(b"show stat\n")
        answer = b""
        while chunk := admin.recv(65536):
            answer += chunk
    rows = csv.DictReader(io.StringIO(answer.decode().lstrip("# ")))
    # A server without checks (the cloud-hold line) reports "no check": not a state.
    return {row["svname"]: row["status"].split()[0] for row in rows
            if row["pxname"] == backend and row["svname"] not in ("FRONTEND", "BACKEND") and row["check_status"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--backend", default="api")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    known = {}
    with open(args.out, "a", buffering=1) as out:
        while True:
            try:
                now_states = servers(args.socket, args.backend)
            except OSError:  # HAProxy not up yet, or restarting
                now_states = {}
            stamp = round(time.time(), 3)
            for server, status in now_states.items():
                if known.get(server) != status:
                    out.write(json.dumps({"time": stamp, "server": server, "status": status}) + "\n")
                    known[server] = status
            time.sleep(0.1)


if __name__ == "__main__":
    main()
