# technique: T1546.018
"""Event Triggered Execution: Python Startup Hooks (T1546.018),
usercustomize.py copied into the user site with shutil.copyfile, then
triggered.

The hook module is written to /tmp under an ordinary name and
shutil.copyfile()d to <user site>/usercustomize.py; a child interpreter is
then started (with HOME pointing to the same place) so the hook really
runs: it writes a marker file, which the script checks and removes.

A good detector raises a high alert: a program places usercustomize.py in
a site directory (and the child runs it at start-up).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import site
import subprocess
import sys
import tempfile

user_site = site.getusersitepackages()
os.makedirs(user_site, exist_ok=True)
marker = os.path.join(tempfile.gettempdir(), f"uc-marker-{os.getpid()}")
with tempfile.TemporaryDirectory() as work:
    src = os.path.join(work, "helpers.py")
    with open(src, "w") as f:
        f.write(f"open({marker!r}, 'w').close()\n")
    shutil.copyfile(src, os.path.join(user_site, "usercustomize.py"))
subprocess.run([sys.executable, "-c", "pass"], timeout=8)
print("hook ran:", os.path.exists(marker))
if os.path.exists(marker):
    os.remove(marker)
