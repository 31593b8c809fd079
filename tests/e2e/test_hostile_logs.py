"""The vigil readers against input a logged program, or anyone, can write
(issue 18, defects 11, 12 and the reader side of 3): every reader is
bounded, says what it could not read and exits non-zero for it; nothing
crashes one; no option is taken that cannot mean anything; an empty log, or
a process without its start record, is not clean."""

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from conftest import VIGIL, VIGIL_PYTHON

# A bound on what the old readers could eat before they gave up: enough
# for the tools, far below a 400 MB line or /dev/zero.
MEMORY_LIMIT = 512 << 20
TIMEOUT = 15


# AddressSanitizer reserves terabytes of address space for its shadow, so a
# sanitized build runs without the limit: the fixed readers need none, it
# only shows what the unfixed ones did.
SANITIZED = b"__asan_init" in Path(VIGIL).read_bytes()


def limited():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def vigil(*args, env=None, timeout=TIMEOUT):
    return subprocess.run([VIGIL, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=limited, env=env, errors="replace")


def line(**members):
    return json.dumps(members, separators=(",", ":"))


def record(seq, kind, pid=4242, **members):
    return {"ts": "2026-11-22T16:04:08.000000Z", "seq": seq, "kind": kind, "pid": pid, "host": "elsewhere",
            **members}


START = record(1, "start", origin="exec", ppid=1, entry={"mode": "command", "target": "pass"})
EVENT = record(2, "event", event="open", args={"path": "/tmp/x", "mode": "r", "flags": 0}, site=None, tid=1)
STOP = record(3, "stop", status=0)


def write_log(path, *records):
    path.write_text("".join((r if isinstance(r, str) else line(**r)) + "\n" for r in records))
    return path


def crashed(result):
    # A signal (SIGABRT 134, SIGSEGV 139) shows as a negative status here.
    return result.returncode < 0 or result.returncode > 2


# Defect 11: wrong types and deep nesting ----------------------------------

@pytest.mark.parametrize("member", ["seq", "pid", "kind", "ppid", "origin"])
@pytest.mark.parametrize("value", ["7", [1], {"a": 1}, 1.5, True, None, -3])
def test_summary_survives_members_of_any_type(tmp_path, member, value):
    start = dict(START, **{member: value})
    log = write_log(tmp_path / "typed.jsonl", start, EVENT, STOP)
    result = vigil("summary", log)
    assert not crashed(result), (result.returncode, result.stderr)
    integer = isinstance(value, int) and not isinstance(value, bool)
    required = {"seq": integer and value >= 0, "pid": integer, "kind": isinstance(value, str)}
    if not required.get(member, True):
        assert result.returncode == 1
        assert "1 lines are not JSON records" in result.stdout


def test_arguments_nested_50000_deep_are_reported_not_fatal(tmp_path):
    deep = line(**EVENT).replace('"args":{"path":"/tmp/x","mode":"r","flags":0}',
                                 '"args":{"path":' + "[" * 50000 + "]" * 50000 + "}")
    log = write_log(tmp_path / "deep.jsonl", START, deep, STOP)
    summary = vigil("summary", log)
    assert summary.returncode == 1, (summary.returncode, summary.stderr)
    assert "1 lines are not JSON records" in summary.stdout
    verify = vigil("log", "verify", log)
    assert verify.returncode == 1, verify.stdout
    assert f"{log}:2: not a JSON record" in verify.stdout
    shown = vigil("log", log)
    assert shown.returncode == 0 and f"{log}:2: not a JSON record" in shown.stderr
    report = vigil("report", "-o", tmp_path / "r.html", log)
    assert report.returncode == 0, report.stderr


def test_a_line_with_a_member_twice_is_not_a_record(tmp_path):
    # simdjson reads the first `event`, nlohmann and Python's json the last:
    # readers would disagree on what the record says.
    forged = line(**EVENT)[:-1] + ',"event":"exec"}'
    log = write_log(tmp_path / "twice.jsonl", START, forged, STOP)
    verify = vigil("log", "verify", log)
    assert verify.returncode == 1 and f"{log}:2: not a record: a member appears twice" in verify.stdout


def test_summary_and_verify_never_print_logged_text_raw(tmp_path):
    # What `vigil log` has always done (analysis.md): a record cannot drive
    # the analyst's terminal through summary or verify either.
    hostile = "\x1b]0;owned\x07\x1b[2J\u009b31m\u202e"
    start = dict(START, host=hostile, origin=hostile, entry={"mode": hostile, "target": hostile})
    event = dict(EVENT, host=hostile, event="open" + hostile,
                 site={"file": "/tmp/a.py" + hostile, "line": 1}, args={"path": hostile, "mode": "w"})
    alert = record(3, "alert", host=hostile, rule=hostile, severity=hostile, message=hostile, seq_ref=2)
    gap = dict(STOP, host=hostile, seq=5)
    log = write_log(tmp_path / "terminal.jsonl", start, event, alert, gap)
    for result in (vigil("summary", log), vigil("log", "verify", log)):
        assert result.returncode == 1
        for raw in ("\x1b", "\x07", "\u009b", "\u202e"):
            assert raw not in result.stdout, (raw, result.stdout)
        assert "owned" in result.stdout


# Defect 11: reads that fail part-way ---------------------------------------

def test_a_line_too_long_to_read_makes_the_log_not_clean(tmp_path):
    # 400 MB of a line (a sparse hole: no disk) between two whole records,
    # read under a memory limit below its size.
    log = tmp_path / "long.jsonl"
    with open(log, "wb") as out:
        out.write((line(**START) + "\n").encode())
        out.seek(400 << 20, os.SEEK_CUR)
        out.write(b"\n" + (line(**EVENT) + "\n" + line(**STOP) + "\n").encode())
    verify = vigil("log", "verify", log)
    assert verify.returncode == 1, verify.stdout
    assert "line 2 is longer than 16 MiB: not read" in verify.stdout
    summary = vigil("summary", log)
    assert summary.returncode == 1
    assert "NOT READ" in summary.stdout and "line 2 is longer than 16 MiB" in summary.stdout
    assert "exit 0" in summary.stdout  # the stop after the long line was still read
    shown = vigil("log", "-j", log)
    assert shown.returncode == 2 and "line 2 is longer than 16 MiB" in shown.stderr
    assert len(shown.stdout.splitlines()) == 3
    report = vigil("report", "-o", tmp_path / "r.html", log)
    assert report.returncode == 1 and "line 2 is longer than 16 MiB" in report.stderr
    assert "Not read:" in (tmp_path / "r.html").read_text()


@pytest.mark.parametrize("command", [["log"], ["log", "verify"], ["summary"], ["report", "-o", "OUT"]])
def test_dev_zero_and_a_directory_are_not_logs(tmp_path, command):
    command = [str(tmp_path / "r.html") if word == "OUT" else word for word in command]
    for target, reason in (("/dev/zero", "not a log: a character device"), (tmp_path, "")):
        result = vigil(*command, target)
        assert result.returncode == 2, (target, result.returncode, result.stdout, result.stderr)
        assert reason in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_policy_and_trust_readers_refuse_devices_and_fifos_without_blocking(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    checked = vigil("policy", "check", "/dev/zero")
    assert checked.returncode == 1 and "not a regular file (a character device)" in checked.stderr
    checked = vigil("policy", "check", fifo)
    assert checked.returncode == 1 and "not a regular file (a FIFO)" in checked.stderr
    env = dict(os.environ, VIGIL_LOG=str(tmp_path / "x.jsonl"))
    for policy in ("/dev/zero", str(fifo)):
        run = subprocess.run([VIGIL_PYTHON, "-c", "print('ran')"], capture_output=True, text=True, timeout=TIMEOUT,
                             env=dict(env, VIGIL_POLICY=policy), preexec_fn=limited)
        assert run.returncode == 78 and run.stdout == "", run.stderr
        assert "not a regular file" in run.stderr
    program = tmp_path / "p.py"
    program.write_text("pass\n")
    database = tmp_path / "db.trust"
    assert vigil("trust", "add", "--database", database, program).returncode == 0
    status = vigil("trust", "status", "--database", database, fifo)
    assert status.returncode == 1 and "not a regular file (a FIFO)" in status.stderr
    added = vigil("trust", "add", "--database", database, fifo)
    assert added.returncode == 1 and "not a regular file (a FIFO)" in added.stderr
    added = vigil("trust", "add", "--database", fifo, program)
    assert added.returncode == 1 and "not a regular file (a FIFO)" in added.stderr
    status = vigil("trust", "status", "--database", fifo, program)
    assert status.returncode == 1 and "not a regular file (a FIFO)" in status.stderr


# Defect 3, the reader side --------------------------------------------------

def test_an_empty_log_is_not_clean(tmp_path):
    log = write_log(tmp_path / "empty.jsonl")
    verify = vigil("log", "verify", log)
    assert verify.returncode == 1 and "no records: an empty log" in verify.stdout
    # Blank lines are no records either.
    assert vigil("log", "verify", write_log(tmp_path / "blank.jsonl", "", "")).returncode == 1
    # Beside a whole log, an empty file is what logrotate's `create` leaves.
    whole = write_log(tmp_path / "whole.jsonl", START, EVENT, STOP)
    rotated = vigil("log", "verify", whole, log)
    assert rotated.returncode == 0 and f"note: {log} is empty" in rotated.stdout
    summary = vigil("summary", log)
    assert summary.returncode == 1 and "NO RECORDS" in summary.stdout


def test_a_process_without_its_start_record_is_not_clean(tmp_path):
    # Its records run 1, 2, 3 without a gap, but the first is not a start.
    log = write_log(tmp_path / "headless.jsonl", START, EVENT, STOP, dict(EVENT, pid=77, seq=1),
                    dict(STOP, pid=77, seq=2))
    verify = vigil("log", "verify", log)
    assert verify.returncode == 1 and "pid 77: its records begin at seq 1, without their start" in verify.stdout
    summary = vigil("summary", log)
    assert summary.returncode == 1 and "1 processes have NO START RECORD" in summary.stdout


# Defect 12: options that cannot mean anything ---------------------------------

@pytest.mark.parametrize("options", [
    ["--since", ""], ["--until", ""], ["--since", "2026-11-22T10:00:00+99:99"], ["-k", "bogus"], ["-n", "-5"],
    # Siblings.
    ["--since", "2026-02-31"], ["--since", "2026-11-22T10:00+24:00"], ["-p", "-1"], ["--tree", "0"],
    ["-e", "["], ["-a", "path=[z-a]"], ["--field", "site.file=\\"],
])
def test_log_refuses_options_it_cannot_mean(tmp_path, options):
    log = write_log(tmp_path / "ok.jsonl", START, EVENT, STOP)
    result = vigil("log", *options, log)
    assert result.returncode == 2, (result.returncode, result.stdout)
    assert result.stdout == "" and result.stderr


@pytest.mark.parametrize("options", [["--since", ""], ["--until", ""], ["--tree", "-4"]])
def test_report_and_summary_refuse_empty_times_and_bad_pids(tmp_path, options):
    log = write_log(tmp_path / "ok.jsonl", START, EVENT, STOP)
    assert vigil("report", "-o", tmp_path / "r.html", *options, log).returncode == 2
    assert not (tmp_path / "r.html").exists()
    if options[0] == "--tree":
        assert vigil("summary", *options, log).returncode == 2
