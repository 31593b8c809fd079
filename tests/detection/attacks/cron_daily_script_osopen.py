# technique: T1053.003
"""Scheduled Task/Job: Cron (T1053.003): an executable dropped into
/etc/cron.daily (run-parts runs every executable there once a day), with
os.open(..., O_CREAT|O_EXCL, 0o755) so it is executable from birth.

No crontab line is written and no chmod follows: the mode is an argument
of the creating open only. The name imitates a package's job
(`apt-compat-<unique>`). The directory is made if absent (and then
removed); the file is removed in `finally`.

A good detector raises a high alert: an executable file is created in
/etc/cron.daily (or any cron.* directory).
"""
import os
import uuid

daily = "/etc/cron.daily"
made_dir = not os.path.isdir(daily)
path = os.path.join(daily, f"apt-compat-{uuid.uuid4().hex[:8]}")
try:
    os.makedirs(daily, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o755)
    os.write(fd, b"#!/bin/sh\n/bin/true\n")
    os.close(fd)
except OSError as e:
    print("not permitted:", e)
finally:
    if os.path.exists(path):
        os.remove(path)
    if made_dir and os.path.isdir(daily):
        os.rmdir(daily)
