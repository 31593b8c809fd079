# technique: T1053.003
"""Scheduled Task/Job: Cron (T1053.003): a file in /etc/cron.d created by a
relative name after os.chdir("/etc/cron.d").

The open() call sees only `0anacron-<unique>`: the directory is known only
from the earlier chdir (or the process's working directory), so a rule
that matches the path argument against "/etc/cron.d/" misses it. The
process goes back to its previous directory and the file is removed in
`finally`.

A good detector raises a high alert: a file is created in /etc/cron.d,
resolving relative paths against the working directory.
"""
import os
import uuid

name = f"0anacron-{uuid.uuid4().hex[:8]}"
back = os.getcwd()
try:
    os.chdir("/etc/cron.d")
    with open(name, "w") as f:
        f.write("@reboot root /bin/true\n")
except OSError as e:
    print("not permitted:", e)
finally:
    if os.path.exists(name):
        os.remove(name)
    os.chdir(back)
