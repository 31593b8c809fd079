# technique: T1574.006
"""Hijack Execution Flow: Dynamic Linker Hijacking (T1574.006): LD_AUDIT
and LD_PRELOAD set with os.environ/putenv and inherited by children
started with os.posix_spawn and fork + os.execve.

Drops a library copy in /dev/shm (under a name without .so), then:
(1) os.environ["LD_AUDIT"] = that file, and os.posix_spawn() of /bin/true
    with the inherited environment (no env argument naming the variable
    at the call);
(2) fork, and in the child os.execve("/bin/true", ..., env) with
    LD_PRELOAD in env.
The loader maps the file (it rejects it as an audit module, harmlessly).
The file is removed at the end.

A good detector raises a high alert: a child starts with LD_AUDIT or
LD_PRELOAD pointing at a file in a writable directory, however the
variable got into its environment.
"""
import glob
import os
import shutil

libs = sorted(glob.glob("/lib/*/libBrokenLocale.so.1") + glob.glob("/lib/*/libdl.so.2"))
base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else "/tmp"
drop = os.path.join(base, f".pulse-shm-{os.getpid()}")
shutil.copy(libs[0] if libs else "/bin/true", drop)
try:
    os.environ["LD_AUDIT"] = drop
    devnull = os.open(os.devnull, os.O_WRONLY)
    pid = os.posix_spawn("/bin/true", ["true"], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 2)])
    os.waitpid(pid, 0)
    del os.environ["LD_AUDIT"]
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(devnull, 2)
            os.execve("/bin/true", ["true"], dict(os.environ, LD_PRELOAD=drop))
        finally:
            os._exit(127)
    os.waitpid(pid, 0)
finally:
    os.remove(drop)
