# expect: process-memory
"""T1055.009 Proc Memory: chdir("/proc/self"), then opens the relative "mem".
"""
import os

os.chdir("/proc/self")
with open("mem", "rb"):
    pass
os.chdir("/")
