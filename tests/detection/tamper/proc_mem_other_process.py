# expect: process-memory
"""T1055.009 Proc Memory: opens the memory of another process (its child).

The event comes before the open: whether the kernel allows it or not,
process-memory must fire.
"""
import os
import subprocess

child = subprocess.Popen(["sleep", "10"])
try:
    os.close(os.open(f"/proc/{child.pid}/mem", os.O_RDONLY))
except OSError:
    pass
finally:
    child.kill()
    child.wait()
