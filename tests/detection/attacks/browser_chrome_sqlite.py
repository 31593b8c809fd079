# technique: T1555.003
"""Credentials from Password Stores: Credentials from Web Browsers
(T1555.003), Chrome's "Login Data" read with sqlite3.

Plants a fake Chromium profile (~/.config/google-chrome/Default/Login Data
and Cookies as real SQLite databases), then does what stealers do: copies
the locked database to a temporary file with shutil.copy2 and opens the
copy with sqlite3.connect() (URI, read-only), selecting origin_url,
username_value and password_value. Also opens the original directly
with sqlite3 in immutable mode.

A good detector raises a high alert: a process that is not the browser
reads the browser's credential database.
"""
import os as _os, pwd as _pwd, sys as _sys  # noqa: E401 (safety guard, not part of the attack)
if _os.path.realpath(_os.path.expanduser("~")) == _os.path.realpath(_pwd.getpwuid(_os.getuid()).pw_dir):
    _sys.exit("this attack writes under HOME: run it with HOME set to a scratch directory")
import os
import shutil
import sqlite3
import tempfile

profile = os.path.expanduser("~/.config/google-chrome/Default")
os.makedirs(profile, exist_ok=True)
login_data = os.path.join(profile, "Login Data")
with sqlite3.connect(login_data) as db:
    db.execute("CREATE TABLE IF NOT EXISTS logins (origin_url TEXT, username_value TEXT, password_value BLOB)")
    db.execute("INSERT INTO logins VALUES ('https://bank.example', 'alice', x'763130fa6b65')")
db.close()
with sqlite3.connect(os.path.join(profile, "Cookies")) as db:
    db.execute("CREATE TABLE IF NOT EXISTS cookies (host_key TEXT, name TEXT, encrypted_value BLOB)")
db.close()

with tempfile.TemporaryDirectory() as work:
    copy = shutil.copy2(login_data, os.path.join(work, "ld"))
    con = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    rows = con.execute("SELECT origin_url, username_value, password_value FROM logins").fetchall()
    con.close()
con = sqlite3.connect(f"file:{login_data}?immutable=1", uri=True)
rows += con.execute("SELECT origin_url, username_value, password_value FROM logins").fetchall()
con.close()
print(len(rows), "logins")
