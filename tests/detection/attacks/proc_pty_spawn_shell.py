# technique: T1059.004
"""Unix shell on a pseudo-terminal: pty.spawn (T1059.004).

pty.spawn forks with a new pseudo-terminal and executes a shell in the
child, copying the terminal to the parent's stdin/stdout: the usual way to
"upgrade" a shell to an interactive TTY. Here the shell runs one command
and ends. stdin is replaced by /dev/null so the copy loop ends at once.

A good detector raises a medium or higher alert: a shell is started on a
fresh pseudo-terminal (pty.spawn / os.forkpty followed by exec of a shell).
"""
import os
import pty

devnull = os.open(os.devnull, os.O_RDONLY)
saved = os.dup(0)
os.dup2(devnull, 0)
try:
    status = pty.spawn(["/bin/sh", "-c", "echo tty: $(tty); exit 0"])
finally:
    os.dup2(saved, 0)
print("pty shell status", status)
