# technique: T1059.006 T1059.004
"""Python reached through a shell: os.spawnlp("bash", "-c", "python3 -c …") (T1059.006, T1059.004).

os.spawnlp searches PATH for bash, which runs a command line that starts
python3.X (the running version) from PATH (a plain interpreter, not the audited one) with inline code
that is itself base64-encoded. The code ends up running in a Python that
records nothing.

A good detector raises a medium or higher alert: a shell launched from
Python starts another Python interpreter with inline code.
"""
import base64
import os
import sys

inner = base64.b64encode(b"import platform; print('inner python', platform.python_version())").decode()
version = f"{sys.version_info[0]}.{sys.version_info[1]}"
command = "python%s -c \"import base64;exec(base64.b64decode('%s'))\"" % (version, inner)
code = os.spawnlp(os.P_WAIT, "bash", "bash", "-c", command)
print("bash exited", code)
