# technique: T1059.004 T1106
"""The Python process replaces itself with a shell: os.execvp without fork (T1059.004, T1106).

A common last step of a loader: the Python program stops being Python,
exec'ing `sh -c` in its own process (same pid), so no child process and no
stop record appear. The shell then does the work and exits 0.

A good detector raises a medium or higher alert: the audited process
execs into a shell with an inline command (the record ends without a stop).
"""
import os
import sys

sys.stdout.flush()
os.execvp("sh", ["sh", "-c", "echo python became a shell; exit 0"])
