"""Learning and replay (issue 21 item 5): `vigil policy replay`, `vigil
policy learn` and `vigil trust learn`, and the administrator's procedure
they serve (docs/operation.md, "From audit to enforce"): run in audit mode
under a watch-only copy of the policy, learn, review, enforce."""
import hashlib
import json
import os
import re
import socketserver
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import STOCK_PYTHON, STOCK_VERSION, VIGIL, VIGIL_PYTHON, alerts, read_records

STDLIB = "/usr/lib/python%d.%d" % STOCK_VERSION

# A small application: its own modules, code it generates, an outbound
# connection, and a child interpreter.
APP = {
    "main.py": '''\
import socket
import subprocess
import sys
from pathlib import Path

import gen
import helpers


def main():
    port = int(sys.argv[1])
    triple = gen.make("triple", 3)
    print("triple", triple(14))
    print(helpers.greeting("vigil"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"ping\\n")
        print("server said", connection.makefile().readline().strip())
    child = subprocess.run([sys.executable, str(Path(__file__).with_name("child.py"))],
                           capture_output=True, text=True)
    print("child said", child.stdout.strip(), child.returncode)
    return 0


sys.exit(main())
''',
    "helpers.py": 'def greeting(name):\n    return "hello, " + name\n',
    # Code generated from a template the module holds, as template engines
    # and ORMs do.
    "gen.py": '''\
TEMPLATE = "def {name}(x):\\n    return x * {factor}\\n"


def make(name, factor):
    namespace = {}
    source = TEMPLATE.format(name=name, factor=int(factor))
    exec(compile(source, "<generated %s>" % name, "exec"), namespace)
    return namespace[name]
''',
    "child.py": 'import helpers\nprint(helpers.greeting("child"))\n',
}

OUTBOUND = '''
[[rule]]
id = "outbound"
event = "socket.connect"
args.address = { cidr = ["0.0.0.0/0", "::/0"] }
action = "deny"
severity = "medium"
message = "outbound connections are not allowed"
'''

LEARNED_MARK = "# ---- Learned rules"
# What strict's [entry] refuses of Python's own start-up in every run
# (.pth files, sitecustomize, PYTHON* variables); Python goes on.
STARTUP_RESTRICTIONS = {"entry.pth_files", "entry.sitecustomize", "entry.usercustomize", "entry.environment"}


def denials(records):
    """The rules that refused something of the application."""
    return [a["rule"] for a in alerts(records)
            if a["action"] in ("deny", "kill") and a["enforced"] and a["rule"] not in STARTUP_RESTRICTIONS]


class PongHandler(socketserver.StreamRequestHandler):
    def handle(self):
        if self.rfile.readline():
            self.wfile.write(b"pong\n")


@pytest.fixture
def server():
    """A local TCP server answering pong; yields its port."""
    servers = []

    def start():
        instance = socketserver.ThreadingTCPServer(("127.0.0.1", 0), PongHandler)
        instance.daemon_threads = True
        threading.Thread(target=instance.serve_forever, daemon=True).start()
        servers.append(instance)
        return instance.server_address[1]

    yield start
    for instance in servers:
        instance.shutdown()
        instance.server_close()


def write_app(directory):
    directory.mkdir()
    for name, text in APP.items():
        (directory / name).write_text(text)
    return directory


def policies(tmp_path, host_strict, extra=""):
    """The policy to enforce (strict over the host's trust, plus `extra`)
    and its watch-only copy: the same rules in audit mode."""
    text = Path(host_strict.path).read_text() + extra
    assert 'mode = "enforce"' in text
    base = tmp_path / "base.toml"
    base.write_text(text)
    watch = tmp_path / "watch.toml"
    watch.write_text(text.replace('mode = "enforce"', 'mode = "audit"', 1))
    return base, watch


def run_app(app, policy, log, port, stock=False):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.update(VIGIL_POLICY=str(policy), VIGIL_LOG=str(log))
    interpreter = STOCK_PYTHON if stock else VIGIL_PYTHON
    return subprocess.run([interpreter, str(app / "main.py"), str(port)], capture_output=True, text=True,
                          env=env, cwd=app, timeout=120)


def vigil(*args):
    return subprocess.run([VIGIL, *map(str, args)], capture_output=True, text=True, timeout=120)


def learned_rules(text):
    """The learned [[rule]] tables that are not commented out, as dicts of
    their keys' raw TOML values."""
    tail = text[text.index(LEARNED_MARK):]
    rules = []
    for block in re.split(r"^\[\[rule\]\]\n", tail, flags=re.M)[1:]:
        keys = {}
        for line in block.splitlines():
            if not line or line.startswith("#"):
                break
            key, _, value = line.partition(" = ")
            keys[key] = value
        rules.append(keys)
    return rules


def trust_entries(text):
    """The active entries of a trust file: {path: (size, sha256)}."""
    entries = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            fields = line.split(" ")
            if fields[-1].startswith("stat="):
                fields.pop()
            entries[" ".join(fields[:-2])] = (int(fields[-2]), fields[-1])
    return entries


def learn(tmp_path, host_strict, base, log):
    """What an administrator runs after the audit run: the trust entries
    into the drop-in trust file the policy reads, the rules into a
    proposal."""
    trust = vigil("trust", "learn", "-o", host_strict.database, log)
    assert trust.returncode == 0, trust.stderr
    proposal = tmp_path / "learned.toml"
    learned = vigil("policy", "learn", "--base", base, "-o", proposal, log)
    assert learned.returncode == 0, learned.stderr
    return Path(host_strict.database).read_text(), proposal


def review_trust(trust_text, app):
    """The application's own files, with the bytes they have; beside them
    only the host's own .pth files that site read (a host outside the
    trust database may have some in /usr/local), which strict's
    `pth_files = false` refuses whatever their trust."""
    entries = trust_entries(trust_text)
    expected = {str(app / name): (len(APP[name].encode()), hashlib.sha256(APP[name].encode()).hexdigest())
                for name in APP}
    assert {path: entries[path] for path in expected if path in entries} == expected
    others = set(entries) - set(expected)
    assert all(path.endswith(".pth") and not path.startswith(str(app.parent)) for path in others), others


def test_learn_review_enforce_trust_and_generators(tmp_path, host_strict, server):
    """Learn → review → enforce on strict: the application's files get trust
    entries pinned to their bytes, its template module becomes a generator,
    no rule is needed; enforced, the same run succeeds with no denial, and a
    changed module is refused."""
    app = write_app(tmp_path / "app")
    base, watch = policies(tmp_path, host_strict)
    port = server()
    stock = run_app(app, watch, tmp_path / "stock.jsonl", port, stock=True)
    assert stock.returncode == 0, stock.stderr

    audit_log = tmp_path / "audit.jsonl"
    audited = run_app(app, watch, audit_log, port)
    assert (audited.returncode, audited.stdout) == (stock.returncode, stock.stdout), audited.stderr
    audit_alerts = {a["rule"] for a in alerts(read_records(audit_log))}
    assert {"trust.code", "trust.provenance"} <= audit_alerts

    # Before learning, replaying the enforced policy over the audit run
    # names what it would deny, and why.
    before = vigil("policy", "replay", "--policy", base, "--json", audit_log)
    assert before.returncode == 1, before.stderr
    report = json.loads(before.stdout)
    denied = {(d["rule"], d["detail"].split(":")[0]) for d in report["denials"]}
    for name in APP:
        assert ("trust.code", str(app / name)) in denied
    assert any(d["rule"] == "trust.provenance" and str(app / "gen.py") in d["detail"] for d in report["denials"])

    trust_text, proposal = learn(tmp_path, host_strict, base, audit_log)
    review_trust(trust_text, app)
    text = proposal.read_text()
    assert learned_rules(text) == []
    assert f'"{app / "gen.py"}"' in text.split("generators = [", 1)[1].split("]", 1)[0]
    assert not re.search(r"^[^#\n]*!!!", text, re.M)
    check = vigil("policy", "check", proposal)
    assert check.returncode == 0, check.stdout + check.stderr

    # The learned policy over the same run: nothing left to deny.
    after = vigil("policy", "replay", "--policy", proposal, audit_log)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "summary: nothing would be denied" in after.stdout

    enforce_log = tmp_path / "enforce.jsonl"
    enforced = run_app(app, proposal, enforce_log, port)
    assert (enforced.returncode, enforced.stdout) == (stock.returncode, stock.stdout), enforced.stderr
    assert denials(read_records(enforce_log)) == []

    # A changed module is not what was learned: refused.
    (app / "helpers.py").write_text(APP["helpers.py"] + "import os\n")
    changed_log = tmp_path / "changed.jsonl"
    changed = run_app(app, proposal, changed_log, port)
    assert changed.returncode != 0
    refused = [a for a in alerts(read_records(changed_log), "trust.code") if a["enforced"]]
    assert refused and str(app / "helpers.py") in refused[0]["message"]


def test_learn_review_enforce_with_an_outbound_rule(tmp_path, host_strict, server):
    """The same procedure over strict with a rule that denies outbound
    connections: the learned allow rule carves out exactly the one address
    and port the application used, from its own file; a new connection
    target is denied. Needs allow rules (`action = "allow"`, `overrides`)
    in the policy loader."""
    app = write_app(tmp_path / "app")
    base, watch = policies(tmp_path, host_strict, OUTBOUND)
    port = server()
    audit_log = tmp_path / "audit.jsonl"
    audited = run_app(app, watch, audit_log, port)
    assert audited.returncode == 0, audited.stderr
    assert any(a["rule"] == "outbound" and not a["enforced"] for a in alerts(read_records(audit_log)))

    trust_text, proposal = learn(tmp_path, host_strict, base, audit_log)
    review_trust(trust_text, app)
    text = proposal.read_text()
    rules = learned_rules(text)
    # socket.create_connection makes the connection: the call site is the
    # standard library's socket.py, and the script narrows it to this
    # program.
    assert rules == [{
        "id": '"learned-1"',
        "event": '"socket.connect"',
        "action": '"allow"',
        "overrides": '["outbound"]',
        "args.address": f'{{ cidr = "127.0.0.1/32", port = {port} }}',
        "site.file": f'"{STDLIB}/socket.py"',
        "process.script": f'"{app / "main.py"}"',
    }]
    assert re.search(r"^# 1 event, first \S+, last \S+; first at \S+audit\.jsonl:\d+ pid \d+ seq \d+$", text, re.M)

    check = vigil("policy", "check", proposal)
    assert check.returncode == 0, check.stdout + check.stderr
    after = vigil("policy", "replay", "--policy", proposal, audit_log)
    assert after.returncode == 0, after.stdout + after.stderr

    enforced = run_app(app, proposal, tmp_path / "enforce.jsonl", port)
    audited_again = run_app(app, watch, tmp_path / "audit-again.jsonl", port)
    assert (enforced.returncode, enforced.stdout) == (0, audited_again.stdout), enforced.stderr
    assert denials(read_records(tmp_path / "enforce.jsonl")) == []

    # A new connection target is not what was learned: denied.
    other = server()
    moved_log = tmp_path / "moved.jsonl"
    moved = run_app(app, proposal, moved_log, other)
    assert moved.returncode != 0
    assert "outbound connections are not allowed" in moved.stderr
    assert denials(read_records(moved_log)) == ["outbound"]
