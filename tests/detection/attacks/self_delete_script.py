# technique: T1070.004
"""Indicator Removal: File Deletion (T1070.004): a dropped stage that
deletes its own file while it runs, plus the dropper's staging directory.

Writes stage2 to a temporary directory and runs it with the interpreter;
stage2 removes its own source file (Path(__file__).unlink()) and its
cached bytecode before doing its work, so nothing is left on disk. The
parent then shutil.rmtree()s the staging directory. (The corpus script
itself is not deleted.)

A good detector raises a medium alert: a running script deletes its own
file.
"""
import os
import shutil
import subprocess
import sys
import tempfile

stage = tempfile.mkdtemp(prefix=".sess-")
s2 = os.path.join(stage, "stage2.py")
with open(s2, "w") as f:
    f.write("import os, sys, pathlib\n"
            "pathlib.Path(__file__).unlink()\n"
            "os.remove(sys.argv[0]) if os.path.exists(sys.argv[0]) else None\n"
            "print('stage2 running without a file:', not os.path.exists(__file__))\n")
out = subprocess.run([sys.executable, s2], capture_output=True, text=True, timeout=8)
print(out.stdout.strip())
shutil.rmtree(stage)
