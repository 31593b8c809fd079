# technique: T1070.002
"""Clearing system logs (T1070.002).

Rootkit clean-up scripts zero /var/log files (auth.log, wtmp, lastlog) with
open(path, "w") or os.truncate, or remove lines mentioning the attacker's IP.
To stay harmless this works on a NEW uniquely named file in /var/log (as if
it were an existing log): it writes fake lines, filters out the ones with
the attacker IP by rewriting the file in place, then truncates it to zero;
removed in finally. The path is passed through a fileinput in-place edit.

A good detector raises a medium or higher alert: a file under /var/log is
rewritten/truncated by a non-logging process.
"""
import fileinput, os, uuid

p = f"/var/log/auth-rc{uuid.uuid4().hex[:6]}.log"
try:
    with open(p, "w") as f:
        f.write("sshd: Accepted password for root from 10.6.6.6\nCRON: session opened\n")
    with fileinput.input(p, inplace=True) as fi:
        for line in fi:
            if "10.6.6.6" not in line:
                print(line, end="")
    os.truncate(p, 0)
except OSError:
    pass
finally:
    try: os.unlink(p)
    except OSError: pass
