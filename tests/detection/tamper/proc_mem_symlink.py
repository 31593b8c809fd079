# expect: process-memory
"""T1055.009 Proc Memory: opens /proc/self/mem through a symbolic link.

process-memory must fire on what the link names, not on its spelling.
"""
import os
import tempfile

with tempfile.TemporaryDirectory() as directory:
    link = os.path.join(directory, "innocent")
    os.symlink("/proc/self/mem", link)
    os.close(os.open(link, os.O_RDONLY))
