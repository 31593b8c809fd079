# technique: T1574 T1036.005
"""Hijack Execution Flow (T1574): a fake `base64` module dropped in /tmp
and put first on sys.path with sys.path.insert(0, ...), then imported in
place of the real one (T1036.005: a legitimate name).

The module is written to a fresh directory under /tmp (world-writable
parent), the already-imported base64 is dropped from sys.modules, and
`import base64` resolves to the attacker's file in this very process.
Everything is removed at the end.

A good detector raises a high alert: a standard-library module name is
imported from a file outside the standard library (here, from /tmp).
"""
import importlib
import os
import shutil
import sys
import tempfile

d = tempfile.mkdtemp()
try:
    with open(os.path.join(d, "base64.py"), "w") as f:
        f.write("HIJACKED = True\n"
                "def b64encode(b, altchars=None):\n"
                "    return b'captured:' + bytes(b)\n")
    sys.path.insert(0, d)
    sys.modules.pop("base64", None)
    importlib.invalidate_caches()
    import base64
    print(base64.b64encode(b"secret"), getattr(base64, "HIJACKED", False))
finally:
    sys.path.remove(d)
    sys.modules.pop("base64", None)
    shutil.rmtree(d)
