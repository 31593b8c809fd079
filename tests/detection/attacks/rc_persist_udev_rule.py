# technique: T1546.017
"""Persistence with a udev rule (T1546.017).

Root implants add a rule to /etc/udev/rules.d whose RUN+= runs the payload
whenever a device event fires (documented in Linux malware such as
"sedexp"). The first rules directory that exists among /etc/udev/rules.d,
/run/udev/rules.d and /usr/lib/udev/rules.d is used. The rule is NEW, uniquely named, harmless and removed in finally;
written with os.open(O_CREAT|O_EXCL). Without permission the script exits.

A good detector raises a high alert: a file is created in a udev rules
directory.
"""
import os, uuid

dirs = [d for d in ("/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d")
        if os.path.isdir(d)]
path = os.path.join(dirs[0] if dirs else "/etc/udev/rules.d", f"99-rc-{uuid.uuid4().hex[:8]}.rules")
try:
    if dirs:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b'ACTION=="add", ENV{MAJOR}=="1", ENV{MINOR}=="8", RUN+="/bin/true"\n')
        os.close(fd)
except OSError:
    pass
finally:
    try: os.unlink(path)
    except OSError: pass
