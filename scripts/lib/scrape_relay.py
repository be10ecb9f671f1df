#!/usr/bin/env python3
"""A TCP relay between Prometheus and on-prem for the lab's partition and lost-scrapes scenarios.

On SIGUSR1 it cuts every open connection and refuses new ones for --drop-seconds, so
Prometheus' scrapes fail while on-prem itself, and HAProxy's health checks of it, stay fine:
the lost scrapes of a flaky monitoring path. It listens on loopback, or with --listen-host on the
address of the lab's on-prem namespace too (failoverd's probe comes from across the lab's WAN).

    scrape_relay.py --listen-port P --upstream-port Q [--drop-seconds 1.5] [--listen-host 0.0.0.0]
"""
import argparse
import asyncio
import signal
import time


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--drop-seconds", type=float, default=1.5)
    parser.add_argument("--listen-host", default="127.0.0.1")
    args = parser.parse_args()
    dropping_until = 0.0
    open_writers = set()

    def drop():
        nonlocal dropping_until
        dropping_until = time.monotonic() + args.drop_seconds
        for writer in list(open_writers):  # Prometheus keeps its scrape connection alive
            writer.transport.abort()

    async def relay(reader, writer):
        if time.monotonic() < dropping_until:
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", args.upstream_port)
        except OSError:
            writer.close()
            return
        open_writers.update((writer, upstream_writer))
        try:
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer), return_exceptions=True)
        finally:
            open_writers.difference_update((writer, upstream_writer))

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, drop)
    server = await asyncio.start_server(relay, args.listen_host, args.listen_port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
