# technique: T1059.006
# expect: pickle-dangerous-global
"""Command and Scripting Interpreter: Python (T1059.006) through unsafe
deserialisation: an object whose `__reduce__` returns `os.system`, pickled
and loaded, the classic gadget.

A good detector raises a critical alert: a pickle resolves a callable that
starts processes (`pickle-dangerous-global`)."""
import os, pickle


class Gadget:
    def __reduce__(self):
        return (os.system, ("true",))


pickle.loads(pickle.dumps(Gadget()))
