# technique: T1055.009
# expect: process-memory ctypes
"""Process Injection: Proc Memory (T1055.009): the process opens its own
`/proc/self/mem`, through which it can rewrite its code and data (the
audit hook list among them) without any further audit event, then loads
`ctypes` to find what to write.

A good detector raises a critical alert: a process memory file is opened
(`process-memory`), with a low one for `ctypes`."""
with open("/proc/self/mem", "rb"):
    pass
import ctypes  # noqa: E402,F401
