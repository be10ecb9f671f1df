#!/usr/bin/env python3
"""A unix-socket relay between failoverd and the cloud host's dockerd for the lab's docker-stall
scenario.

It passes every byte through until SIGUSR1; then the next answer dockerd starts (a chunk that
begins with "HTTP/1.") is let through up to its head and the body's first byte, and that
connection is held, silent, for --stall-seconds before it is closed: a dockerd that answers and
then stops mid-body. Each stall's start is printed as a JSON line. No network: unix sockets only.

    stall_proxy.py --listen SOCKET --upstream SOCKET [--stall-seconds 30]
"""
import argparse
import asyncio
import json
import os
import signal
import time


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--stall-seconds", type=float, default=30)
    args = parser.parse_args()
    armed = False

    def arm():
        nonlocal armed
        armed = True

    async def stall_here(data, writer):
        """Whether this chunk is the armed answer: then its head and one body byte go out and
        the connection falls silent."""
        nonlocal armed
        head_end = data.find(b"\r\n\r\n")
        if not (armed and data.startswith(b"HTTP/1.") and head_end >= 0 and len(data) > head_end + 4):
            return False
        armed = False
        writer.write(data[:head_end + 5])
        await writer.drain()
        print(json.dumps({"stalled_at": time.time(), "answer": data.split(b"\r\n", 1)[0].decode()}), flush=True)
        await asyncio.sleep(args.stall_seconds)
        return True

    async def pump(reader, writer, from_engine):
        try:
            while data := await reader.read(65536):
                if from_engine and await stall_here(data, writer):
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def relay(reader, writer):
        try:
            engine_reader, engine_writer = await asyncio.open_unix_connection(args.upstream)
        except OSError:
            writer.close()
            return
        back = asyncio.ensure_future(pump(engine_reader, writer, from_engine=True))
        forth = asyncio.ensure_future(pump(reader, engine_writer, from_engine=False))
        await asyncio.wait({back, forth}, return_when=asyncio.FIRST_COMPLETED)
        for task in (back, forth):
            task.cancel()
        writer.close()
        engine_writer.close()

    if os.path.exists(args.listen):
        os.unlink(args.listen)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, arm)
    server = await asyncio.start_unix_server(relay, path=args.listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
