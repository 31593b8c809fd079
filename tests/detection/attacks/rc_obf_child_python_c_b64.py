# technique: T1059.006 T1027 T1140 T1059.004
"""Python child process running a base64 payload from the command line (T1059.006, T1027, T1140).

The `python -c "import base64;exec(base64.b64decode('...'))"` dropper pattern
from malicious packages' post-install hooks, started through os.posix_spawn
(not subprocess) with the interpreter path taken from sys.executable. The
decoded payload reads /etc/passwd and spawns `id`.

A good detector raises a high alert: a child interpreter decodes and executes
an encoded payload passed on its command line.
"""
import base64, os, sys

inner = "import subprocess;open('/etc/passwd').read();subprocess.run(['id'],stdout=subprocess.DEVNULL)"
cmd = "import base64;exec(base64.b64decode('%s'))" % base64.b64encode(inner.encode()).decode()
try:
    pid = os.posix_spawn(sys.executable, [sys.executable, "-c", cmd], dict(os.environ))
    os.waitpid(pid, 0)
except Exception:
    pass
