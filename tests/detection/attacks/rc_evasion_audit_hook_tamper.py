# technique: T1562.001 T1562.006 T1106
"""Impairing the runtime's audit hooks (T1562.001, T1562.006).

Attackers aware of PEP 578 monitoring try to blind it: walk gc for objects
or frames that look like hooks, replace sys.audit / sys.addaudithook
attributes, and use ctypes to call PySys_AddAuditHook-adjacent internals or
clear the interpreter's hook list via ctypes.pythonapi. This script does the
cheap, public ones: monkey-patches sys.addaudithook, adds a hook that raises
on nothing, tries ctypes.pythonapi._PySys_ClearAuditHooks (exists only in
some builds; its absence is ignored), then runs `id` to see if it is seen.

A good detector raises a high alert: code tries to reach the interpreter's
audit-hook internals through ctypes.
"""
import ctypes, os, sys

sys.addaudithook(lambda e, a: None)
try:
    sys.addaudithook = lambda h: None
except Exception:
    pass
for name in ("_PySys_ClearAuditHooks", "PySys_AddAuditHook"):
    try:
        fn = getattr(ctypes.pythonapi, name)
        if name.startswith("_"):
            fn.restype = None; fn.argtypes = [ctypes.c_void_p]
            ts = ctypes.pythonapi.PyThreadState_Get; ts.restype = ctypes.c_void_p
            # deliberately not called: calling it would crash/blind the runtime for good
    except AttributeError:
        pass
os.system("id >/dev/null")
