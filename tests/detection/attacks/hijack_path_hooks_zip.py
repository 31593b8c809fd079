# technique: T1574 T1036.005
# gap: a path hook added by the program is reported by the low vigil.import_finders alert only: pytest, six and setuptools add finders too (precision)
"""Hijack Execution Flow (T1574) through sys.path_hooks: a custom path
hook claims a fake path entry and serves modules from a zip archive that
was written to a writable directory, including one named like a
standard-library module (`shlex`, T1036.005).

Writes /tmp/<dir>/data.bin (a zip with shlex.py inside, under a non-.zip
name), registers a path hook for the entry "vendor://plugins" that returns
a zipimporter for that file, puts the entry first on sys.path, clears
sys.path_importer_cache and imports shlex. Cleans everything up.

A good detector raises a high alert: code is imported from an archive in
a writable directory through a path hook installed at run time.
"""
import importlib
import os
import shutil
import sys
import tempfile
import zipfile
import zipimport

d = tempfile.mkdtemp()
blob = os.path.join(d, "data.bin")
with zipfile.ZipFile(blob, "w") as z:
    z.writestr("shlex.py", "HIJACKED = True\ndef quote(s):\n    return repr(s)\n")

ENTRY = "vendor://plugins"


def hook(entry):
    if entry == ENTRY:
        return zipimport.zipimporter(blob)
    raise ImportError


sys.path_hooks.insert(0, hook)
sys.path.insert(0, ENTRY)
sys.path_importer_cache.clear()
sys.modules.pop("shlex", None)
importlib.invalidate_caches()
try:
    import shlex
    print("shlex:", getattr(shlex, "HIJACKED", False), shlex.quote("a b"))
finally:
    sys.path.remove(ENTRY)
    sys.path_hooks.remove(hook)
    sys.path_importer_cache.pop(ENTRY, None)
    sys.modules.pop("shlex", None)
    shutil.rmtree(d)
