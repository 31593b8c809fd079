# technique: T1018 T1046 T1016
"""Remote system discovery by a UDP sweep of the local subnet (T1018, T1016).

Worms enumerate neighbours from /proc/net/arp and /proc/net/fib_trie, then
"ping" hosts without ICMP privileges by sending UDP datagrams to closed
ports and watching for ECONNREFUSED on connected UDP sockets. Confined to
the loopback block 127.0.0.0/24 here (every host address, ports 7 and 137).

A good detector raises a medium or higher alert: one process sends to many
distinct hosts in a short time after reading network neighbour tables.
"""
import socket

for p in ("/proc/net/arp", "/proc/net/fib_trie", "/proc/net/tcp"):
    try: open(p).read()
    except OSError: pass
alive = []
for host in range(1, 255):
    addr = f"127.0.0.{host}"
    for port in (7, 137):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.01)
        try:
            s.connect((addr, port)); s.send(b"\0")
            s.recv(1)
        except ConnectionRefusedError:
            alive.append(addr)
        except OSError:
            pass
        finally:
            s.close()
