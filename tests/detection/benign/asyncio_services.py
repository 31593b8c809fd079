# asyncio as services use it: an HTTP-ish server and clients on streams, a
# TaskGroup, timeouts, a subprocess with pipes, work sent to threads, a UDP
# endpoint, and signals handled by the loop.
import asyncio, os, signal


async def handle(reader, writer):
    request = await reader.readuntil(b"\r\n\r\n")
    path = request.split()[1].decode()
    body = f"you asked for {path}".encode()
    writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def get(port, path):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.0\r\n\r\n".encode())
    response = await reader.read()
    writer.close()
    return response.split(b"\r\n\r\n", 1)[1].decode()


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, address):
        self.transport.sendto(data[::-1], address)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(get(port, f"/item/{n}")) for n in range(10)]
    assert [task.result() for task in tasks][3] == "you asked for /item/3"
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.05)
    except TimeoutError:
        pass
    process = await asyncio.create_subprocess_exec("sort", "-r", stdin=asyncio.subprocess.PIPE,
                                                   stdout=asyncio.subprocess.PIPE)
    output, _ = await process.communicate(b"a\nc\nb\n")
    assert output == b"c\nb\na\n" and process.returncode == 0
    shell = await asyncio.create_subprocess_shell("echo $((6 * 7))", stdout=asyncio.subprocess.PIPE)
    assert (await shell.communicate())[0] == b"42\n"
    assert await asyncio.to_thread(sum, range(10)) == 45
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    answer = loop.create_future()

    class Client(asyncio.DatagramProtocol):
        def datagram_received(self, data, address):
            answer.set_result(data)

    client, _ = await loop.create_datagram_endpoint(Client, remote_addr=transport.get_extra_info("sockname"))
    client.sendto(b"abc")
    assert await asyncio.wait_for(answer, 5) == b"cba"
    client.close()
    transport.close()
    reloaded = asyncio.Event()
    loop.add_signal_handler(signal.SIGHUP, reloaded.set)
    os.kill(os.getpid(), signal.SIGHUP)
    await asyncio.wait_for(reloaded.wait(), 5)
    loop.remove_signal_handler(signal.SIGHUP)
    server.close()
    await server.wait_closed()


asyncio.run(main())
