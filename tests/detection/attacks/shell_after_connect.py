# technique: T1059.004
# expect: shell-after-connect
"""Command and Scripting Interpreter: Unix Shell (T1059.004): the usual
upgrade of a Python reverse shell to a terminal. The script connects
back, then `pty.spawn`s a shell, whose standard input here is not the
socket (it is /dev/null): only the order of the connection and the
terminal gives it away. The shell exits at once.

A good detector raises a high alert: a shell is spawned on a terminal
after a network connection (`shell-after-connect`)."""
import os, pty, socket

listener = socket.create_server(("127.0.0.1", 0))
connection = socket.create_connection(listener.getsockname())
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
pty.spawn(["/bin/sh", "-c", "exit 0"])
connection.close()
listener.close()
