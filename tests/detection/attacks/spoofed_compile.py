# technique: T1036.005
# expect: spoofed-compile-filename
"""Masquerading: Match Legitimate Resource Name or Location (T1036.005): code
compiled from a string under the name of a standard-library file
(`/usr/lib/python3.X/os.py`, the running version's) and of a frozen module (`<frozen
importlib._bootstrap>`), so tracebacks, profilers and any check by file
name take it for the interpreter's own.

A good detector raises a high alert: code is compiled under a name it does
not come from (`spoofed-compile-filename`)."""
import os

exec(compile("x = 1", os.__file__, "exec"))
exec(compile("y = 2", "<frozen importlib._bootstrap>", "exec"))
