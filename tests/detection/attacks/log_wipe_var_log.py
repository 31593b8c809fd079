# technique: T1070.002
"""Indicator Removal: Clear Linux or Mac System Logs (T1070.002) on files
under /var/log: truncation in place through os.open(O_TRUNC), selective
line removal by rewrite + os.replace, then deletion.

Never touches an existing log: creates /var/log/<unique>.log and
/var/log/<unique>/auth.log with fake entries (as a service would have), then
(1) removes the lines that mention the attacker's address and os.replace()s
a rewritten copy over the original, (2) truncates the other with
os.open(..., O_WRONLY|O_TRUNC), (3) unlinks both, removing its directory.

A good detector raises a medium or high alert: log files under /var/log
are truncated, rewritten or deleted.
"""
import os
import shutil
import uuid

tag = uuid.uuid4().hex[:8]
flat = f"/var/log/vigil-redteam-{tag}.log"
subdir = f"/var/log/vigil-redteam-{tag}"
auth = os.path.join(subdir, "auth.log")
try:
    os.makedirs(subdir, exist_ok=True)
    for p in (flat, auth):
        with open(p, "w") as f:
            f.write("sshd[1]: Accepted password for root from 203.0.113.7\n"
                    "sshd[2]: Accepted publickey for alice from 192.0.2.10\n")
    with open(flat) as f:
        kept = [l for l in f if "203.0.113.7" not in l]
    with open(flat + ".new", "w") as f:
        f.writelines(kept)
    os.replace(flat + ".new", flat)
    fd = os.open(auth, os.O_WRONLY | os.O_TRUNC)
    os.close(fd)
    os.unlink(flat)
    os.unlink(auth)
except OSError as e:
    print("not permitted:", e)
finally:
    for p in (flat, flat + ".new"):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(subdir, ignore_errors=True)
