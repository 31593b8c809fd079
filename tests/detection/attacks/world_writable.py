# technique: T1574
# expect: world-writable-code
"""Hijack Execution Flow (T1574) through the import system: a module written
into a new directory under `/dev/shm`, which any user can write, that
directory put first on `sys.path`, and the module imported from it.

A good detector raises a medium alert: code is imported from a
world-writable place after it was put on the module search path
(`world-writable-code` today marks it at low)."""
import os, sys, tempfile

directory = tempfile.mkdtemp(dir="/dev/shm")
with open(os.path.join(directory, "dropped.py"), "w") as module:
    module.write("VALUE = 1\n")
sys.path.insert(0, directory)
import dropped  # noqa: E402,F401
