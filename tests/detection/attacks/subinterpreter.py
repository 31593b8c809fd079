# technique: T1562.001
# expect: subinterpreter
"""Impair Defenses: Disable or Modify Tools (T1562.001): a sub-interpreter
created with `_xxsubinterpreters`. Audit hooks added with
`sys.addaudithook` belong to one interpreter, so code run in a new one
escapes every hook but the native one.

A good detector raises a medium alert: a sub-interpreter is created
(`subinterpreter`)."""
import _xxsubinterpreters as interpreters

interpreters.destroy(interpreters.create())
