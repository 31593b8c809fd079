# sqlite3 as applications use it: schema migrations, parameterised queries,
# transactions rolled back on error, a user-defined function, a backup and
# an iterdump.
import os, sqlite3

path = os.path.join(os.environ["BENIGN_WORKDIR"], "app.db")
connection = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES)
connection.row_factory = sqlite3.Row
migrations = ["CREATE TABLE IF NOT EXISTS host (id INTEGER PRIMARY KEY, name TEXT UNIQUE, seen TIMESTAMP)",
              "CREATE TABLE IF NOT EXISTS check_result (host_id INTEGER REFERENCES host(id), ok INTEGER)",
              "CREATE INDEX IF NOT EXISTS by_host ON check_result(host_id)"]
with connection:
    for statement in migrations:
        connection.execute(statement)
    connection.execute("PRAGMA user_version = 3")
    connection.executemany("INSERT INTO host(name, seen) VALUES (?, datetime('now'))", [(f"web{n}",) for n in range(20)])
    connection.executemany("INSERT INTO check_result VALUES (?, ?)", [(n % 20 + 1, n % 3 != 0) for n in range(200)])
try:
    with connection:
        connection.execute("INSERT INTO host(name) VALUES ('web1')")
except sqlite3.IntegrityError:
    pass
connection.create_function("shout", 1, lambda text: text.upper(), deterministic=True)
rows = connection.execute("SELECT shout(name) AS name, avg(ok) AS rate FROM host JOIN check_result ON host.id = host_id "
                          "GROUP BY host.id ORDER BY rate DESC, name LIMIT 3").fetchall()
assert rows[0]["name"].startswith("WEB")
copy = sqlite3.connect(os.path.join(os.environ["BENIGN_WORKDIR"], "backup.db"))
connection.backup(copy)
assert copy.execute("SELECT count(*) FROM host").fetchone()[0] == 20
assert any("CREATE TABLE" in line for line in connection.iterdump())
copy.close()
connection.close()
