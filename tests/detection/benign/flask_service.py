# A Flask service with a blueprint, templates on disk, sessions, JSON
# errors and SQLite, served by werkzeug's threaded server on loopback and
# called with requests, as in a staging smoke test.
import os, sqlite3, threading

import flask
import requests
from werkzeug.serving import make_server

workdir = os.environ["BENIGN_WORKDIR"]
os.makedirs(os.path.join(workdir, "templates"), exist_ok=True)
with open(os.path.join(workdir, "templates", "notes.html"), "w") as out:
    out.write("<ul>{% for n in notes %}<li>{{ n['text'] }}</li>{% endfor %}</ul><p>{{ session.get('user') }}</p>")
database = os.path.join(workdir, "notes.db")
with sqlite3.connect(database) as connection:
    connection.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")

api = flask.Blueprint("api", __name__, url_prefix="/api")


def db():
    if "db" not in flask.g:
        flask.g.db = sqlite3.connect(database)
        flask.g.db.row_factory = sqlite3.Row
    return flask.g.db


@api.post("/notes")
def add_note():
    text = (flask.request.get_json(silent=True) or {}).get("text")
    if not text:
        flask.abort(400, "text is required")
    with db():
        db().execute("INSERT INTO note(text) VALUES (?)", (text,))
    return {"ok": True}, 201


app = flask.Flask(__name__, template_folder=os.path.join(workdir, "templates"))
app.secret_key = "benign-only"
app.register_blueprint(api)
app.teardown_appcontext(lambda error: flask.g.pop("db", None) and None)


@app.errorhandler(400)
def bad_request(error):
    return {"error": error.description}, 400


@app.get("/login/<user>")
def login(user):
    flask.session["user"] = user
    return flask.redirect(flask.url_for("notes"))


@app.get("/")
def notes():
    return flask.render_template("notes.html", notes=db().execute("SELECT text FROM note ORDER BY id").fetchall())


server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"
with requests.Session() as client:
    client.trust_env = False
    assert client.post(base + "/api/notes", json={"text": "rotate logs"}, timeout=5).status_code == 201
    assert client.post(base + "/api/notes", json={}, timeout=5).json() == {"error": "text is required"}
    page = client.get(base + "/login/ada", timeout=5).text
    assert "<li>rotate logs</li>" in page and "<p>ada</p>" in page
server.shutdown()
