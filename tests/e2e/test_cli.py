"""The vigil command: run and summary."""

import json
import os
import subprocess

from conftest import VIGIL, VIGIL_PYTHON, read_records, write_explained_incident

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def vigil(*args, cwd=None):
    return subprocess.run([VIGIL, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_run_passes_arguments_status_and_stdio_through(log, tmp_path):
    result = vigil("run", "--log", str(log), "--", "-c", "import sys; print(sys.argv[1:]); sys.exit(4)", "x", "-y")
    assert result.returncode == 4
    assert result.stdout == "['x', '-y']\n"
    assert read_records(log)[0]["argv"] == [VIGIL_PYTHON, "-c", "import sys; print(sys.argv[1:]); sys.exit(4)",
                                            "x", "-y"]


def test_run_accepts_the_builtin_policy_by_name_or_file(log):
    for policy in ("default", os.path.join(ROOT, "policies", "default.toml")):
        result = vigil("run", "--policy", policy, "--log", str(log), "--", "-c", "pass")
        assert result.returncode == 0, result.stderr
    assert all(r["policy"]["name"] == "default" for r in read_records(log) if r["kind"] == "start")


def test_run_refuses_a_policy_that_does_not_load(log, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('version = 1\nname = "broken"\nmode = "enforce"\n[[rule]]\nid = "x"\nevent = "open"\n'
                      'action = "deny"\nargs.path = { prefx = "/tmp" }\n')
    result = vigil("run", "--policy", str(broken), "--log", str(log), "--", "-c", "print('ran')")
    assert result.returncode == 78
    assert result.stdout == ""
    assert f"{broken}:8:" in result.stderr and "unknown key `prefx`" in result.stderr


def test_run_refuses_when_no_log_can_be_opened(tmp_path):
    env = dict(os.environ, VIGIL_LOG="/proc/no/such/dir/log", HOME="/proc/no/such", XDG_STATE_HOME="/proc/no/such")
    result = subprocess.run([VIGIL_PYTHON, "-c", "print('ran')"], capture_output=True, text=True, env=env)
    if os.geteuid() == 0:
        # root falls back to /var/log/vigil, which it can always create
        assert result.returncode == 0
        return
    assert result.returncode == 78 and result.stdout == ""
    assert "refusing to run" in result.stderr


def test_summary_describes_a_process_tree(log):
    code = "import os, subprocess, sys\nsubprocess.run([sys.executable, '-c', 'pass'])\nos.system('true')\n"
    vigil("run", "--log", str(log), "--", "-c", code)
    root = read_records(log)[0]["pid"]
    result = vigil("summary", "--tree", str(root), str(log))
    assert result.returncode == 0, result.stdout
    assert "Processes (2):" in result.stdout
    assert "os.system" in result.stdout and "subprocess.Popen" in result.stdout
    assert "without gaps" in result.stdout


def test_summary_and_report_survive_forged_event_arguments(log, tmp_path):
    # sys.audit lets a program raise catalogued events with arguments of any type.
    code = "import sys; sys.audit('open', '/tmp/forged', None, 'not-flags'); sys.audit('open', 7, {'w': 1}, None)"
    assert vigil("run", "--log", str(log), "--", "-c", code).returncode == 0
    result = vigil("summary", str(log))
    assert result.returncode == 0, result.stderr
    assert "/tmp/forged" in result.stdout
    report = vigil("report", "-o", str(tmp_path / "r.html"), str(log))
    assert report.returncode == 0, report.stderr


def test_summary_prints_logged_text_escaped(log):
    # A program names its own events, and can write its own log: neither
    # may drive the terminal of whoever reads the summary.
    code = ("import sys; [sys.audit('x' + chr(27) + ']0;owned' + chr(7)) for _ in range(100)]; "
            "open(sys.argv[1], 'a').write('{\"ts\":\"2026-11-22T00:00:00.000000Z\",\"seq\":99,\"kind\":\"alert\",'"
            "'\"pid\":1,\"host\":\"h\",\"rule\":\"r\\\\u001b[2J\",\"severity\":\"high\",\"message\":\"\\\\u009b31m\"}\\n')")
    assert vigil("run", "--log", str(log), "--", "-c", code, str(log)).returncode == 0
    result = vigil("summary", str(log))
    assert "x\\x1b]0;owned\\x07" in result.stdout
    assert "r\\x1b[2J" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u009b" not in result.stdout


def test_summary_reports_sequence_gaps(log, tmp_path):
    vigil("run", "--log", str(log), "--", "-c", "import sys; sys.audit('x'); sys.audit('y')")
    lines = log.read_text().splitlines()
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text("\n".join(lines[:3] + lines[4:]) + "\n")
    result = vigil("summary", str(damaged))
    assert result.returncode == 1
    assert "SEQUENCE GAPS" in result.stdout
    assert json.loads(lines[3])["seq"] == 4


def test_summary_explains_an_alert_with_its_subject_and_the_events_behind_it(tmp_path):
    child_log, parent_log = write_explained_incident(tmp_path)
    result = vigil("summary", str(child_log), str(parent_log))
    assert result.returncode == 0, result.stdout
    alerts = result.stdout.split("Alerts:\n")[1].split("\n\nNotable activity:")[0].splitlines()
    start = next(i for i, line in enumerate(alerts) if "shell-wired-to-network" in line)
    assert "critical" in alerts[start] and "pid 101" in alerts[start]
    # The subject under the alert, made safe for the terminal.
    assert alerts[start + 1].split() == ["subject", "/bin/sh", "-i", "<script>x</script>\\x1b[2J"]
    # Each fact, and under it the event that established it: in the parent
    # (another log, read before the alert's), then in the child itself.
    assert alerts[start + 2].split() == ["because", "net.connected", "127.0.0.1:4444"]
    assert alerts[start + 3].strip() == "in its parent, pid 100, seq 2: socket.connect 127.0.0.1:4444 at /srv/stage1.py:7"
    assert alerts[start + 4].split() == ["code.compiled", "<string>"]
    assert alerts[start + 5].strip() == "seq 2: compile import os; os.system('/bin/sh -i') at <string>:1"
    assert alerts[start + 6].split() == ["net.received"]
    assert alerts[start + 7].strip() == "in its parent, pid 100, seq 77 (not in the logs read)"
    # An alert from an older log, without subject or chain, stays one line.
    old = next(i for i, line in enumerate(alerts) if "old-style" in line)
    assert old == len(alerts) - 1 or not alerts[old + 1].startswith("           ")
    assert "\x1b" not in result.stdout

