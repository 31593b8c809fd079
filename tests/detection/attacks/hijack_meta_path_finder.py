# technique: T1574
"""Hijack Execution Flow (T1574) with a sys.meta_path finder that serves
a standard-library name (`csv`) from a writable directory.

Installs, at position 0 of sys.meta_path, a MetaPathFinder whose
find_spec() returns a spec built with spec_from_file_location() for a file
in /dev/shm (or /tmp). No sys.path change, no file named csv.py: the
source file is called `.cache-7f3a`, so path-based heuristics on module
names see nothing. The finder is removed at the end.

A good detector raises a high alert: a module import is served from a
writable, non-library location by a finder installed at run time (code
from /dev/shm or /tmp is executed by the import system).
"""
import importlib.abc
import importlib.util
import os
import sys
import tempfile

base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()
src = os.path.join(base, f".cache-{os.getpid():x}")
with open(src, "w") as f:
    f.write("HIJACKED = True\nclass writer:\n    def __init__(self, f, **kw): self.f = f\n"
            "    def writerow(self, r): self.f.write(','.join(map(str, r)) + '\\n')\n")


class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "csv":
            return importlib.util.spec_from_file_location(
                name, src, loader=importlib.machinery.SourceFileLoader(name, src))
        return None


finder = Finder()
sys.meta_path.insert(0, finder)
sys.modules.pop("csv", None)
try:
    import csv
    print("csv from", csv.__file__, getattr(csv, "HIJACKED", False))
finally:
    sys.meta_path.remove(finder)
    sys.modules.pop("csv", None)
    os.remove(src)
