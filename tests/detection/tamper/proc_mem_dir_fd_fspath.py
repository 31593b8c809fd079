# expect: process-memory
"""T1055.009 Proc Memory: opens "mem" under a dir_fd of /proc/self through a
path-like object whose __fspath__ opens another file first.

The event os.open raises carries what __fspath__ returned, and the other
file's open event comes first, inside the same os.open call: Vigil must
still resolve "mem" under the dir_fd (process-memory).
"""
import os


class Decoy:
    def __fspath__(self):
        with open("/etc/hostname", "rb"):
            pass
        return "mem"


directory = os.open("/proc/self", os.O_RDONLY)
os.close(os.open(Decoy(), os.O_RDONLY, dir_fd=directory))
os.close(directory)
