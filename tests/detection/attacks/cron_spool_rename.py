# technique: T1053.003
"""Scheduled Task/Job: Cron (T1053.003), a user crontab planted in the
spool by os.rename, bypassing the `crontab` tool.

The `crontab` command is the usual way in (and is absent on many
containers); an attacker with root writes the spool directly. Builds
/var/spool/cron/crontabs (creating whatever part is missing), writes the
table to a temporary file in the same directory and os.rename()s it to a
unique user name. Everything this script created is removed in `finally`.

A good detector raises a high alert: a file is renamed into the cron spool
(/var/spool/cron/crontabs).
"""
import os
import uuid

spool = "/var/spool/cron/crontabs"
created = []
probe = spool
while not os.path.exists(probe):
    created.append(probe)
    probe = os.path.dirname(probe)
target = os.path.join(spool, f"svc{uuid.uuid4().hex[:8]}")
tmp = os.path.join(spool, f".tmp{uuid.uuid4().hex[:8]}")
try:
    os.makedirs(spool, mode=0o730, exist_ok=True)
    with open(tmp, "w") as f:
        f.write("@reboot /bin/true\n* * * * * /bin/true\n")
    os.rename(tmp, target)
except OSError as e:
    print("not permitted:", e)
finally:
    for p in (tmp, target):
        if os.path.exists(p):
            os.remove(p)
    for d in created:
        if os.path.isdir(d):
            os.rmdir(d)
