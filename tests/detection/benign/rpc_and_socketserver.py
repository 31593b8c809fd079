# Local RPC and socket services: an XML-RPC server and client, a threaded
# TCP line server, a UDP server, and a Unix-domain socket server, each on
# loopback or in the scratch directory.
import os, socket, socketserver, threading, xmlrpc.client, xmlrpc.server

rpc = xmlrpc.server.SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True)
rpc.register_introspection_functions()
rpc.register_multicall_functions()
rpc.register_function(lambda a, b: a + b, "add")
rpc.register_function(lambda: {"load": os.getloadavg()[0]}, "status")
threading.Thread(target=rpc.serve_forever, daemon=True).start()
proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{rpc.server_address[1]}/", allow_none=True)
assert proxy.add(2, 3) == 5 and "load" in proxy.status() and "add" in proxy.system.listMethods()
multi = xmlrpc.client.MultiCall(proxy)
multi.add(1, 1)
multi.add(2, 2)
assert list(multi()) == [2, 4]
rpc.shutdown()


class Upper(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line.upper())


class Reverse(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data[::-1], self.client_address)


servers = [socketserver.ThreadingTCPServer(("127.0.0.1", 0), Upper),
           socketserver.ThreadingUDPServer(("127.0.0.1", 0), Reverse),
           socketserver.ThreadingUnixStreamServer(os.path.join(os.environ["BENIGN_WORKDIR"], "control.sock"), Upper)]
for server in servers:
    threading.Thread(target=server.serve_forever, daemon=True).start()
with socket.create_connection(servers[0].server_address, timeout=5) as tcp:
    tcp.sendall(b"hello\n")
    assert tcp.makefile("rb").readline() == b"HELLO\n"
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
    udp.settimeout(5)
    udp.sendto(b"abc", servers[1].server_address)
    assert udp.recvfrom(100)[0] == b"cba"
with socket.socket(socket.AF_UNIX) as unix:
    unix.settimeout(5)
    unix.connect(servers[2].server_address)
    unix.sendall(b"reload\n")
    assert unix.makefile("rb").readline() == b"RELOAD\n"
for server in servers:
    server.shutdown()
    server.server_close()
