# technique: T1562.001
"""Impair Defenses: Disable or Modify Tools (T1562.001): a monitoring
daemon found by its command line and stopped with
signal.pidfd_send_signal (no os.kill event), plus SIGSTOP-freezing a
second one so it stays "alive" but blind.

Starts two dummies of its own: `bash -c 'exec -a /sbin/auditd sleep 30'`
(argv[0] is /sbin/auditd, comm stays `sleep`) and
`exec -a /opt/CrowdStrike/falcond sleep 30`. Finds them by reading
/proc/<pid>/cmdline, opens a pidfd with os.pidfd_open and sends SIGTERM
through signal.pidfd_send_signal to the first, SIGSTOP (then SIGKILL to
clean up) to the second. Only its own children are targeted.

A good detector raises a high alert: a program signals (kills or stops) a
process whose command line is a security agent's.
"""
import os
import signal
import subprocess
import time

kids = [subprocess.Popen(["bash", "-c", f"exec -a {name} sleep 30"])
        for name in ("/sbin/auditd", "/opt/CrowdStrike/falcond")]
time.sleep(0.2)
mine = {k.pid for k in kids}
try:
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) not in mine:
            continue
        with open(f"/proc/{entry}/cmdline", "rb") as f:
            argv0 = f.read().split(b"\0")[0].decode()
        fd = os.pidfd_open(int(entry))
        try:
            if argv0.endswith("auditd"):
                signal.pidfd_send_signal(fd, signal.SIGTERM)
            elif "falcon" in argv0.lower():
                signal.pidfd_send_signal(fd, signal.SIGSTOP)
        finally:
            os.close(fd)
        print("signalled", argv0)
finally:
    for k in kids:
        if k.poll() is None:
            k.kill()
        k.wait()
