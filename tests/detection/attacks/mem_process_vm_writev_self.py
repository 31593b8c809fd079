# technique: T1055
"""Process memory written with the process_vm_writev system call, through ctypes (T1055).

No file is opened: libc's syscall() is called with the number of
process_vm_writev (x86-64: 311) to copy bytes into a target process's
address space, here our own pid and a bytearray's buffer. This is the
system call injectors use against other processes (same uid or
CAP_SYS_PTRACE); no audit event names it.

A good detector raises a high alert: Python calls process_vm_writev (or
ptrace) through ctypes.
"""
import ctypes
import os
import platform


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


target = bytearray(b"untouched!")
source = ctypes.create_string_buffer(b"INJECTED!!")
target_address = ctypes.addressof((ctypes.c_char * len(target)).from_buffer(target))
numbers = {"x86_64": 311, "aarch64": 271}
number = numbers.get(platform.machine())
if number is None:
    print("unknown architecture")
else:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    local = IOVec(ctypes.addressof(source), len(target))
    remote = IOVec(target_address, len(target))
    written = libc.syscall(ctypes.c_long(number), ctypes.c_long(os.getpid()), ctypes.byref(local),
                           ctypes.c_ulong(1), ctypes.byref(remote), ctypes.c_ulong(1), ctypes.c_ulong(0))
    print("wrote", written, "bytes; target now", bytes(target))
