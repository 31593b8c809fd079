# technique: T1055.008 T1106
"""Process injection preparation via ptrace (T1055.008).

Like Python ptrace injectors (e.g. linux-inject ports, "pyrasite"): start a
victim (`sleep 5`), call libc ptrace(PTRACE_ATTACH, pid) through ctypes, wait
for the stop, read its registers with PTRACE_GETREGS and a word of its
memory with PTRACE_PEEKTEXT, then PTRACE_DETACH and kill the victim. No code
is written.

A good detector raises a high alert: a process attaches to another with
ptrace.
"""
import ctypes, os, subprocess

PTRACE_PEEKTEXT, PTRACE_GETREGS, PTRACE_ATTACH, PTRACE_DETACH = 1, 12, 16, 17
victim = subprocess.Popen(["sleep", "5"])
try:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.ptrace.restype = ctypes.c_long
    libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
    if libc.ptrace(PTRACE_ATTACH, victim.pid, None, None) == 0:
        os.waitpid(victim.pid, 0)
        regs = (ctypes.c_ulonglong * 27)()
        libc.ptrace(PTRACE_GETREGS, victim.pid, None, ctypes.byref(regs))
        rip = regs[16]
        libc.ptrace(PTRACE_PEEKTEXT, victim.pid, ctypes.c_void_p(rip), None)
        libc.ptrace(PTRACE_DETACH, victim.pid, None, None)
finally:
    victim.kill(); victim.wait()
