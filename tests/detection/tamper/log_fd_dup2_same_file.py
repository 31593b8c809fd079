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

from _internals import log_descriptor


log = os.environ["VIGIL_LOG"]
fd = log_descriptor(log)
os.dup2(os.open(log, os.O_WRONLY), fd)
sys.audit("tamper.after", "x" * 64)
with open(log, "rb") as records:
    assert json.loads(records.readline())["kind"] == "start", "the log was overwritten from offset 0"
