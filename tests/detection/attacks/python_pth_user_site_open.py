# technique: T1546.018
"""Event Triggered Execution: Python Startup Hooks (T1546.018; T1546 in
older ATT&CK), a .pth file with an `import` line in the user site.

Computes the user site directory with site.getusersitepackages() (under
HOME), and writes `zz_telemetry.pth` whose line starts with `import `, so
every later python3 of this user executes it at start-up (it runs
`import os` and a harmless expression here). Plain open("w").

A good detector raises a high alert: a program writes a .pth file that
holds code into a site-packages directory.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import site

user_site = site.getusersitepackages()
os.makedirs(user_site, exist_ok=True)
with open(os.path.join(user_site, "zz_telemetry.pth"), "w") as f:
    f.write("import os; os.environ.get('TELEMETRY_ID')\n")
