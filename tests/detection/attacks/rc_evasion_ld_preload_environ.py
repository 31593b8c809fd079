# technique: T1574.006
"""LD_PRELOAD set in the process environment and inherited by a shell (T1574.006).

A different spelling from passing env= to one child: the implant sets
os.environ["LD_PRELOAD"] for itself (so every later child inherits it) to a
library dropped under HOME in a dot-directory, then runs commands with
os.system. The "library" is an empty file (the loader prints an error that
is discarded) and is removed at the end.

A good detector raises a high alert: LD_PRELOAD is set to a user-writable
library and a program is started with it.
"""
import os

lib = os.path.join(os.path.expanduser("~"), ".local", "share", ".fonts", "libfc.so.1")
os.makedirs(os.path.dirname(lib), exist_ok=True)
open(lib, "wb").close()
os.environ["LD_PRELOAD"] = lib
try:
    os.system("ls / >/dev/null 2>&1; uptime >/dev/null 2>&1")
finally:
    del os.environ["LD_PRELOAD"]
    os.unlink(lib)
