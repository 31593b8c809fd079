# expect: shell-after-connect
# The usual upgrade of a Python reverse shell to a terminal: connect back,
# then pty.spawn a shell. The shell here exits at once.
import os, pty, socket

listener = socket.create_server(("127.0.0.1", 0))
connection = socket.create_connection(listener.getsockname())
null = os.open(os.devnull, os.O_RDONLY)
os.dup2(null, 0)
pty.spawn(["/bin/sh", "-c", "exit 0"])
connection.close()
listener.close()
