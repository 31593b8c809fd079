# technique: T1059.004 T1036.003
"""Unix shell under another name: a copy of /bin/sh renamed and run with os.spawnv (T1059.004, T1036.003).

The script copies the shell binary to a fresh directory under /tmp as
"kworker-helper" and starts it with os.spawnv(P_WAIT) and `-c`. A detector
that matches on the basename "sh"/"bash" sees only an unknown program in
/tmp; os.spawnv is itself a fork plus os.execv in the child.

A good detector raises a medium or higher alert: a program that is a copy
of a shell (same bytes, new name, world-writable location) starts with a
command.
"""
import os
import shutil
import tempfile

workdir = tempfile.mkdtemp(prefix="sys-", dir="/tmp")
try:
    renamed = os.path.join(workdir, "kworker-helper")
    shutil.copy2(os.path.realpath("/bin/sh"), renamed)
    os.chmod(renamed, 0o755)
    code = os.spawnv(os.P_WAIT, renamed, [renamed, "-c", "echo renamed shell ran; id -u"])
    print("renamed shell exited", code)
finally:
    shutil.rmtree(workdir, ignore_errors=True)
