# technique: T1053.003
"""Scheduled Task/Job: Cron (T1053.003), a new file in /etc/cron.d written
with open().

Writes /etc/cron.d/<unique> containing a root entry that would run every
five minutes. The content runs /bin/true and the file is removed in
`finally` (cron re-reads the directory only on its next minute tick).

A good detector raises a high alert: a program creates a file in
/etc/cron.d.
"""
import os
import uuid

path = f"/etc/cron.d/sysstat-{uuid.uuid4().hex[:10]}"
try:
    with open(path, "w") as f:
        f.write("SHELL=/bin/sh\n*/5 * * * * root /bin/true # sa1 1 1\n")
    os.chmod(path, 0o644)
except OSError as e:
    print("not permitted:", e)
finally:
    if os.path.exists(path):
        os.remove(path)
