# technique: T1059.004 T1106
"""Unix shell via the native API: os.posix_spawnp with a PATH lookup (T1059.004, T1106).

The script starts `sh -c` through os.posix_spawnp, naming the shell only as
"sh" so that the path is resolved from PATH inside libc, never written out
by the caller. It differs from the obvious spelling (os.system or
subprocess) in that no Python-level subprocess machinery runs: the only
record is the `os.posix_spawn` event with a bare program name.

A good detector raises a medium or higher alert: a shell is started with a
command line (`sh -c ...`) through posix_spawnp.
"""
import os

pid = os.posix_spawnp("sh", ["sh", "-c", "id >/dev/null; uname -s"], dict(os.environ))
_, status = os.waitpid(pid, 0)
print("shell exited", os.waitstatus_to_exitcode(status))
