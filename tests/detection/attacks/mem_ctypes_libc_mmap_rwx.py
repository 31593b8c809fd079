# technique: T1055 T1620
"""Shellcode in RWX memory from libc mmap via ctypes, called as a function (T1055, T1620).

The script asks libc's mmap (through ctypes) for an anonymous page that is
readable, writable and executable at once, copies machine code into it
with ctypes.memmove and calls it through a CFUNCTYPE pointer. The
"shellcode" is a single x86-64 `ret` (0xC3), so it returns at once; on
other architectures the script stops before calling.

A good detector raises a high alert: a Python program maps
writable-and-executable memory and calls into it.
"""
import ctypes
import platform

PROT_READ, PROT_WRITE, PROT_EXEC = 1, 2, 4
MAP_PRIVATE, MAP_ANONYMOUS = 0x02, 0x20
libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
shellcode = b"\xc3"  # x86-64: ret
page = libc.mmap(None, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
if page in (None, ctypes.c_void_p(-1).value):
    print("mmap refused RWX memory, errno", ctypes.get_errno())
else:
    ctypes.memmove(page, shellcode, len(shellcode))
    if platform.machine() in ("x86_64", "AMD64"):
        ctypes.CFUNCTYPE(None)(page)()
        print("shellcode returned")
    libc.munmap(page, 4096)
