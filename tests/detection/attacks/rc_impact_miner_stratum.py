# technique: T1496 T1071.001
# gap: CPU use and the messages a socket sends raise no audit event: only a connection to a loopback port is seen
"""Resource hijacking: a CPU miner talking Stratum to a pool (T1496).

Cryptojacking packages ship a Python miner or launcher: it connects to a
pool, sends JSON-RPC mining.subscribe / mining.authorize with a wallet
address, receives a job and grinds hashes in worker processes. Here a
loopback "pool" hands out a job and the miner hashes with hashlib.sha256 in
a multiprocessing pool for ~2 s, then submits a share.

A good detector raises a medium or higher alert: a Stratum/mining protocol
exchange, or sustained hashing combined with a pool connection.
"""
import hashlib, json, multiprocessing, socket, threading, time

def pool_srv(lsn):
    try:
        c, _ = lsn.accept(); c.settimeout(4); f = c.makefile("rb")
        for line in f:
            m = json.loads(line)
            if m["method"] == "mining.subscribe":
                c.sendall(b'{"id":1,"result":[[["mining.notify","ae6812eb"]],"08000002",4],"error":null}\n')
            elif m["method"] == "mining.authorize":
                c.sendall(b'{"id":2,"result":true,"error":null}\n'
                          b'{"id":null,"method":"mining.notify","params":["job1","00"*32,"","",[],"20000000","1d00ffff","5f5e1000",true]}\n')
            elif m["method"] == "mining.submit":
                c.sendall(b'{"id":4,"result":true,"error":null}\n'); break
    except Exception: pass

def grind(seed):
    end = time.time() + 2; n = 0; h = b""
    while time.time() < end:
        h = hashlib.sha256(hashlib.sha256(seed + n.to_bytes(8, "little")).digest()).digest(); n += 1
    return n

if __name__ == "__main__":
    lsn = socket.socket(); lsn.bind(("127.0.0.1", 0)); lsn.listen(1)
    threading.Thread(target=pool_srv, args=(lsn,), daemon=True).start()
    s = socket.create_connection(lsn.getsockname(), timeout=5); f = s.makefile("rb")
    def rpc(i, method, params):
        s.sendall(json.dumps({"id": i, "method": method, "params": params}).encode() + b"\n")
    rpc(1, "mining.subscribe", ["cpuminer/2.5.1"]); f.readline()
    rpc(2, "mining.authorize", ["44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A.w1", "x"])
    f.readline(); f.readline()
    with multiprocessing.Pool(2) as p:
        total = sum(p.map(grind, [b"a", b"b"]))
    rpc(4, "mining.submit", ["w1", "job1", "00000000", "5f5e1000", "%08x" % total]); f.readline()
    s.close()
