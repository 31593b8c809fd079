# technique: T1046
"""Network Service Discovery (T1046) with asyncio: concurrent
open_connection() to 127.0.0.1 over ports 1-3000 (bounded by a
semaphore), with banner grabbing on the ports that answer.

Different from a sequential connect_ex loop: the attempts come from one
event loop, concurrently, through asyncio's non-blocking sockets. A
listener of its own sends a fake SSH banner, so one grab succeeds.

A good detector raises a medium alert: many connection attempts to many
ports of one host in a short time (a scan), whatever the API.
"""
import asyncio


async def banner_server(reader, writer):
    writer.write(b"SSH-2.0-OpenSSH_9.2p1\r\n")
    await writer.drain()
    writer.close()


async def probe(port, sem, found):
    async with sem:
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 0.3)
        except (OSError, asyncio.TimeoutError):
            return
        try:
            found[port] = await asyncio.wait_for(r.read(64), 0.3)
        except asyncio.TimeoutError:
            found[port] = b""
        w.close()


async def main():
    server = await asyncio.start_server(banner_server, "127.0.0.1", 0)
    own = server.sockets[0].getsockname()[1]
    sem = asyncio.Semaphore(200)
    found = {}
    await asyncio.gather(*(probe(p, sem, found) for p in list(range(1, 3001)) + [own]))
    server.close()
    await server.wait_closed()
    print({p: b[:30] for p, b in found.items()})


asyncio.run(asyncio.wait_for(main(), 8))
