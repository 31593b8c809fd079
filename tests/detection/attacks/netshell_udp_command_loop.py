# technique: T1059.004 T1095
"""Command shell over UDP datagrams: each datagram is a command, each reply the output (T1059.004, T1095).

No stream socket, no shell wired to a descriptor: the script receives
datagrams on a UDP socket bound to 127.0.0.1, runs each through
subprocess.getoutput (a shell), and sends the output back with sendto.
Our own "operator" thread sends two commands and then "quit". A
connection-oriented detector (connect, then shell on the socket) sees
nothing of this shape.

A good detector raises a high alert: data received from the network is
passed as command text to a shell.
"""
import socket
import subprocess
import threading

agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
agent.bind(("127.0.0.1", 0))
agent.settimeout(5)
agent_address = agent.getsockname()
replies = []


def operator():
    op = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    op.settimeout(5)
    for command in (b"id -u", b"uname -s", b"quit"):
        op.sendto(command, agent_address)
        if command != b"quit":
            try:
                replies.append(op.recvfrom(4096)[0])
            except OSError:
                break
    op.close()


thread = threading.Thread(target=operator, daemon=True)
thread.start()
while True:
    try:
        data, peer = agent.recvfrom(4096)
    except OSError:
        break
    if data == b"quit":
        break
    agent.sendto(subprocess.getoutput(data.decode()).encode(), peer)
thread.join(5)
agent.close()
print("operator got", replies)
