# technique: T1059.006 T1059.004
"""Python interpreter reached through env inside a shell: os.popen("env python3 -c …") (T1059.006, T1059.004).

The script runs `/usr/bin/env python3.X -c <code>` (the running version) with os.popen, so the
interpreter that runs the inline code is whichever python3.X env finds in
PATH (a plain interpreter without vigil's hook), behind a shell. The inline code is never
seen by vigil: only the command text is.

A good detector raises a medium or higher alert: a shell command starts an
unaudited Python interpreter with inline code (-c).
"""
import os
import sys

version = f"{sys.version_info[0]}.{sys.version_info[1]}"
with os.popen(f"env python{version} -c 'import os,sys; print(os.getuid(), sys.version_info[:2])' 2>&1") as pipe:
    print("inline python said:", pipe.read().strip())
