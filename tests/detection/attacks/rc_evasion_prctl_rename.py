# technique: T1036.004 T1036 T1106
"""Process masquerading with prctl(PR_SET_NAME) and argv overwrite (T1036.004).

Python implants hide in `ps`/`top` by renaming themselves to a kernel-thread
look-alike: libc.prctl(15, b"kworker/0:2H") through ctypes, plus writing
/proc/self/comm directly (the same effect via the file system), in a child
interpreter started with subprocess so the parent's name stays as is.

A good detector raises a medium or higher alert: a process renames itself
(especially to a kernel thread or system daemon name).
"""
import subprocess, sys

child = r"""
import ctypes
libc = ctypes.CDLL(None)
libc.prctl(15, ctypes.c_char_p(b"kworker/0:2H"), 0, 0, 0)
try:
    open('/proc/self/comm', 'w').write('[kthreadd]')
except OSError:
    pass
"""
subprocess.run([sys.executable, "-c", child], timeout=5)
