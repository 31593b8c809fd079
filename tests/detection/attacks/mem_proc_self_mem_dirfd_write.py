# technique: T1055.009 T1055
"""Process memory written through procfs, opened relative to a /proc directory descriptor (T1055.009).

Instead of open("/proc/self/mem"), the script opens the directory
/proc/<pid> (numeric pid, not "self") with os.open(O_DIRECTORY), then
opens "mem" relative to it with dir_fd, and os.pwrite()s new bytes over a
bytearray's buffer at its address (from ctypes). Reading the bytearray
back shows the write took effect: the same primitive overwrites code or
read-only data.

A good detector raises a high alert: a process opens its own memory file
for writing, whatever the path spelling.
"""
import ctypes
import os

victim = bytearray(b"original-contents")
address = ctypes.addressof((ctypes.c_char * len(victim)).from_buffer(victim))
proc_dir = os.open("/proc/%d" % os.getpid(), os.O_RDONLY | os.O_DIRECTORY)
try:
    mem = os.open("mem", os.O_RDWR, dir_fd=proc_dir)
    try:
        os.pwrite(mem, b"OVERWRITTEN", address)
    finally:
        os.close(mem)
finally:
    os.close(proc_dir)
print("bytearray now:", bytes(victim))
