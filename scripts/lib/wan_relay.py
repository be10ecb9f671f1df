#!/usr/bin/env python3
"""The lab's WAN: moves IP packets between two TUN devices, one per site, after a delay, so the
two sites' network namespaces talk as across a wide-area link (this kernel has no netem).

It creates both TUN devices (TUN, no packet info) in its own namespace and prints "ready"; the
caller moves each into its site's namespace (the open device goes with it) and gives it an
address. Every packet read from one is written to the other once its one-way delay has passed:
half the round trip, plus or minus half the jitter (uniform), so a round trip lies within
rtt_ms ± jitter_ms. Packets leave in the order they came (a link queue: jitter bunches them, it
does not reorder them). loss_percent drops that share of packets at random, each direction on
its own; partition drops every packet one way ("to-cloud", "to-onprem") or both ("both").

The settings are a JSON file ({"rtt_ms", "jitter_ms", "loss_percent", "partition"}), read at
start and again on SIGHUP, so a scenario changes the WAN while it runs. Each setting applied, and
the packet counts per direction when it stops (SIGTERM) or on SIGUSR1, is a JSON line in
--events, stamped with the wall clock, for the report and the timeline.

    wan_relay.py --onprem-tun NAME --cloud-tun NAME --settings FILE --events FILE [--seed N]
"""
import argparse
import collections
import fcntl
import json
import os
import random
import select
import signal
import struct
import time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
# Beyond this many packets waiting one way, new ones are dropped: a full link queue.
QUEUE_LIMIT = 20000
PARTITIONS = {"none": (), "both": ("to-cloud", "to-onprem"), "to-cloud": ("to-cloud",), "to-onprem": ("to-onprem",)}


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def read_settings(path):
    """The settings file, checked: a typo must fail loudly, not leave a WAN the run did not ask for."""
    with open(path) as file:
        settings = json.load(file)
    allowed = {"rtt_ms", "jitter_ms", "loss_percent", "partition"}
    unknown = set(settings) - allowed
    if unknown:
        raise ValueError(f"unknown WAN settings {sorted(unknown)}; known: {sorted(allowed)}")
    settings = {"rtt_ms": 0.0, "jitter_ms": 0.0, "loss_percent": 0.0, "partition": "none"} | settings
    if settings["partition"] not in PARTITIONS:
        raise ValueError(f"partition must be one of {sorted(PARTITIONS)}, not {settings['partition']!r}")
    if not (0 <= settings["jitter_ms"] <= settings["rtt_ms"] and 0 <= settings["loss_percent"] <= 100):
        raise ValueError("need 0 <= jitter_ms <= rtt_ms and 0 <= loss_percent <= 100")
    return settings


class Direction:
    """One way across the WAN: its queue of (due time, packet) and its counts."""

    def __init__(self, name, source, sink):
        self.name, self.source, self.sink = name, source, sink
        self.queue = collections.deque()
        self.last_due = 0.0
        self.counts = {"forwarded": 0, "lost": 0, "partitioned": 0, "queue_full": 0}

    def take(self, packet, settings, rng, now):
        if self.name in PARTITIONS[settings["partition"]]:
            self.counts["partitioned"] += 1
        elif rng.random() * 100 < settings["loss_percent"]:
            self.counts["lost"] += 1
        elif len(self.queue) >= QUEUE_LIMIT:
            self.counts["queue_full"] += 1
        else:
            one_way = (settings["rtt_ms"] + rng.uniform(-1, 1) * settings["jitter_ms"]) / 2000
            self.last_due = max(now + one_way, self.last_due)
            self.queue.append((self.last_due, packet))

    def deliver(self, now):
        while self.queue and self.queue[0][0] <= now:
            _, packet = self.queue.popleft()
            try:
                os.write(self.sink, packet)
                self.counts["forwarded"] += 1
            except OSError:  # the far device is down or gone: the packet is lost, as on a wire
                self.counts["lost"] += 1

    def next_due(self):
        return self.queue[0][0] if self.queue else None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--onprem-tun", required=True)
    parser.add_argument("--cloud-tun", required=True)
    parser.add_argument("--settings", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    settings = read_settings(args.settings)
    onprem, cloud = open_tun(args.onprem_tun), open_tun(args.cloud_tun)
    directions = {onprem: Direction("to-cloud", onprem, cloud), cloud: Direction("to-onprem", cloud, onprem)}
    events = open(args.events, "a", buffering=1)

    def record(kind, value):
        events.write(json.dumps({"time": round(time.time(), 3), kind: value}) + "\n")

    def counts():
        return {d.name: dict(d.counts) for d in directions.values()}

    pending = []  # signals to act on in the loop, not inside the handler
    for signum in (signal.SIGHUP, signal.SIGUSR1, signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda signum, _: pending.append(signum))
    # A signal wakes the loop at once (through this pipe), so a partition starts when it is asked for.
    wakeup, wakeup_writer = os.pipe()
    os.set_blocking(wakeup, False)
    os.set_blocking(wakeup_writer, False)
    signal.set_wakeup_fd(wakeup_writer)
    record("settings", settings)
    print("ready", flush=True)
    while True:
        while pending:
            signum = pending.pop(0)
            if signum == signal.SIGHUP:
                try:
                    settings = read_settings(args.settings)
                    record("settings", settings)
                except (OSError, ValueError) as error:
                    record("settings_rejected", str(error))
            elif signum == signal.SIGUSR1:
                record("counts", counts())
            else:
                record("counts", counts())
                return
        now = time.monotonic()
        dues = [due for due in (d.next_due() for d in directions.values()) if due is not None]
        timeout = max(0.0, min(dues) - now) if dues else 1.0
        try:
            readable, _, _ = select.select([wakeup, *directions], [], [], timeout)
        except InterruptedError:
            continue
        if wakeup in readable:
            os.read(wakeup, 512)
            readable.remove(wakeup)
        now = time.monotonic()
        for fd in readable:
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                directions[fd].take(packet, settings, rng, now)
        for direction in directions.values():
            direction.deliver(time.monotonic())


if __name__ == "__main__":
    main()
