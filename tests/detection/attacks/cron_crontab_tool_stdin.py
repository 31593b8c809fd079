# technique: T1053.003
"""Scheduled Task/Job: Cron (T1053.003) through the `crontab` tool when it
exists (the table arrives on the tool's stdin, which no audit event
carries), else an executable dropped into /etc/cron.daily with
os.open(..., 0o755) (cron_daily_script_osopen.py does only that).

With `crontab` present: `crontab -l` is saved, a line is added with
`crontab -` (stdin), and the saved table is restored (or removed if there
was none) before exit. Without it: a new, unique executable
/etc/cron.daily/<name> is created with os.open + os.write (mode bits given
at creation, so no chmod event follows), then removed. The directory is
made and removed if absent.

A good detector raises a high alert: the crontab tool is run with a new
table on stdin, or an executable file appears in /etc/cron.daily.
"""
import os
import shutil
import subprocess
import uuid

if shutil.which("crontab"):
    old = subprocess.run(["crontab", "-l"], capture_output=True, text=True, timeout=5)
    had = old.returncode == 0
    table = (old.stdout if had else "") + "@hourly /bin/true # logrotate-helper\n"
    try:
        subprocess.run(["crontab", "-"], input=table, text=True, timeout=5)
    finally:
        if had:
            subprocess.run(["crontab", "-"], input=old.stdout, text=True, timeout=5)
        else:
            subprocess.run(["crontab", "-r"], timeout=5, stderr=subprocess.DEVNULL)
else:
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
