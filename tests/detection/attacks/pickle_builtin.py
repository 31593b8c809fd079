# technique: T1059.006
# expect: pickle-dangerous-builtin
"""Command and Scripting Interpreter: Python (T1059.006) through unsafe
deserialisation: a hand-written pickle whose GLOBAL opcode names
`builtins.eval`, so loading the data evaluates code.

A good detector raises a critical alert: a pickle resolves a callable that
runs code (`pickle-dangerous-builtin`)."""
import pickle

pickle.loads(b"cbuiltins\neval\n(S'1+1'\ntR.")
