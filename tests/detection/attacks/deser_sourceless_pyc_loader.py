# technique: T1059.006 T1027 T1620
"""Marshal-based loader: a bare .pyc with no source, dropped on sys.path and imported (T1059.006, T1027, T1620).

The script writes a .pyc file (the 16-byte header and marshal.dumps of a
code object, as importlib writes it) directly into a directory under HOME,
puts that directory on sys.path and imports it. The SourcelessFileLoader
runs bytecode for which no .py exists anywhere, so there is no source to
transcribe or to review; its code object also claims a file name in
site-packages. The bytecode was compiled elsewhere: this
process compiles nothing.

A good detector raises a medium or higher alert: bytecode from a .pyc
without a source file runs (from a user-writable directory, not from an
installed package).
"""
import base64
import importlib
import importlib.util
import os
import sys

# marshal.dumps(code) for each CPython (bytecode is per version), compiled
# elsewhere under a site-packages name.
CODE_B64S = {
    (3, 11): (
        "4wAAAAAAAAAAAAAAAAUAAAAAAAAA80AAAACXAGQAZAFsAFoAAgBlAWQCAgBlAGoCAAAAAAAA"
        "AACmAAAAqwAAAAAAAAAAAKYCAACrAgAAAAAAAAAAAQBkAVMAKQPpAAAAAE56FXNvdXJjZWxl"
        "c3MgbW9kdWxlIHJhbikD2gJvc9oFcHJpbnTaBmdldHBpZKkA8wAAAAD6Li91c3IvbGliL3B5"
        "dGhvbjMvZGlzdC1wYWNrYWdlcy9jZXJ0aWZpL2NvcmUucHn6CDxtb2R1bGU+cgkAAAABAAAA"
        "cy8AAADwAwEBAdgACYAJgAmACdgABYAF0AYdmHmYcpx5mXuce9EAK9QAK9AAK9AAK9AAK3IH"
        "AAAA"
    ),
    (3, 13): (
        "4wAAAAAAAAAAAAAAAAUAAAAAAAAA8zwAAACVAFMAUwFLAHIAXAEiAFMCXABSBAAAAAAAAAAA"
        "AAAAAAAAAAAAACIANQAAAAAAAAA1AgAAAAAAACAAZwEpA+kAAAAATnoVc291cmNlbGVzcyBt"
        "b2R1bGUgcmFuKQPaAm9z2gVwcmludNoGZ2V0cGlkqQDzAAAAANouL3Vzci9saWIvcHl0aG9u"
        "My9kaXN0LXBhY2thZ2VzL2NlcnRpZmkvY29yZS5wedoIPG1vZHVsZT5yCQAAAAEAAABzGQAA"
        "APADAQEB2wAJ2QAF0AYdmHKfeZp5m3vVACtyBwAAAA=="
    ),
    (3, 14): (
        "4wAAAAAAAAAAAAAAAAUAAAAAAAAA8z4AAACAAF4AUgFJAHQAXQEhAFICXQBQBAAAAAAAAAAA"
        "AAAAAAAAAAAAACEANAAAAAAAAAA0AgAAAAAAAB8AUgEjACkD6QAAAABOehVzb3VyY2VsZXNz"
        "IG1vZHVsZSByYW4pA9oCb3PaBXByaW502gZnZXRwaWSpAPMAAAAA2i4vdXNyL2xpYi9weXRo"
        "b24zL2Rpc3QtcGFja2FnZXMvY2VydGlmaS9jb3JlLnB52gg8bW9kdWxlPnIJAAAAAQAAAHMZ"
        "AAAA8AMBAQHbAAnZAAXQBh2Ycp95mnmbe9YAK3IHAAAA"
    ),
}
if sys.version_info[:2] not in CODE_B64S:
    sys.exit(f"no bytecode made for CPython {sys.version_info[0]}.{sys.version_info[1]}")
CODE_B64 = CODE_B64S[sys.version_info[:2]]
drop = os.path.join(os.path.expanduser("~"), ".local", "lib", "plugins")
os.makedirs(drop, exist_ok=True)
header = importlib.util.MAGIC_NUMBER + (0).to_bytes(4, "little") + (0).to_bytes(8, "little")
with open(os.path.join(drop, "certifi_core.pyc"), "wb") as f:
    f.write(header + base64.b64decode(CODE_B64))
sys.path.insert(0, drop)
importlib.import_module("certifi_core")
