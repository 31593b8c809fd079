# technique: T1055.009
"""Process injection through /proc/<pid>/mem (T1055.009).

The "no ptrace needed" injection from Linux red-team write-ups: parse
/proc/<pid>/maps of a child to find its executable text, open
/proc/<pid>/mem read-write, read a few bytes at that address and write the
very same bytes back (so nothing changes), as an injector would write its
shellcode. The victim is our own `sleep` child, stopped with SIGSTOP.

A good detector raises a critical alert: a process opens another process's
memory file for writing.
"""
import os, signal, subprocess

victim = subprocess.Popen(["sleep", "5"])
try:
    os.kill(victim.pid, signal.SIGSTOP)
    with open(f"/proc/{victim.pid}/maps") as f:
        for line in f:
            rng, perms = line.split()[:2]
            if "x" in perms:
                start = int(rng.split("-")[0], 16)
                break
    fd = os.open(f"/proc/{victim.pid}/mem", os.O_RDWR)
    try:
        orig = os.pread(fd, 16, start)
        os.pwrite(fd, orig, start)
    finally:
        os.close(fd)
except Exception:
    pass
finally:
    victim.kill(); victim.wait()
