# technique: T1620
# expect: fileless-exec fileless-path
"""Reflective Code Loading (T1620): a program run from memory. A script is
written into an anonymous file (`os.memfd_create`) and executed twice, by
its descriptor (`os.execve(fd, …)`) and by its `/proc/self/fd/N` path, so
no file on disk ever holds it.

A good detector raises a high alert: a process is started from an
anonymous file (`fileless-exec`, `fileless-path`)."""
import os

for by_path in (False, True):
    fd = os.memfd_create("payload", 0)
    os.write(fd, b"#!/bin/sh\nexit 0\n")
    child = os.fork()
    if child == 0:
        if by_path:
            os.execv(f"/proc/self/fd/{fd}", ["payload"])
        os.execve(fd, ["payload"], {})
    os.waitpid(child, 0)
