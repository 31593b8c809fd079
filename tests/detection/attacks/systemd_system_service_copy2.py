# technique: T1543.002
"""Create or Modify System Process: Systemd Service (T1543.002), spelled
as tempfile + shutil.copy2 into /etc/systemd/system.

Writes a unit to a NamedTemporaryFile in /tmp, then shutil.copy2()s it to
/etc/systemd/system/<unique>.service, and a wants/ symlink in
multi-user.target.wants as `systemctl enable` would. Both are new, unique
names and are removed in `finally` (no daemon-reload, nothing starts).

A good detector raises a high alert: a program creates a systemd unit in
/etc/systemd/system.
"""
import os
import shutil
import tempfile
import uuid

UNIT = """[Unit]
Description=Network time helper

[Service]
ExecStart=/bin/true
Restart=always

[Install]
WantedBy=multi-user.target
"""
name = f"ntp-helper-{uuid.uuid4().hex[:10]}.service"
dest = os.path.join("/etc/systemd/system", name)
wants = os.path.join("/etc/systemd/system/multi-user.target.wants", name)
tmp = tempfile.NamedTemporaryFile("w", suffix=".service", delete=False)
try:
    tmp.write(UNIT)
    tmp.close()
    try:
        shutil.copy2(tmp.name, dest)
        if os.path.isdir(os.path.dirname(wants)):
            os.symlink(dest, wants)
    except OSError as e:
        print("not permitted:", e)
finally:
    for p in (wants, dest, tmp.name):
        if os.path.lexists(p):
            os.remove(p)
