# technique: T1562.001
# expect: unaudited-interpreter
"""Impair Defenses: Disable or Modify Tools (T1562.001): the stock
`/usr/bin/python3.11`, which has no audit hook, started by fork and
`os.execv`, so what it runs is never recorded.

A good detector raises a medium alert: an interpreter without Vigil's hook
is started (`unaudited-interpreter`)."""
import os

child = os.fork()
if child == 0:
    os.execv("/usr/bin/python3.11", ["python3.11", "-c", "pass"])
os.waitpid(child, 0)
