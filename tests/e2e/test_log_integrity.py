"""The log file itself: only a regular file is a log, no open or write of it
blocks for ever, a record that cannot be written is counted and shows, and
the program cannot move, cut or overwrite the log through its path, its
descriptor or its resource limits."""

import datetime
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import alerts, assert_chained, assert_contract, events, read_records

# Records in a shared log older than this are another run's.
STARTED = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")

ROOT_ONLY = "mounting a small tmpfs needs root; CI and make test run as root"
INTERFERENCE = "vigil.log_interference"


def fallback_log(tmp_path):
    """The log a process falls back to (the user's own), with the state
    directory the tests give it."""
    return "/var/log/vigil/python.jsonl" if os.geteuid() == 0 else str(tmp_path / "state/vigil/python.jsonl")


def own_records(path, pid):
    """The records of one process in a log other processes share (for root,
    the system log): its lines from this test on, each checked to parse,
    and their chain."""
    records, lines = [], []
    for line in Path(path).read_bytes().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # another process's line
        if record["pid"] == pid and record["ts"] >= STARTED:
            records.append(record)
            lines.append(line)
    assert_chained(lines, records)
    return records


@pytest.mark.parametrize("reader", [False, True], ids=["no-reader", "reader-that-never-reads"])
def test_a_fifo_at_the_log_path_is_refused_at_start(vigil_run, tmp_path, reader):
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    held = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK) if reader else None
    try:
        code = "import os, sys\nfor i in range(2000): sys.audit('fill', 'x' * 100)\nprint(os.getpid())\n"
        run = vigil_run(["-c", code], env={"VIGIL_LOG": str(fifo), "XDG_STATE_HOME": str(tmp_path / "state")},
                        timeout=30)
    finally:
        if held is not None:
            os.close(held)
    assert run.returncode == 0, run.stderr
    records = own_records(fallback_log(tmp_path), int(run.stdout))
    assert_contract(records)
    start = records[0]
    assert start["log"] == fallback_log(tmp_path)
    assert start["unusable_logs"][0]["path"] == str(fifo)
    assert "a FIFO, not a regular file" in start["unusable_logs"][0]["error"]
    assert len(events(records, "fill")) == 2000 and records[-1]["kind"] == "stop"


def test_a_directory_or_device_at_the_log_path_is_refused(vigil_run, tmp_path):
    for path, what in [(tmp_path, "Is a directory"), ("/dev/null", "a character device, not a regular file")]:
        run = vigil_run(["-c", "import os; print(os.getpid())"],
                        env={"VIGIL_LOG": str(path), "XDG_STATE_HOME": str(tmp_path / "state")}, timeout=30)
        assert run.returncode == 0, run.stderr
        start = own_records(fallback_log(tmp_path), int(run.stdout))[0]
        assert what in start["unusable_logs"][0]["error"], start


RENAME_A_FIFO_OVER_THE_LOG = """
import os, sys, time
log, fifo = sys.argv[1], sys.argv[2]
sys.audit('before.swap')
os.rename(fifo, log)
time.sleep(1.1)  # past the once-a-second check of the log's path
for i in range(2000): sys.audit('after.swap', 'x' * 100)
print(os.getpid())
"""


@pytest.mark.parametrize("keep_old", [True, False], ids=["old-log-linked", "old-log-removed"])
def test_a_fifo_renamed_over_the_log_while_running_does_not_hang(vigil_run, log, tmp_path, keep_old):
    fifo = tmp_path / "swap.fifo"
    os.mkfifo(fifo)
    kept = tmp_path / "kept.jsonl"
    # A reader that never reads: a write that reached the FIFO would block
    # once the pipe is full.
    held = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code = RENAME_A_FIFO_OVER_THE_LOG
        if keep_old:
            code = code.replace("os.rename(fifo, log)", "os.link(log, sys.argv[3]); os.rename(fifo, log)")
        run = vigil_run(["-c", code, str(log), str(fifo), str(kept)],
                        env={"XDG_STATE_HOME": str(tmp_path / "state")}, timeout=60)
    finally:
        os.close(held)
    assert run.returncode == 0, run.stderr
    pid = int(run.stdout)
    if keep_old:
        # The records go on in the file the path named: still in a directory.
        records = own_records(kept, pid)
        assert_contract(records)
    else:
        # The file is gone from every directory: the records go on in the
        # fallback log, after a visible gap (no start record there).
        records = own_records(fallback_log(tmp_path), pid)
    assert len(events(records, "after.swap")) == 2000 and records[-1]["kind"] == "stop"
    swap = alerts(records, INTERFERENCE)
    assert swap and "now names a FIFO" in swap[0]["message"], swap


def test_a_relative_log_path_does_not_follow_chdir(vigil_run, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "import os, sys\nsys.audit('before.chdir')\nos.chdir(sys.argv[1])\nsys.audit('after.chdir')\n"
    run = vigil_run(["-c", code, str(elsewhere)], env={"VIGIL_LOG": "relative.jsonl"}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert not (elsewhere / "relative.jsonl").exists()
    records = read_records(tmp_path / "relative.jsonl")
    assert_contract(records)
    assert records[0]["log"] == str(tmp_path / "relative.jsonl")
    assert events(records, "after.chdir") and records[-1]["kind"] == "stop"


@pytest.fixture
def full_log(tmp_path):
    """A log on a tmpfs with no space left."""
    if os.geteuid() != 0:
        pytest.skip(ROOT_ONLY)
    mount = tmp_path / "full"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
    try:
        subprocess.run(["dd", "if=/dev/zero", f"of={mount / 'filler'}", "bs=4k", "count=64"], capture_output=True)
        yield mount / "log.jsonl"
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_enforce_mode_refuses_to_run_without_a_start_record(vigil_run, tmp_path, full_log):
    policy = tmp_path / "enforce.toml"
    policy.write_text('version = 1\nname = "enforcing"\nmode = "enforce"\n')
    run = vigil_run(["-c", "print('ran')"], env={"VIGIL_LOG": str(full_log), "VIGIL_POLICY": str(policy)})
    assert run.returncode == 78 and run.stdout == b"", run.stderr
    assert b"vigil-python: refusing to run: the start record cannot be written" in run.stderr
    assert b"No space left on device" in run.stderr


def test_audit_mode_says_so_and_falls_back_without_a_start_record(vigil_run, tmp_path, full_log):
    run = vigil_run(["-c", "import os; print(os.getpid())"],
                    env={"VIGIL_LOG": str(full_log), "XDG_STATE_HOME": str(tmp_path / "state")})
    assert run.returncode == 0, run.stderr
    assert b"vigil-python: WARNING: cannot write the start record to " + bytes(full_log) in run.stderr
    records = own_records(fallback_log(tmp_path), int(run.stdout))
    assert_contract(records)
    assert records[0]["unusable_logs"] == [
        {"path": str(full_log), "error": "cannot write the start record: No space left on device"}]
    assert records[-1]["kind"] == "stop" and records[-1]["records_dropped"] == 0


TAMPER_WITH_THE_DESCRIPTOR = """
import fcntl, os, sys
log = sys.argv[1]
own = os.stat(log)
def is_the_log(number):
    try:
        status = os.stat('/proc/self/fd/' + number)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) == (own.st_dev, own.st_ino)
fd = next(int(number) for number in os.listdir('/proc/self/fd') if is_the_log(number))
sys.audit('found', fd)
TAMPER
os.lseek(fd, 0, os.SEEK_SET)
sys.audit('after.tamper')
"""


@pytest.mark.parametrize("tamper", [
    "fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_APPEND)",
    "other = os.open(log, os.O_WRONLY); os.dup2(other, fd)",
], ids=["fcntl-clears-append", "dup2-same-file-without-append"])
def test_the_log_is_never_overwritten_through_its_descriptor(vigil_run, log, tamper):
    code = TAMPER_WITH_THE_DESCRIPTOR.replace("TAMPER", tamper)
    run = vigil_run(["-c", code, str(log)])
    records = run.checked_records()
    assert records[0]["kind"] == "start" and events(records, "after.tamper")
    alert = alerts(records, INTERFERENCE)
    assert alert and "flags changed" in alert[0]["message"], alert


def can_pass_hard_limits():
    with open("/proc/self/status") as status:
        effective = next(int(line.split()[1], 16) for line in status if line.startswith("CapEff:"))
    return bool(effective & (1 << 24))  # CAP_SYS_RESOURCE


def run_under_file_size_limit(vigil_run, limit):
    code = ("import os, resource, signal, subprocess, sys\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # SIGXFSZ from a write would end the process\n"
            f"{limit}\n"
            "for i in range(20): sys.audit('after.limit', i)\n")
    return vigil_run(["-c", code], env={"VIGIL_POLICY": "default"})


@pytest.mark.parametrize("limit", [
    "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))",
    "subprocess.run(['prlimit', '--pid', str(os.getpid()), '--fsize=1:'], check=True)",
], ids=["setrlimit", "prlimit-from-outside"])
def test_a_file_size_limit_does_not_blind_the_log(vigil_run, limit):
    records = run_under_file_size_limit(vigil_run, limit).checked_records()
    assert [e["args"][0] for e in events(records, "after.limit")] == list(range(20))
    assert records[-1]["kind"] == "stop" and records[-1]["records_dropped"] == 0
    alert = alerts(records, INTERFERENCE)
    assert alert and "RLIMIT_FSIZE" in alert[0]["message"] and alert[0]["severity"] == "high", alert
    if "setrlimit" in limit:
        assert [a["severity"] for a in alerts(records, "log-blinding-limits")] == ["high"]


def test_a_hard_file_size_limit_is_an_alert_and_never_kills(vigil_run):
    run = run_under_file_size_limit(vigil_run, "resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))")
    assert run.returncode == 0, run.stderr
    records = run.records
    assert_contract(records)
    assert alerts(records, "log-blinding-limits")[0]["severity"] == "high"
    if can_pass_hard_limits():
        assert len(events(records, "after.limit")) == 20 and records[-1]["kind"] == "stop"
    else:
        # No write to any file can pass it: the alert is the last record.
        assert records[-1]["rule"] == "log-blinding-limits", records[-1]


def test_a_lowered_descriptor_limit_does_not_stop_the_log_reopening(vigil_run):
    code = ("import os, resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (3, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))\n"
            "os.closerange(3, 1 << 16)\n"
            "sys.audit('after.close')\n")
    records = vigil_run(["-c", code]).checked_records()
    assert events(records, "after.close") and records[-1]["records_dropped"] == 0
    assert any("was closed" in a["message"] for a in alerts(records, INTERFERENCE))
