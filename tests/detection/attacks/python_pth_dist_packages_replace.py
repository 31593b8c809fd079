# technique: T1546.018
"""Event Triggered Execution: Python Startup Hooks (T1546.018), a .pth in
the system-wide /usr/local/lib/python3.X/dist-packages, placed by
tempfile.mkstemp + os.replace.

The .pth is written under a name that does not end in .pth
(`.tmpXXXX`), so no open of a `*.pth` path ever happens; os.replace()
gives it its final name. The line is `import sys` (harmless for the other
interpreters that may start meanwhile) and the file is removed in
`finally`.

A good detector raises a high alert: a file is renamed to a .pth name in
a site-packages directory.
"""
import os
import sysconfig
import tempfile
import uuid

candidates = [p for p in {sysconfig.get_paths()["purelib"],
                          f"/usr/local/lib/python3.{__import__('sys').version_info.minor}/dist-packages"}
              if os.path.isdir(p)]
target = None
tmp = None
try:
    for d in candidates:
        try:
            fd, tmp = tempfile.mkstemp(prefix=".tmp", dir=d)
        except OSError:
            continue
        with os.fdopen(fd, "w") as f:
            f.write("import sys\n")
        target = os.path.join(d, f"distutils-precedence-{uuid.uuid4().hex[:6]}.pth")
        os.replace(tmp, target)
        break
finally:
    for p in (tmp, target):
        if p and os.path.exists(p):
            os.remove(p)
