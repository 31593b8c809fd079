# technique: T1003.007 T1552.001 T1057
"""Secrets harvested from other processes' environments via /proc (T1003.007, T1552.001, T1057).

Container-escape and CI-runner stealers iterate /proc/[0-9]*/environ and
/proc/*/cmdline looking for TOKEN/SECRET/PASSWORD values left by other
processes. Uses os.scandir on /proc and pathlib.read_bytes; a child process
with a fake token in its environment is started first so there is a
non-self target.

A good detector raises a high alert: a process reads the environment of many
other processes.
"""
import os, pathlib, subprocess

victim = subprocess.Popen(["sleep", "5"], env={"DB_PASSWORD": "hunter2-fake", "PATH": "/usr/bin:/bin"})
found = {}
try:
    for e in os.scandir("/proc"):
        if not e.name.isdigit():
            continue
        try:
            env = pathlib.Path(e.path, "environ").read_bytes().split(b"\0")
            pathlib.Path(e.path, "cmdline").read_bytes()
        except OSError:
            continue
        for kv in env:
            if any(w in kv.upper() for w in (b"TOKEN", b"SECRET", b"PASSWORD", b"API_KEY")):
                found.setdefault(e.name, []).append(kv)
finally:
    victim.kill(); victim.wait()
