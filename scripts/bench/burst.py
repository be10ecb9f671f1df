"""Sends N copies of one webhook at once, each on its own connection opened before any is sent,
and prints how the replies' status codes were spread: {"200": N}. Loopback only.

Usage: python3 burst.py URL BODY_FILE TOKEN N
"""

import asyncio
import collections
import json
import sys
import urllib.parse


async def main(url, body, token, count):
    target = urllib.parse.urlsplit(url)
    if target.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"refusing non-loopback target {target.hostname}")
    request = (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.netloc}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    connections = await asyncio.gather(*(asyncio.open_connection(target.hostname, target.port) for _ in range(count)))
    gate = asyncio.Event()

    async def send(reader, writer):
        await gate.wait()
        writer.write(request)
        await writer.drain()
        status = (await reader.readline()).split()[1].decode()
        writer.close()
        return status

    sending = [asyncio.create_task(send(reader, writer)) for reader, writer in connections]
    gate.set()
    print(json.dumps(collections.Counter(await asyncio.gather(*sending))))


url, body_file, token, count = sys.argv[1:5]
asyncio.run(main(url, open(body_file, "rb").read(), token, int(count)))
