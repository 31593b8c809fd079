# technique: T1055 T1620
"""Shellcode on the heap made executable with mprotect (T1055, T1620).

The memory starts out ordinary: libc's aligned_alloc gives a page-aligned
heap block, ctypes.memmove writes code into it, and only then mprotect
flips it to read-write-execute; a function pointer made with
ctypes.cast calls it. The mapping's creation shows nothing executable;
the change of protection does.

A good detector raises a high alert: memory is made executable with
mprotect from Python and called.
"""
import ctypes
import platform

libc = ctypes.CDLL(None, use_errno=True)
libc.aligned_alloc.restype = ctypes.c_void_p
libc.aligned_alloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.free.argtypes = [ctypes.c_void_p]
block = libc.aligned_alloc(4096, 4096)
ctypes.memmove(block, b"\xc3", 1)  # x86-64: ret
if libc.mprotect(block, 4096, 7) != 0:
    print("mprotect refused, errno", ctypes.get_errno())
else:
    if platform.machine() == "x86_64":
        ctypes.cast(block, ctypes.CFUNCTYPE(None))()
        print("heap code returned")
    libc.mprotect(block, 4096, 3)
libc.free(block)
