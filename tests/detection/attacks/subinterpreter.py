# technique: T1562.001
"""Impair Defenses: Disable or Modify Tools (T1562.001): a sub-interpreter
created with `_xxsubinterpreters` (`_interpreters` from 3.13). Audit hooks added with
`sys.addaudithook` belong to one interpreter, so code run in a new one
escapes every hook but the native one.

A good detector raises a medium alert: a sub-interpreter is created
(`subinterpreter`)."""
import importlib
import sys

interpreters = importlib.import_module("_interpreters" if sys.version_info >= (3, 13) else "_xxsubinterpreters")

interpreters.destroy(interpreters.create())
