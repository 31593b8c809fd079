# technique: T1562.001
"""Impair Defenses: Disable or Modify Tools (T1562.001): find a security
agent by scanning /proc (Process Discovery, T1057) and SIGKILL it with
os.kill.

Starts its own dummy "agent": a copy of /bin/sleep named osqueryd (so
/proc/<pid>/comm reads `osqueryd`), then does what a kill-the-EDR routine
does: walks /proc/*/comm looking for a list of agent names (osqueryd,
falcon-sensor, auditd, wazuh-agentd, vigil…) and kills the match, but only
a process that is this script's own child, so no real agent is touched.

A good detector raises a high alert: a program kills a process whose name
is a security/monitoring agent's.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import signal
import subprocess

AGENTS = {"osqueryd", "falcon-sensor", "auditd", "wazuh-agentd", "ossec-agentd",
          "sysmon", "elastic-agent", "vigil-collector"}
fake = os.path.join(os.path.expanduser("~"), ".cache", "osqueryd")
os.makedirs(os.path.dirname(fake), exist_ok=True)
shutil.copy2(shutil.which("sleep") or "/bin/sleep", fake)
agent = subprocess.Popen([fake, "30"])
killed = []
try:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if comm in AGENTS and ppid == os.getpid():
            os.kill(int(entry), signal.SIGKILL)
            killed.append((int(entry), comm))
finally:
    if agent.poll() is None:
        agent.kill()
    agent.wait()
print("killed", killed)
