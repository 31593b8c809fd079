"""A record once written survives however the process ends; forks, threads
and concurrent writers keep the log whole."""

import ast
import fcntl
import json
import os
import signal
import subprocess

import pytest

from conftest import alerts, assert_contract, by_pid, events, read_records


def test_records_survive_os_exit(vigil_run):
    run = vigil_run(["-c", "import sys, os; sys.audit('before.exit', 1); os._exit(3)"])
    assert run.returncode == 3
    records = run.records
    assert_contract(records)
    assert events(records, "before.exit")
    assert records[-1]["kind"] == "event", "os._exit skips the stop record, not the events"


def test_records_survive_abort(vigil_run):
    run = vigil_run(["-c", "import sys, os; sys.audit('before.abort'); os.abort()"])
    assert run.returncode == -signal.SIGABRT
    assert events(run.records, "before.abort")


def test_records_survive_sigkill(vigil_run):
    code = ("import sys, os, signal\n"
            "for i in range(100): sys.audit('before.kill', i)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    run = vigil_run(["-c", code])
    assert run.returncode == -signal.SIGKILL
    records = run.records
    assert_contract(records)
    assert [e["args"][0] for e in events(records, "before.kill")] == list(range(100))
    assert events(records, "os.kill")


def test_normal_exit_status_is_in_the_stop_record(vigil_run):
    run = vigil_run(["-c", "raise SystemExit(7)"])
    assert run.returncode == 7
    assert run.records[-1]["kind"] == "stop" and run.records[-1]["status"] == 7


def test_forked_child_gets_its_own_start_pid_and_sequence(vigil_run):
    code = ("import os, sys\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    sys.audit('in.child', os.getpid())\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"
            "sys.audit('in.parent', pid)\n")
    run = vigil_run(["-c", code])
    records = run.checked_records()
    processes = by_pid(records)
    parent_pid = records[0]["pid"]
    (child_pid,) = [p for p in processes if p != parent_pid]
    child = processes[child_pid]
    assert child[0]["kind"] == "start" and child[0]["origin"] == "fork" and child[0]["seq"] == 1
    assert child[0]["ppid"] == parent_pid
    assert events(child, "in.child")[0]["args"] == [child_pid]
    assert events(child, "in.child")[0]["tid"] == child_pid
    assert events(processes[parent_pid], "in.parent")[0]["args"] == [child_pid]
    assert processes[parent_pid][-1]["kind"] == "stop"


def test_forked_child_that_returns_writes_its_own_stop(vigil_run):
    code = ("import os, sys\n"
            "pid = os.fork()\n"
            "if pid: os.waitpid(pid, 0)\n"
            "else: sys.exit(5)\n")
    run = vigil_run(["-c", code])
    stops = [r for r in run.records if r["kind"] == "stop"]
    assert sorted(s["status"] for s in stops) == [0, 5]


def test_children_started_through_sys_executable_are_audited(vigil_run, script):
    path = script("import subprocess, sys, multiprocessing as mp\n"
            "def work(): __import__('sys').audit('in.spawned')\n"
            "if __name__ == '__main__':\n"
            "    subprocess.run([sys.executable, '-c', 'import sys; sys.audit(\"in.subprocess\")'], check=True)\n"
            "    ctx = mp.get_context('spawn')\n"
            "    p = ctx.Process(target=work); p.start(); p.join()\n"
            "    assert p.exitcode == 0\n")
    run = vigil_run([path])
    records = run.checked_records()
    parent = records[0]["pid"]
    for name in ("in.subprocess", "in.spawned"):
        (event,) = events(records, name)
        child = by_pid(records)[event["pid"]]
        assert child[0]["origin"] == "exec"
        assert child[-1]["kind"] == "stop"
    sub = by_pid(records)[events(records, "in.subprocess")[0]["pid"]]
    assert sub[0]["ppid"] == parent


def test_threads_all_record_without_gaps(vigil_run):
    code = ("import sys, threading\n"
            "def work(n):\n"
            "    for i in range(500): sys.audit('thread.event', n, i)\n"
            "ts = [threading.Thread(target=work, args=(n,)) for n in range(8)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n")
    run = vigil_run(["-c", code])
    records = run.checked_records()
    seen = events(records, "thread.event")
    assert len(seen) == 8 * 500
    assert len({e["tid"] for e in seen}) == 8
    for n in range(8):
        assert [e["args"][1] for e in seen if e["args"][0] == n] == list(range(500))


def test_processes_sharing_a_log_never_interleave_inside_a_line(vigil_run):
    code = ("import subprocess, sys\n"
            "child = 'import sys\\nfor i in range(3000): sys.audit(\"shared\", i, \"x\" * (i % 300))'\n"
            "ps = [subprocess.Popen([sys.executable, '-c', child]) for _ in range(4)]\n"
            "assert all(p.wait() == 0 for p in ps)\n")
    run = vigil_run(["-c", code], timeout=300)
    assert run.returncode == 0, run.stderr
    records = run.records  # every line must parse
    assert_contract(records)
    assert len(events(records, "shared")) == 4 * 3000


def test_log_descriptor_is_append_only_cloexec_and_above_stdio(vigil_run):
    code = ("import os, fcntl, sys\n"
            "fds = [int(f) for f in os.listdir('/proc/self/fd')\n"
            "       if os.path.realpath(f'/proc/self/fd/{f}') == sys.argv[1]]\n"
            "print(fds[0], fcntl.fcntl(fds[0], fcntl.F_GETFL), fcntl.fcntl(fds[0], fcntl.F_GETFD))\n")
    run = vigil_run(["-c", code, "LOG"])
    # the log path is known only after the fixture, so ask again with it
    run = vigil_run(["-c", code, str(run.log)])
    fd, flags, fd_flags = map(int, run.stdout.split())
    assert fd > 2
    assert flags & os.O_APPEND
    assert fd_flags & fcntl.FD_CLOEXEC


def test_log_descriptor_lives_above_the_soft_descriptor_limit(vigil_run):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = min(512, hard - 1)
    code = ("import os, sys\n"
            "os.closerange(3, os.sysconf('SC_OPEN_MAX'))  # what daemonisers do\n"
            "print(sorted(int(f) for f in os.listdir('/proc/self/fd')\n"
            "             if os.path.realpath(f'/proc/self/fd/{f}') == sys.argv[1]))\n"
            "sys.audit('after.closerange')\n")
    run = vigil_run(["-c", "pass"])
    run = vigil_run(["-c", code, str(run.log)],
                    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard)))
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().strip() == f"[{min(limit + 1024, hard - 1)}]"
    assert events(run.records, "after.closerange")


LOG_DESCRIPTOR = ("import os, sys\n"
                  "log = [int(f) for f in os.listdir('/proc/self/fd')\n"
                  "       if os.path.realpath(f'/proc/self/fd/{f}') == sys.argv[1]][0]\n")


@pytest.mark.parametrize("how, effect", [("os.close(log)", "was closed"),
                                         ("os.dup2(os.open(os.devnull, os.O_WRONLY), log)",
                                          "was replaced by another file (dup2)")])
def test_closing_or_replacing_the_log_descriptor_does_not_silence_it(vigil_run, how, effect):
    code = LOG_DESCRIPTOR + how + "\nsys.audit('after.interference')\n"
    run = vigil_run(["-c", "pass"])
    run = vigil_run(["-c", code, str(run.log)])
    assert run.returncode == 0, run.stderr
    records = run.checked_records()
    after = events(records, "after.interference")
    assert after, "the record after the interference reached the log"
    found = alerts(records, "vigil.log_interference")
    assert len(found) == 1 and found[0]["severity"] == "high" and effect in found[0]["message"]
    assert found[0]["seq_ref"] == after[0]["seq"], "found when the first record after it was written"


ROOT_ONLY = "switching users needs root; CI and make test run as root"


def run_child_as(vigil_run, tmp_path, uid, child_code):
    """Runs `child_code` in a vigil-python child that a root vigil-python
    starts as `uid`, with a log the child may not open and no home to fall
    back to. Returns the child's (status, stdout, stderr)."""
    # The sanitizer settings of an ASan build pass through; nothing else.
    code = ("import os, subprocess, sys\n"
            "uid = int(sys.argv[3])\n"
            "sanitizers = {k: v for k, v in os.environ.items() if k.endswith('SAN_OPTIONS')}\n"
            "out = subprocess.run([sys.executable, '-c', sys.argv[2]], user=uid, group=uid, extra_groups=[],\n"
            "                     env={'VIGIL_LOG': sys.argv[1], 'HOME': '/nonexistent', **sanitizers},\n"
            "                     capture_output=True)\n"
            "print(repr((out.returncode, out.stdout, out.stderr)))\n")
    run = vigil_run(["-c", code, str(tmp_path / "root-only.jsonl"), child_code, str(uid)])
    assert run.returncode == 0, run.stderr
    return ast.literal_eval(run.stdout.decode())


@pytest.mark.skipif(os.geteuid() != 0, reason=ROOT_ONLY)
def test_child_that_switched_user_falls_back_to_a_private_log(vigil_run, tmp_path):
    spool = "/var/tmp/vigil-65534"
    subprocess.run(["rm", "-rf", spool], check=True)
    status, _, stderr = run_child_as(vigil_run, tmp_path, 65534,
                                     "import os, sys; sys.audit('as.nobody', os.getuid())")
    assert status == 0, stderr
    spool_dir = os.stat(spool)
    assert spool_dir.st_uid == 65534 and spool_dir.st_mode & 0o777 == 0o700
    records = read_records(spool + "/python.jsonl")
    start = records[0]
    assert start["uid"] == 65534 and start["log"] == spool + "/python.jsonl"
    assert [u["path"] for u in start["unusable_logs"]] == [
        str(tmp_path / "root-only.jsonl"), "/nonexistent/.local/state/vigil/python.jsonl"]
    assert "Permission denied" in start["unusable_logs"][0]["error"]
    assert events(records, "as.nobody")[0]["args"] == [65534]


@pytest.mark.skipif(os.geteuid() != 0, reason=ROOT_ONLY)
def test_private_log_directory_planted_by_someone_else_is_refused(vigil_run, tmp_path):
    spool = "/var/tmp/vigil-65533"
    subprocess.run(["rm", "-rf", spool], check=True)
    os.mkdir(spool, 0o777)  # planted by root, not by the user who will need it
    try:
        status, stdout, stderr = run_child_as(vigil_run, tmp_path, 65533, "print(1)")
        assert status == 78 and stdout == b""
        assert b"not a private directory of this user" in stderr
    finally:
        os.rmdir(spool)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root; CI and make test run as root")
def test_records_that_cannot_be_written_are_counted_and_leave_gaps(vigil_run, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    try:
        filler = mount / "filler"
        code = ("import os, sys\n"
                "for i in range(3000): sys.audit('pressure', i, 'x' * 200)\n"
                "os.remove(sys.argv[1])  # space again: the rest is written\n"
                "sys.audit('after.space')\n")
        # Leave about 40 KiB for the log: the start record and some events fit.
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=1k", "count=216"], check=True,
                       capture_output=True)
        run = vigil_run(["-c", code, str(filler)], env={"VIGIL_LOG": str(mount / "log.jsonl")})
        assert run.returncode == 0, run.stderr
        lines = (mount / "log.jsonl").read_text().splitlines()
    finally:
        subprocess.run(["umount", str(mount)], check=True)
    # A record the file system cut short stays one line, ended before the
    # next record: at most one line that is not JSON, and it is a prefix.
    records, fragments = [], []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            fragments.append(line)
    assert len(fragments) <= 1 and all(f[:6] == '{"ts":'[:len(f[:6])] for f in fragments), fragments
    seqs = [r["seq"] for r in records]
    stop = records[-1]
    assert stop["kind"] == "stop" and events(records, "after.space")
    missing = set(range(1, stop["seq"] + 1)) - set(seqs)
    assert missing, "the small filesystem should have filled up"
    assert stop["records_dropped"] == len(missing)
    assert stop["records_written"] == len(records) - 1
    # Later records say which records the log lost, and why.
    reports = [r for r in records if r["kind"] == "delivery" and r["sink"] == "log"]
    assert sum(r["dropped"] for r in reports) == len(missing), reports
    assert all("No space left on device" in r["reason"] for r in reports), reports
