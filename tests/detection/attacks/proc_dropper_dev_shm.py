# technique: T1105 T1059.004
"""Dropper in a world-writable place: write a script to /dev/shm, chmod +x, run it (T1105, T1059.004).

The script writes a small shell script to /dev/shm under a random hidden
name, marks it executable with os.fchmod on the open descriptor (not
os.chmod on the path), and runs it with subprocess.run as argv (no shell).
/dev/shm is a tmpfs that many detectors forget next to /tmp.

A good detector raises a medium or higher alert: a program writes a file
in a world-writable directory, makes it executable and runs it.
"""
import os
import secrets
import subprocess

path = "/dev/shm/.%s" % secrets.token_hex(4)
try:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"#!/bin/sh\necho dropped stage ran as $(id -un)\n")
    os.fchmod(fd, 0o700)
    os.close(fd)
    result = subprocess.run([path], capture_output=True, text=True, timeout=5)
    print(result.stdout.strip())
finally:
    try:
        os.unlink(path)
    except OSError:
        pass
