# expect: vigil.own_log_opened
"""T1070 Indicator Removal: maps its own log into memory.

A shared writable mapping rewrites records in place; Vigil must alert with
severity high at the mmap (vigil.own_log_opened).
"""
import json
import mmap
import os

log = os.environ["VIGIL_LOG"]
fd = os.open(log, os.O_RDONLY)
mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
mapping.close()
os.close(fd)
with open(log, "rb") as readable:
    records = [json.loads(line) for line in readable]
assert any(r["kind"] == "alert" and r["rule"] == "vigil.own_log_opened" and r["severity"] == "high"
           and "maps" in r["message"] for r in records)
