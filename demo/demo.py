"""A small admin-style script that shows what Vigil records.

Everything stays on this machine: the network traffic goes to a server the
script starts on 127.0.0.1, and the "payload" is a harmless print.
"""

import base64
import json
import os
import pickle
import socket
import subprocess
import sys
import tempfile
import threading


def write_config(directory):
    path = os.path.join(directory, "config.json")
    with open(path, "w") as config:
        json.dump({"service": "demo"}, config)
    return path


def talk_to_local_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve():
        connection, _ = server.accept()
        connection.sendall(b"hello from 127.0.0.1")
        connection.close()

    thread = threading.Thread(target=serve)
    thread.start()
    with socket.create_connection(server.getsockname()) as client:
        print("server said:", client.recv(64).decode())
    thread.join()
    server.close()


def main():
    directory = tempfile.mkdtemp(prefix="vigil-demo-")
    config = write_config(directory)
    print("kernel:", subprocess.run(["uname", "-sr"], capture_output=True, text=True).stdout.strip())
    talk_to_local_server()
    # Code that arrives as data, the shape of a download-and-execute attack.
    exec(base64.b64decode(base64.b64encode(b"print('dynamic code ran')")))
    pickle.loads(pickle.dumps({"a": 1}))
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    # sys.executable is vigil-python, so this child is audited too.
    subprocess.run([sys.executable, "-c", "import platform; print('child python', platform.python_version())"],
                   check=True)
    os.remove(config)
    os.rmdir(directory)


if __name__ == "__main__":
    main()
