# technique: T1546.018 T1546
"""Persistence with usercustomize.py (T1546.018).

Python imports `usercustomize` from the user site directory at every start-up
(and `sitecustomize` from site-packages). A RAT drops a usercustomize.py that
starts a beacon thread. Here it is written via pathlib under
~/.local/lib/python3.X/site-packages computed from sys.version_info, and a
child interpreter is started once to show the hook runs (with -s unset).

A good detector raises a high alert: usercustomize/sitecustomize is written
into a site-packages directory.
"""
import pathlib, subprocess, sys

d = pathlib.Path.home() / ".local" / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
d.mkdir(parents=True, exist_ok=True)
(d / ("user" + "customize.py")).write_text(
    "import threading, os\n"
    "def _b():\n    os.environ.get('HOME')\n"
    "threading.Thread(target=_b, daemon=True).start()\n")
try:
    subprocess.run([sys.executable, "-c", "pass"], timeout=5)
except Exception:
    pass
