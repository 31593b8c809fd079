# technique: T1053.003
"""Persistence by writing a crontab straight into the cron spool (T1053.003).

Instead of /etc/cron.d or the `crontab` command, root implants sometimes
write /var/spool/cron/crontabs/<user> directly (what `crontab -` does under
the hood). To stay harmless the file name is NEW and unique (no such user),
written with os.open + os.fchmod(0o600), and removed in finally.

A good detector raises a high alert: a file is created in the cron spool.
"""
import os, uuid

spool = "/var/spool/cron/crontabs"
path = os.path.join(spool, "rc" + uuid.uuid4().hex[:8])
try:
    if os.path.isdir(spool):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, b"@reboot /bin/true # redteam test, removed\n*/5 * * * * /bin/true\n")
        os.fchmod(fd, 0o600); os.close(fd)
except OSError:
    pass
finally:
    try: os.unlink(path)
    except OSError: pass
