# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/thread-self/mem.

Its canonical path is /proc/<pid>/task/<tid>/mem, which the rule's glob
covers.
"""
import os

os.close(os.open("/proc/thread-self/mem", os.O_RDONLY))
