# technique: T1059.006 T1059.004 T1203 T1140
"""Nested pickle: the outer one base64-decodes and unpickles an inner one that calls posix.system (T1059.004, T1203, T1140).

The outer pickle only resolves base64.b64decode and pickle.loads; the
inner pickle, present only as base64 text inside the outer one, resolves
posix.system (the real module behind os.system, under its own name).
A scanner of the outer bytes finds no dangerous global.

A good detector raises a high alert: a shell starts inside pickle.loads,
whatever depth of nesting and whichever module name the function is
reached by.
"""
import base64
import pickle

inner = b"cposix\nsystem\n(Vecho nested pickle reached posix.system\ntR."
outer = (b"c_pickle\nloads\n(cbase64\nb64decode\n(V" + base64.b64encode(inner) + b"\ntRtR.")
print("status", pickle.loads(outer))
