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

    async def client_to_engine(reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def engine_to_client(reader, writer):
        nonlocal armed
        try:
            while data := await reader.read(65536):
                head_end = data.find(b"\r\n\r\n")
                if armed and data.startswith(b"HTTP/1.") and head_end >= 0 and len(data) > head_end + 4:
                    armed = False
                    writer.write(data[:head_end + 5])
                    await writer.drain()
                    print(json.dumps({"stalled_at": time.time(), "answer": data.split(b"\r\n", 1)[0].decode()}), flush=True)
                    await asyncio.sleep(args.stall_seconds)
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
        back = asyncio.ensure_future(engine_to_client(engine_reader, writer))
        forth = asyncio.ensure_future(client_to_engine(reader, engine_writer))
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
