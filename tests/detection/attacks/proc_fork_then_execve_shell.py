# technique: T1059.004 T1106
"""Unix shell via fork then execve (T1059.004, T1106).

The script calls os.fork(); the child replaces itself with /bin/sh through
os.execve with a scrubbed environment, the parent waits. No subprocess,
no os.system: the command appears only in the child's `os.exec` event
after its own `start` record (origin fork).

A good detector raises a medium or higher alert: a forked child of a
Python program turns into a shell running a command.
"""
import os

pid = os.fork()
if pid == 0:
    try:
        os.execve("/bin/sh", ["sh", "-c", "echo child shell; exit 0"], {"PATH": "/usr/bin:/bin"})
    finally:
        os._exit(127)
_, status = os.waitpid(pid, 0)
print("child exited", os.waitstatus_to_exitcode(status))
