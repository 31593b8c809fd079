# expect: resource-limits vigil.log_interference
"""T1562.001: lower the soft RLIMIT_NOFILE to 3 and close every descriptor
above standard error, so that the log is closed and cannot be opened again
(EMFILE). Vigil reopens the log past the soft limit (raised for that one
open and restored), writes the record and raises vigil.log_interference.
Lowering the hard limit as well, without CAP_SYS_RESOURCE, leaves no way to
open a file: then only the gap (the policy's resource-limits alert is the
last record, and heartbeats stop) shows it."""
import os
import resource
import sys

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (3, hard))
os.closerange(3, 1 << 16)
sys.audit("tamper.after")
