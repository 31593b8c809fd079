# expect: process-memory ctypes
with open("/proc/self/mem", "rb"):
    pass
import ctypes  # noqa: E402,F401
