# technique: T1574.006 T1564.001
"""Hijacking execution with LD_PRELOAD for a child (T1574.006).

Userland rootkits (libprocesshider-style) are compiled to a hidden .so and
loaded into every command via LD_PRELOAD. Here a tiny shared object is built
with the system C compiler (if present) into /dev/shm/.<random>.so, and
`ls` is run with LD_PRELOAD pointing to it via os.execve in a forked child.
Without a compiler an empty file is used (the loader just warns). Removed
in finally.

A good detector raises a high alert: a child is started with LD_PRELOAD
naming a library from a writable/hidden location.
"""
import os, shutil, subprocess, uuid

so = f"/dev/shm/.{uuid.uuid4().hex[:8]}.so"
src = so[:-3] + ".c"
try:
    open(src, "w").write("void __attribute__((constructor)) i(void){}\n")
    if shutil.which("cc"):
        subprocess.run(["cc", "-shared", "-fPIC", "-o", so, src], capture_output=True, timeout=8)
    if not os.path.exists(so):
        open(so, "wb").close()
    pid = os.fork()
    if pid == 0:
        try:
            fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
            os.execve("/bin/ls", ["ls", "/"], dict(os.environ, LD_PRELOAD=so))
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
finally:
    for p in (so, src):
        try: os.unlink(p)
        except OSError: pass
