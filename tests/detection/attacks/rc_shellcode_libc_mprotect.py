# technique: T1620 T1106 T1055
"""Shellcode made executable with libc mprotect via ctypes (T1620, T1106).

Variant that avoids mmap's PROT_EXEC: allocate with libc.valloc (page
aligned), memmove the bytes in, then libc.mprotect(addr, len, 7) to flip the
page to RWX, and call it with ctypes.cast(addr, CFUNCTYPE(...)). libc is
loaded with ctypes.CDLL(None) and the function names are built at run time.

A good detector raises a critical alert: a page is made executable at run
time and native code is called from it.
"""
import ctypes, platform

code = b"\x48\x31\xc0\xc3"  # xor rax,rax ; ret
if platform.machine() == "x86_64":
    libc = ctypes.CDLL(None)
    valloc = getattr(libc, "v" + "alloc"); valloc.restype = ctypes.c_void_p; valloc.argtypes = [ctypes.c_size_t]
    mprot = getattr(libc, "mpro" + "tect"); mprot.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    addr = valloc(4096)
    ctypes.memmove(addr, code, len(code))
    if mprot(addr, 4096, 7) == 0:
        ctypes.cast(addr, ctypes.CFUNCTYPE(ctypes.c_long))()
        mprot(addr, 4096, 3)
