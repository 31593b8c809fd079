# technique: T1620 T1027.011 T1106
"""Fileless execution: memfd_create, copy a binary into it, os.execve on the descriptor (T1620, T1027.011, T1106).

The script creates an anonymous file with os.memfd_create, copies the bytes
of /bin/sh into it, and in a forked child calls os.execve(fd, argv, env):
the fexecve form, where the program has no path at all. The parent waits.

A good detector raises a high alert: a process executes an anonymous
in-memory file (os.exec with an integer descriptor from memfd_create).
"""
import os

with open(os.path.realpath("/bin/sh"), "rb") as source:
    image = source.read()
fd = os.memfd_create("", 0)  # an ELF image needs no MFD_CLOEXEC care: the kernel does not reopen it by path
os.write(fd, image)
pid = os.fork()
if pid == 0:
    try:
        os.execve(fd, ["[kthreadd]", "-c", "echo ran from memfd"], {"PATH": "/bin"})
    finally:
        os._exit(127)
_, status = os.waitpid(pid, 0)
os.close(fd)
print("memfd child exited", os.waitstatus_to_exitcode(status))
