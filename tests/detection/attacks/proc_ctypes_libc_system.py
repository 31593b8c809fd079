# technique: T1106 T1059.004
"""Shell through libc's system() called with ctypes (T1106, T1059.004).

Instead of os.system, the script loads the C library with ctypes and calls
its system() function directly. CPython's `os.system` audit event is never
raised; what remains is ctypes loading libc and looking up the symbol
"system". The command string is built from pieces.

A good detector raises a medium or higher alert: Python code resolves and
calls libc's process-starting functions (system, execve, popen) through
ctypes.
"""
import ctypes
import ctypes.util

libc = ctypes.CDLL(ctypes.util.find_library("c"))
run = getattr(libc, "sys" + "tem")
run.argtypes = [ctypes.c_char_p]
status = run(b"/bin/sh -c 'echo libc system ran; id -u' ")
print("system() returned", status)
