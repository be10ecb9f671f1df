#!/usr/bin/env python3
"""Prints a TCP port on 127.0.0.1 that nothing listens on now and that LEDGER does not list, and
adds it there: a script's ports are all different even when the kernel would hand the same free
port out twice (see free_port in scripts/tests/lib.sh). Ledgers of processes that have ended are
removed on the way.

    free_port.py LEDGER     (LEDGER is /tmp/free-ports.<pid>)
"""
import glob
import os
import socket
import sys

ledger = sys.argv[1]
for other in glob.glob("/tmp/free-ports.*"):
    if not os.path.exists("/proc/" + other.rsplit(".", 1)[1]):
        try:
            os.remove(other)
        except FileNotFoundError:
            pass
given = set(open(ledger).read().split()) if os.path.exists(ledger) else set()
while True:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = str(s.getsockname()[1])
    s.close()
    if port not in given:
        break
with open(ledger, "a") as out:
    out.write(port + "\n")
print(port)
