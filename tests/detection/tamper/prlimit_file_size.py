# expect: vigil.log_interference
"""T1562.001: have a helper process lower this process's RLIMIT_FSIZE with
prlimit(1), which raises no audit event in this process, then let Vigil
write. Vigil finds the limit when its write fails with EFBIG, lifts it for
its own writes, keeps SIGXFSZ from killing the process, and raises
vigil.log_interference."""
import os
import signal
import subprocess
import sys

signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
subprocess.run(["prlimit", "--pid", str(os.getpid()), "--fsize=1:"], check=True)
for i in range(10):
    sys.audit("tamper.after", i)
