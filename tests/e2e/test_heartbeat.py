"""Heartbeats: a quiet process still writes a record every `log.heartbeat`
seconds, so a process that has been silenced shows as missing heartbeats,
which `vigil summary` reports."""
import os
import signal
import subprocess
import textwrap
import time

from conftest import VIGIL, VIGIL_PYTHON, by_pid, read_records


def heartbeat_policy(tmp_path, seconds):
    policy = tmp_path / "policy.toml"
    policy.write_text(textwrap.dedent(f"""
        version = 1
        name = "heartbeat"
        [log]
        heartbeat = {seconds}
    """))
    return str(policy)


def heartbeats(records):
    return [r for r in records if r["kind"] == "heartbeat"]


def test_a_quiet_process_writes_heartbeats(vigil_run, tmp_path):
    run = vigil_run(["-c", "import time; time.sleep(2.6)"], env={"VIGIL_POLICY": heartbeat_policy(tmp_path, 1)})
    records = run.checked_records()
    assert records[0]["heartbeat"] == 1
    beats = heartbeats(records)
    assert len(beats) >= 2, [r["kind"] for r in records]
    assert all(b["interval"] == 1 for b in beats)
    assert [b["events_seen"] for b in beats] == sorted(b["events_seen"] for b in beats)
    assert records[-1]["kind"] == "stop"


def test_a_forked_child_beats_on_its_own(vigil_run, tmp_path):
    run = vigil_run(["-c", textwrap.dedent("""
        import os, time
        pid = os.fork()
        if pid == 0:
            time.sleep(2.6)
            os._exit(0)
        os.waitpid(pid, 0)
    """)], env={"VIGIL_POLICY": heartbeat_policy(tmp_path, 1)})
    processes = by_pid(run.checked_records())
    assert len(processes) == 2
    for pid, own in processes.items():
        assert len(heartbeats(own)) >= 2, f"pid {pid}: {[r['kind'] for r in own]}"


def test_the_heartbeat_thread_takes_no_signals(log, tmp_path):
    """Ctrl-C still interrupts the main thread's sleep at once."""
    env = dict(os.environ, VIGIL_LOG=str(log), VIGIL_POLICY=heartbeat_policy(tmp_path, 1))
    child = subprocess.Popen([VIGIL_PYTHON, "-c", "import time; print('ready', flush=True); time.sleep(60)"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout.readline() == b"ready\n"
    time.sleep(1.5)
    started = time.monotonic()
    child.send_signal(signal.SIGINT)
    child.wait(timeout=10)
    assert time.monotonic() - started < 5
    assert b"KeyboardInterrupt" in child.stderr.read()


def test_summary_reports_a_silenced_process(log, tmp_path):
    env = dict(os.environ, VIGIL_LOG=str(log), VIGIL_POLICY=heartbeat_policy(tmp_path, 1))
    child = subprocess.Popen([VIGIL_PYTHON, "-c", "import time; print('ready', flush=True); time.sleep(60)"],
                             env=env, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"ready\n"
        time.sleep(1.5)
        summary = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
        assert summary.returncode == 0, summary.stdout
        assert "running" in summary.stdout and "SILENT" not in summary.stdout
        # SIGSTOP: the process, heartbeat thread included, stops writing.
        child.send_signal(signal.SIGSTOP)
        time.sleep(8)
        summary = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
        assert summary.returncode == 1
        assert "running, SILENT for" in summary.stdout and "heartbeat every 1 s" in summary.stdout
        assert "missed their heartbeats" in summary.stdout
    finally:
        child.kill()
        child.wait()
    summary = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
    assert "no stop record: it ended without one" in summary.stdout


def test_heartbeat_is_checked_by_the_loader(vigil_run, tmp_path):
    policy = tmp_path / "bad.toml"
    policy.write_text('version = 1\nname = "x"\n[log]\nheartbeat = -1\n')
    checked = subprocess.run([VIGIL, "policy", "check", str(policy)], capture_output=True, text=True)
    assert checked.returncode != 0
    assert "bad.toml:4:13: error: `log.heartbeat` must be a whole number of seconds" in checked.stdout + checked.stderr
    assert read_records  # the helper module is shared; nothing else to read here


def test_the_heartbeat_never_keeps_a_process_alive(vigil_run):
    """A forked child whose last thread ends with pthread_exit (its forking
    Python thread returns) exits at once, as under python3: the heartbeat
    thread follows the thread that leads the process."""
    run = vigil_run(["-c", textwrap.dedent("""
        import os, sys, threading
        def worker():
            pid = os.fork()
            if pid:
                os.waitpid(pid, 0)
                print("reaped", flush=True)
                sys.exit(0)
        threading.Thread(target=worker).start()
    """)], timeout=20)
    assert run.stdout == b"reaped\n"
    assert len(by_pid(run.checked_records())) == 2


def test_the_heartbeat_thread_is_not_counted_as_the_programs_at_fork(vigil_run, tmp_path):
    # CPython 3.12+ warns at fork() when /proc/self/stat counts more than one
    # thread; a single-threaded program under vigil-python must fork as
    # quietly as under python3, warnings made errors included. Before 3.12
    # there is no warning to compare, and the run must simply succeed.
    program = textwrap.dedent("""
        import os
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        with open("/proc/self/stat") as stat:  # Python's own read is untouched
            print(int(stat.read().rsplit(")", 1)[1].split()[17]))
    """)
    run = vigil_run(["-W", "always::DeprecationWarning", "-c", program],
                    env={"VIGIL_POLICY": heartbeat_policy(tmp_path, 1)})
    assert run.returncode == 0 and run.stderr == b"", run.stderr
    assert int(run.stdout) >= 2  # the thread is there; only CPython's count leaves it out
