# expect: fileless-exec fileless-path
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
