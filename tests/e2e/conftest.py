"""Shared helpers for the end-to-end tests: they run the real vigil-python
(and the stock interpreter of the same version for comparison) and read the records it wrote."""

import collections
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("VIGIL_BIN", ROOT / "build" / "bin"))
VIGIL_PYTHON = str(BIN / "vigil-python")
VIGIL = str(BIN / "vigil")
# The stock interpreter of the version vigil-python embeds (make sets it).
STOCK_PYTHON = os.environ.get("VIGIL_STOCK_PYTHON", "/usr/bin/python3.11")
STOCK_VERSION = tuple(int(part) for part in re.search(r"(\d+)\.(\d+)$", STOCK_PYTHON).groups())
CACHE_TAG = "cpython-%d%d" % STOCK_VERSION  # of its .pyc files and extension modules
# The sub-interpreter module: _xxsubinterpreters until 3.12, _interpreters from 3.13.
SUBINTERPRETERS = "_interpreters" if STOCK_VERSION >= (3, 13) else "_xxsubinterpreters"
SYSTEM_POLICY = Path("/etc/vigil/policy.toml")

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
KINDS = {"start", "event", "alert", "stop", "transcript", "heartbeat"}
SEVERITIES = {"info", "low", "medium", "high", "critical"}


def read_records(path):
    """Every line of the log as a dict; fails on a partial or non-JSON line,
    and on a record whose `prev` is not the hash of its process's line
    before it."""
    data = Path(path).read_bytes()
    assert data.endswith(b"\n") or not data, "log ends inside a line"
    lines = data.split(b"\n")[:-1]
    records = [json.loads(line) for line in lines]
    assert_chained(lines, records)
    return records


# What a start record's `chain_hash` names; SHA-256 when it names none
# (logs written before it did).
CHAIN_HASHES = {"blake2b-256": lambda line: hashlib.blake2b(line, digest_size=32).hexdigest(),
                "sha256": lambda line: hashlib.sha256(line).hexdigest()}


def assert_chained(lines, records):
    last = {}  # (host, pid) -> (seq, hash of its line, the run's hash) of a chained run
    for line, record in zip(lines, records):
        key = (record["host"], record["pid"])
        if record["kind"] == "start" and record["seq"] == 1:
            last.pop(key, None)
            assert "prev" not in record, record
            if not record.get("chain"):
                continue
            chain_hash = CHAIN_HASHES[record.get("chain_hash", "sha256")]
        elif key not in last:
            continue
        else:
            chain_hash = last[key][2]
            if record["seq"] == last[key][0] + 1:
                assert record.get("prev") == last[key][1], f"broken chain at {record}"
        last[key] = (record["seq"], chain_hash(line), chain_hash)


def by_pid(records):
    grouped = collections.defaultdict(list)
    for record in records:
        grouped[record["pid"]].append(record)
    return grouped


def assert_contract(records):
    """The record contract of DEVELOPERS.md, for every process in the log."""
    assert records, "no records"
    for record in records:
        assert TS.match(record["ts"]), record
        assert record["kind"] in KINDS, record
        assert isinstance(record["pid"], int) and isinstance(record["host"], str)
    for pid, own in by_pid(records).items():
        assert [r["seq"] for r in own] == list(range(1, len(own) + 1)), f"seq gap in {pid}"
        assert own[0]["kind"] == "start", own[0]
    seqs = {(r["pid"], r["seq"]) for r in records}
    # A forked child shares its parent's transcripts: hashes are log-wide.
    transcribed = {}
    for record in records:
        if record["kind"] == "transcript":
            assert re.fullmatch(r"[0-9a-f]{64}", record["sha256"]), record
            assert record["origin"] in {"script", "startup", "stdin", "command", "import", "string"}, record
            assert isinstance(record["size"], int) and isinstance(record["truncated"], bool), record
            transcribed.setdefault(record["sha256"], record["seq"])
        elif record["kind"] == "event" and "transcript" in record:
            assert record["transcript"] in transcribed, f"event names an unwritten transcript: {record}"
    for record in records:
        if record["kind"] == "event":
            assert isinstance(record["event"], str) and isinstance(record["tid"], int)
            assert "args" in record and "site" in record
        elif record["kind"] == "alert":
            assert isinstance(record["rule"], str) and record["severity"] in SEVERITIES, record
            assert isinstance(record["attack"], list) and isinstance(record["message"], str), record
            assert (record["pid"], record["seq_ref"]) in seqs and record["seq_ref"] < record["seq"], record


def alerts(records, rule=None):
    return [r for r in records if r["kind"] == "alert" and (rule is None or r["rule"] == rule)]


def events(records, name=None):
    return [r for r in records if r["kind"] == "event" and (name is None or r["event"] == name)]


class Run:
    def __init__(self, completed, log):
        self.completed = completed
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.log = log

    @property
    def records(self):
        return read_records(self.log)

    def checked_records(self):
        """The records of a run that must have succeeded, checked against the contract."""
        assert self.returncode == 0, self.stderr
        records = self.records
        assert_contract(records)
        return records


def run_on_terminal(argv, keystrokes, env, cwd):
    """Runs argv with a pseudo-terminal as stdin, stdout and stderr, types
    `keystrokes`, and returns (exit status, everything it wrote)."""
    import pty
    import select

    controller, terminal = pty.openpty()
    process = subprocess.Popen(argv, stdin=terminal, stdout=terminal, stderr=terminal, env=env, cwd=cwd,
                               close_fds=True)
    os.close(terminal)
    os.write(controller, keystrokes)
    output = b""
    while process.poll() is None or select.select([controller], [], [], 0.2)[0]:
        if select.select([controller], [], [], 5)[0]:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    status = process.wait(timeout=30)
    os.close(controller)
    return status, output


@pytest.fixture
def log(tmp_path):
    return tmp_path / "vigil.jsonl"


@pytest.fixture
def vigil_run(log, tmp_path):
    """Runs vigil-python with the test's log; returns a Run."""

    def run(args, input=None, env=None, timeout=120, **kwargs):
        full_env = dict(os.environ)
        full_env.pop("PYTHONPATH", None)
        full_env["VIGIL_LOG"] = str(log)
        full_env.update(env or {})
        completed = subprocess.run(
            [VIGIL_PYTHON, *args], input=input, capture_output=True, env=full_env,
            timeout=timeout, cwd=kwargs.pop("cwd", tmp_path), **kwargs)
        return Run(completed, log)

    return run


@pytest.fixture
def script(tmp_path):
    """Writes a script file and returns its path."""

    def write(text, name="script.py"):
        path = tmp_path / name
        path.write_text(text)
        return str(path)

    return write


@pytest.fixture
def system_policy(tmp_path):
    """Installs a system policy for one test and restores what was there."""
    if os.geteuid() != 0:
        pytest.skip("the system policy lives in /etc/vigil, which only root may write; run `make test` as root")
    directory = SYSTEM_POLICY.parent
    created = not directory.exists()
    directory.mkdir(mode=0o755, exist_ok=True)
    saved = tmp_path / "saved-policy.toml"
    had = SYSTEM_POLICY.exists()
    if had:
        shutil.copy2(SYSTEM_POLICY, saved)
    mode = stat.S_IMODE(directory.stat().st_mode)

    def install(text, file_mode=0o644):
        SYSTEM_POLICY.write_text(text)
        SYSTEM_POLICY.chmod(file_mode)

    yield install
    directory.chmod(mode)
    if had:
        shutil.copy2(saved, SYSTEM_POLICY)
    else:
        SYSTEM_POLICY.unlink(missing_ok=True)
        if created:
            directory.rmdir()


@pytest.fixture
def noexec_mount(tmp_path):
    """A tmpfs mounted noexec, where the kernel's AT_EXECVE_CHECK refuses
    every file."""
    mount_point = tmp_path / "noexec"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "noexec,size=1m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"a noexec tmpfs needs root to mount: {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


@pytest.fixture(scope="session")
def stdlib_trust(tmp_path_factory):
    """The standard library's trust file, built by `vigil trust build`."""
    path = tmp_path_factory.mktemp("trust") / "stdlib.trust"
    built = subprocess.run([VIGIL, "trust", "build", "-o", str(path), "/usr/lib/python%d.%d" % STOCK_VERSION],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return path


def trust_files(database, *files):
    """Adds the files, as they are now, to a trust file."""
    added = subprocess.run([VIGIL, "trust", "add", "--database", str(database), *map(str, files)],
                           capture_output=True, text=True)
    assert added.returncode == 0, added.stderr


@pytest.fixture(scope="session")
def host_trust(tmp_path_factory):
    """What an administrator trusts on a host, as docs/trust.md's set-up
    builds it: the standard library and Debian's dist-packages."""
    path = tmp_path_factory.mktemp("host-trust") / "host.trust"
    built = subprocess.run([VIGIL, "trust", "build", "-o", str(path), "/usr/lib/python%d.%d" % STOCK_VERSION,
                            "/usr/lib/python3/dist-packages"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return path


class StrictPolicy:
    """policies/strict.toml, trusting the given trust file and what the test adds."""

    def __init__(self, directory, base_trust):
        self.database = directory / "local.trust"
        text = (ROOT / "policies" / "strict.toml").read_text()
        text = text.replace('database = ["/etc/vigil/trust.d"]', f'database = ["{base_trust}", "{self.database}"]')
        self.path = str(directory / "strict.toml")
        Path(self.path).write_text(text)

    def trust(self, *files):
        trust_files(self.database, *files)


@pytest.fixture
def strict(tmp_path, stdlib_trust):
    return StrictPolicy(tmp_path, stdlib_trust)


@pytest.fixture
def host_strict(tmp_path, host_trust):
    """strict.toml on a host whose standard library and dist-packages are
    trusted; the test trusts its own files with .trust()."""
    return StrictPolicy(tmp_path, host_trust)


def write_explained_incident(directory):
    """A log written by hand in which an alert carries a subject and a
    because chain: a parent (pid 100) connects out and starts a child
    (pid 101) that compiles text and starts a shell; the child's alert
    names facts from both. The parent's records are in a log of their own,
    given after the child's, so readers must look across logs and back.
    Returns (child log, parent log)."""
    def record(pid, seq, kind, **members):
        return json.dumps({"ts": f"2026-11-26T04:00:00.{pid * 100 + seq:06d}Z", "seq": seq, "kind": kind, "pid": pid,
                           "host": "h", **members})

    def event(pid, seq, name, args, file, line):
        return record(pid, seq, "event", event=name, tid=pid, site={"file": file, "line": line, "function": "<module>"},
                      args=args)

    parent = [
        record(100, 1, "start", ppid=1, uid=0, entry={"mode": "script", "target": "/srv/stage1.py"},
               argv=["vigil-python", "/srv/stage1.py"]),
        event(100, 2, "socket.connect", {"self": "<socket>", "address": ["127.0.0.1", 4444]}, "/srv/stage1.py", 7),
        event(100, 3, "subprocess.Popen", {"executable": "/usr/bin/vigil-python",
                                           "args": ["vigil-python", "-c", "exec(payload)"], "cwd": None, "env": None},
              "/srv/stage1.py", 9),
        record(100, 4, "alert", rule="old-style", severity="high", attack=["T1105"],
               message="an alert from a log written before chains", seq_ref=2),
        record(100, 5, "stop", status=0),
    ]
    child = [
        record(101, 1, "start", ppid=100, uid=0, entry={"mode": "command", "target": "exec(payload)"},
               argv=["vigil-python", "-c", "exec(payload)"]),
        event(101, 2, "compile", {"source": {"bytes": "import os; os.system('/bin/sh -i')"}, "filename": "<string>"},
              "<string>", 1),
        event(101, 3, "os.system", {"command": {"bytes": "/bin/sh -i <script>x</script>\u001b[2J"}}, "<string>", 1),
        record(101, 4, "alert", rule="shell-wired-to-network", severity="critical", attack=["T1059.004"],
               message="a shell starts with a socket on its standard input", seq_ref=3,
               subject="/bin/sh -i <script>x</script>\u001b[2J",
               because=[{"fact": "net.connected", "pid": 100, "seq": 2, "subject": "127.0.0.1:4444"},
                        {"fact": "code.compiled", "pid": 101, "seq": 2, "subject": "<string>"},
                        {"fact": "net.received", "pid": 100, "seq": 77}]),
        record(101, 5, "stop", status=0),
    ]
    child_log, parent_log = directory / "child.jsonl", directory / "parent.jsonl"
    child_log.write_text("\n".join(child) + "\n")
    parent_log.write_text("\n".join(parent) + "\n")
    return child_log, parent_log
