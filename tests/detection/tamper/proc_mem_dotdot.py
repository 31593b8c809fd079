# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/self/mem spelled with ".." and ".".

"/proc/self/task/../mem" and "/proc/./self//mem" are the same file.
"""
import os

os.close(os.open("/proc/self/task/../mem", os.O_RDONLY))
os.close(os.open("/proc/./self//mem", os.O_RDONLY))
