# technique: T1053.006 T1543.002
"""Scheduled task via a system-wide systemd timer (T1053.006).

As root, a unit pair is written in /etc/systemd/system with uniquely random
names (NEW files, harmless, removed in finally), in the way at/cron-less
persistence is done by modern Linux malware. Written through a temporary
file in the same directory and os.rename, and not enabled.

A good detector raises a high alert: a .timer/.service file is created in a
systemd unit directory.
"""
import os, tempfile, uuid

d = "/etc/systemd/system"
stem = "systemd-rc-" + uuid.uuid4().hex[:8]
made = []
try:
    for ext, body in ((".service", "[Service]\nType=oneshot\nExecStart=/bin/true\n"),
                      (".timer", "[Timer]\nOnCalendar=hourly\n[Install]\nWantedBy=timers.target\n")):
        fd, tmp = tempfile.mkstemp(dir=d)
        os.write(fd, body.encode()); os.close(fd)
        os.rename(tmp, os.path.join(d, stem + ext)); made.append(os.path.join(d, stem + ext))
except OSError:
    pass
finally:
    for p in made:
        try: os.unlink(p)
        except OSError: pass
