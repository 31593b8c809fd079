# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/self/mem as "mem" under a dir_fd.

The open event leaves out os.open's dir_fd; Vigil notes it in a wrapper of
os.open and resolves the target. process-memory must fire.
"""
import os

directory = os.open("/proc/self", os.O_RDONLY)
os.close(os.open("mem", os.O_RDONLY, dir_fd=directory))
os.close(directory)
