#!/usr/bin/env python3
"""Holds many stalled connections to failoverd, times a real webhook and /health, then waits
for failoverd to close the stalled connections.

Each stalled connection sends a request head and one byte of a 100-byte body, then nothing: the
slowloris shape that used to keep connections (and descriptors) forever. Prints one JSON line
with the timings, so the calling test asserts on them. Loopback only; bounded in count and time.
"""
import argparse
import json
import resource
import socket
import ssl
import time
import urllib.request


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--connections", type=int, default=3000)
    parser.add_argument("--token", required=True)
    parser.add_argument("--body", required=True, help="file with the webhook body")
    parser.add_argument("--cafile", help="failoverd serves HTTPS with this certificate: stall after the TLS handshake")
    args = parser.parse_args()
    tls = None
    if args.cafile:
        tls = ssl.create_default_context(cafile=args.cafile)
        tls.check_hostname = False  # the certificate is pinned by --cafile; its name is not the point
    resource.setrlimit(resource.RLIMIT_NOFILE, (args.connections + 256, args.connections + 256))
    stalled = []
    opened_at = opened = time.monotonic()
    for _ in range(args.connections):
        connection = socket.create_connection(("127.0.0.1", args.port), timeout=5)
        if tls:
            connection = tls.wrap_socket(connection)
        connection.sendall(b"POST /failover HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx")
        stalled.append(connection)
    opened = time.monotonic() - opened

    def timed(request):
        started = time.monotonic()
        with urllib.request.urlopen(request, timeout=30, context=tls) as response:
            return response.status, time.monotonic() - started

    base = f"{'https' if tls else 'http'}://127.0.0.1:{args.port}"
    health_code, health_seconds = timed(base + "/health")
    with open(args.body, "rb") as body:
        webhook = urllib.request.Request(
            base + "/failover",
            data=body.read(),
            headers={"Authorization": "Bearer " + args.token, "Content-Type": "application/json"},
        )
    webhook_code, webhook_seconds = timed(webhook)
    closed_by_server = 0
    deadline = time.monotonic() + 30
    for connection in stalled:
        connection.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            while connection.recv(4096):  # a 408 answer, if any, then the close
                pass
            closed_by_server += 1
        except (ConnectionResetError, ssl.SSLError):
            closed_by_server += 1  # closed with a reset
        except socket.timeout:
            pass  # still open at the deadline
        connection.close()
    print(json.dumps({
        "stalled": len(stalled), "open_seconds": round(opened, 2),
        "health_code": health_code, "health_seconds": round(health_seconds, 3),
        "webhook_code": webhook_code, "webhook_seconds": round(webhook_seconds, 3),
        "closed_by_server": closed_by_server, "all_closed_after_seconds": round(time.monotonic() - opened_at, 1),
    }))


if __name__ == "__main__":
    main()
