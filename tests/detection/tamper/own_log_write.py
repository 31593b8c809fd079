# expect: vigil.own_log_opened
"""T1070 Indicator Removal: opens its own log for writing, by another spelling.

The log is opened read-write through its bare name under a dir_fd of its
directory. Vigil compares device and inode with the log it writes and must
alert with severity high (vigil.own_log_opened).
"""
import json
import os

log = os.environ["VIGIL_LOG"]
directory = os.open(os.path.dirname(os.path.abspath(log)), os.O_RDONLY)
os.close(os.open(os.path.basename(log), os.O_RDWR, dir_fd=directory))
os.close(directory)
with open(log, "rb") as readable:
    records = [json.loads(line) for line in readable]
alerts = [r for r in records if r["kind"] == "alert" and r["rule"] == "vigil.own_log_opened"]
assert alerts and alerts[0]["severity"] == "high", alerts
