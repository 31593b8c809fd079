# technique: T1620 T1027.011 T1059.004
"""Fileless script: a shell script in a memfd, run through /proc/self/fd/N by subprocess (T1620, T1027.011, T1059.004).

The script writes a "#!/bin/sh" script into an anonymous memfd named like
a library, then has subprocess run "/proc/self/fd/N" as argv (the
descriptor is passed to the child with pass_fds, so the path resolves in
the child). Differs from the fexecve spelling: a path string, the kernel
reads the shebang, and subprocess goes through _posixsubprocess.

A good detector raises a high alert: a program executes a file under
/proc/*/fd/ whose target is a memfd.
"""
import os
import subprocess

fd = os.memfd_create("libpthread.so.0", 0)
os.write(fd, b"#!/bin/sh\necho script from memory: $0\n")
path = "/proc/self/fd/%d" % fd
result = subprocess.run([path], pass_fds=(fd,), capture_output=True, text=True, timeout=5)
os.close(fd)
print(result.returncode, result.stdout.strip())
