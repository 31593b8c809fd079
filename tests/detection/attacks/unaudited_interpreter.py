# technique: T1562.001
# expect: unaudited-interpreter
"""Impair Defenses: Disable or Modify Tools (T1562.001): the stock
`/usr/bin/python3.X` of the running version, which has no audit hook, started by fork and
`os.execv`, so what it runs is never recorded.

A good detector raises a medium alert: an interpreter without Vigil's hook
is started (`unaudited-interpreter`)."""
import os
import sys

stock = f"python{sys.version_info[0]}.{sys.version_info[1]}"
child = os.fork()
if child == 0:
    os.execv(f"/usr/bin/{stock}", [stock, "-c", "pass"])
os.waitpid(child, 0)
