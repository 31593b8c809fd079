# technique: T1055 T1620
"""Shellcode in a page from Python's own mmap module with PROT_EXEC, called through ctypes (T1055, T1620).

No libc call to allocate: mmap.mmap(-1, …, prot=READ|WRITE|EXEC) returns
an anonymous RWX mapping; the code is written with slice assignment, its
address taken with ctypes.c_char.from_buffer + addressof, and a
CFUNCTYPE pointer calls it. The only ctypes functions used are the ones
that wrap existing memory.

A good detector raises a high alert: an executable and writable mapping
(mmap with PROT_EXEC) is created and Python calls into it.
"""
import ctypes
import mmap
import platform

region = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
region[0:1] = b"\xc3"  # x86-64: ret
holder = ctypes.c_char.from_buffer(region)
address = ctypes.addressof(holder)
if platform.machine() == "x86_64":
    ctypes.CFUNCTYPE(ctypes.c_int)(address)()
    print("called code at", hex(address))
del holder
region.close()
