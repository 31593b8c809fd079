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
from pathlib import Path

rc = Path.home() / ".bashrc"
text = rc.read_text() if rc.exists() else "# ~/.bashrc\n"
text += "\n( nohup python3 -c 'import socket' >/dev/null 2>&1 & )  # update-check\n"
rc.write_text(text)
