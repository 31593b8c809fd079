# technique: T1046
"""Network Service Discovery (T1046): a TCP connect scan of 127.0.0.1
ports 1-1024 plus a few well-known high ports, with socket.connect_ex and
short timeouts.

Opens one listener of its own (so at least one port answers), then tries
every port in turn; prints the open ones. On loopback a refused port
answers at once, so the ~1,040 attempts take well under a second.

A good detector raises a medium alert: one process makes hundreds of
connection attempts to many ports of one host in a short time.
"""
import socket

mine = socket.socket()
mine.bind(("127.0.0.1", 0))
mine.listen(8)
ports = list(range(1, 1025)) + [1433, 3306, 5432, 6379, 8080, 9200, 27017, mine.getsockname()[1]]
open_ports = []
for port in ports:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(0.05)
    if s.connect_ex(("127.0.0.1", port)) == 0:
        open_ports.append(port)
    s.close()
mine.close()
print("open:", open_ports)
