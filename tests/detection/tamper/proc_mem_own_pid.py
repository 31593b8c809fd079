# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/<own pid>/mem.
"""
import os

os.close(os.open(f"/proc/{os.getpid()}/mem", os.O_RDONLY))
