# technique: T1562.001 T1057 T1036.005
"""Killing security agents found by process listing (T1562.001, T1057).

Cryptojacking scripts (TeamTNT, Kinsing and their Python ports) enumerate
processes and kill EDR/monitoring agents and competing miners by name. Here
a decoy named "falcon-sensor" is a copy of `sleep` in a temp dir (our own
child, so nothing real is touched); the script scans /proc/*/comm and
/proc/*/cmdline with glob, matches an agent list, and kills matches with
os.kill(SIGKILL) via signal lookups by name.

A good detector raises a high alert: a process enumerates processes and
kills another process whose name matches a security product.
"""
import glob, os, shutil, signal, subprocess, tempfile

d = tempfile.mkdtemp()
decoy = os.path.join(d, "falcon-sensor")
shutil.copy("/bin/sleep", decoy)
child = subprocess.Popen([decoy, "5"])
agents = ("falcon", "osqueryd", "auditd", "wazuh", "aliyun", "qualys", "xmrig", "kdevtmpfsi")
try:
    for comm in glob.glob("/proc/[0-9]*/comm"):
        try:
            name = open(comm).read().strip()
        except OSError:
            continue
        pid = int(comm.split("/")[2])
        if pid == child.pid and any(a in name for a in agents):
            os.kill(pid, getattr(signal, "SIG" + "KILL"))
finally:
    if child.poll() is None: child.kill()
    child.wait(); shutil.rmtree(d, ignore_errors=True)
