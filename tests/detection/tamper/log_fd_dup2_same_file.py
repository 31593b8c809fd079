# expect: vigil.log_interference
"""T1070, T1562.001: open the log file again without O_APPEND and dup2 it
onto the log's descriptor number. The file is the same (same device and
inode), so an identity check alone passes it, and the next record would be
written at offset 0. Vigil compares the descriptor's flags too, moves to a
description of its own and raises vigil.log_interference; the number is
left to the program."""
import json
import os
import sys


def log_descriptor(log):
    """The descriptor Vigil writes the log through: the one open on the log file."""
    own = os.stat(log)
    for number in os.listdir("/proc/self/fd"):
        try:
            status = os.stat("/proc/self/fd/" + number)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) == (own.st_dev, own.st_ino):
            return int(number)
    raise SystemExit("the log descriptor was not found")


log = os.environ["VIGIL_LOG"]
fd = log_descriptor(log)
os.dup2(os.open(log, os.O_WRONLY), fd)
sys.audit("tamper.after", "x" * 64)
with open(log, "rb") as records:
    assert json.loads(records.readline())["kind"] == "start", "the log was overwritten from offset 0"
