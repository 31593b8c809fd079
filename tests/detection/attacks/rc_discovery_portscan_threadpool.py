# technique: T1046
"""Network service discovery with a threaded connect scan (T1046).

Python scanners in post-exploitation kits: concurrent.futures.ThreadPoolExecutor
running socket.connect_ex with short timeouts over a port range of a target
(loopback, ports 1-1024 plus a few common high ports), banner-grabbing open
ones. One port is opened by the script itself so something answers.

A good detector raises a medium or higher alert: one process attempts
connections to many ports of a host in a short time.
"""
import concurrent.futures, socket

lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(8)
ports = list(range(1, 1025)) + [3306, 5432, 6379, 8080, 9200, 27017, lsn.getsockname()[1]]

def probe(p):
    s = socket.socket(); s.settimeout(0.2)
    try:
        if s.connect_ex(("127.0.0.1", p)) == 0:
            return p
    finally:
        s.close()

with concurrent.futures.ThreadPoolExecutor(32) as ex:
    open_ports = [p for p in ex.map(probe, ports) if p]
