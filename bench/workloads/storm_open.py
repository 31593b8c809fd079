"""Event storm: open and close a file N times (one `open` event each)."""
import os
import sys
import tempfile

n = int(sys.argv[1])
fd, path = tempfile.mkstemp()
os.close(fd)
for _ in range(n):
    open(path, "rb").close()
os.remove(path)
