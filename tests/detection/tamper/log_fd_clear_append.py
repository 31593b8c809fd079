# expect: vigil.log_interference
"""T1070 (Indicator Removal), T1562.001: clear O_APPEND on the log's own
descriptor with fcntl, seek to offset 0 and let Vigil write the next record,
which would land over the start record. Vigil notices the changed flags
before that record, writes it through a new description of its own (the
start record stays), and raises vigil.log_interference."""
import fcntl
import json
import os
import sys

from _internals import log_descriptor


log = os.environ["VIGIL_LOG"]
fd = log_descriptor(log)
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_APPEND)
os.lseek(fd, 0, os.SEEK_SET)
sys.audit("tamper.after", "x" * 64)
with open(log, "rb") as records:
    assert json.loads(records.readline())["kind"] == "start", "the log was overwritten from offset 0"
