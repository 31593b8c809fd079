"""Policies end to end: denials really prevent the operation and are
recorded first, audit mode only alerts, the shipped strict policy blocks
what it claims, and a locked system policy cannot be replaced or weakened."""

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import (ROOT, STOCK_VERSION, SUBINTERPRETERS, SYSTEM_POLICY, VIGIL, VIGIL_PYTHON, alerts, assert_contract, by_pid, events, read_records,
                      run_on_terminal)

STRICT = str(ROOT / "policies" / "strict.toml")
DEFAULT = str(ROOT / "policies" / "default.toml")


def policy_file(tmp_path, body, mode="enforce", name="test", extra=""):
    path = tmp_path / f"{name}.toml"
    path.write_text(f'version = 1\nname = "{name}"\nmode = "{mode}"\n{extra}\n' + textwrap.dedent(body))
    return str(path)


def clean_environment(**extra):
    """This environment without PYTHON* and VIGIL_* variables, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIGIL_"))}
    env.update(extra)
    return env


def run(args, log, policy=None, env=None, input=None, cwd=None, timeout=120):
    full_env = clean_environment(**(env or {}))
    options = (["--policy", policy] if policy else []) + ["--log", str(log)]
    return subprocess.run([VIGIL, "run", *options, "--", *args], capture_output=True, env=full_env, input=input,
                          cwd=cwd, timeout=timeout)


def denied_then_recorded(records, event_name, rule):
    """The denied event's record, with its decision, precedes the rule's alert."""
    denied = [r for r in events(records, event_name) if r.get("decision", {}).get("enforced")]
    assert denied, f"no enforced decision on {event_name}"
    referring = [a for a in alerts(records, rule) if a["seq_ref"] == denied[0]["seq"]]
    assert referring and referring[0]["seq"] > denied[0]["seq"] and referring[0]["enforced"] is True
    return denied[0]


# --- denials prevent the operation --------------------------------------------------------------------------

def test_denied_file_is_not_created_and_the_record_comes_first(tmp_path, log):
    target = tmp_path / "forbidden" / "x.txt"
    target.parent.mkdir()
    policy = policy_file(tmp_path, f'''
        [[rule]]
        id = "no-forbidden"
        event = "open"
        args.path = {{ prefix = "{target.parent}/" }}
        args.mode = {{ prefix = "w" }}
        action = "deny"
        message = "nothing is written here"
        ''')
    result = run(["-c", f"""
try:
    open({str(target)!r}, "w")
except PermissionError as error:
    print("denied:", error)
"""], log, policy)
    assert result.returncode == 0, result.stderr
    assert b"denied: vigil: nothing is written here (rule no-forbidden)" in result.stdout
    assert not target.exists()
    records = read_records(log)
    assert_contract(records)
    event = denied_then_recorded(records, "open", "no-forbidden")
    assert event["args"]["path"] == str(target)


def test_denied_connection_is_not_made(tmp_path, log):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(1.0)
    port = server.getsockname()[1]
    policy = policy_file(tmp_path, f'''
        [[rule]]
        id = "no-port"
        event = "socket.connect"
        args.address = {{ cidr = "127.0.0.0/8", port = {port} }}
        action = "deny"
        ''')
    result = run(["-c", f"""
import socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5)
    print("connected")
except PermissionError:
    print("denied")
"""], log, policy)
    assert result.stdout == b"denied\n", result.stderr
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()
    denied_then_recorded(read_records(log), "socket.connect", "no-port")


def test_denied_process_does_not_start(tmp_path, log):
    marker = tmp_path / "started"
    policy = policy_file(tmp_path, '''
        [[rule]]
        id = "no-touch"
        event = ["os.system", "os.exec", "os.posix_spawn"]
        args.0 = { glob = ["*touch*", "*/touch"] }
        action = "deny"
        ''')
    result = run(["-c", f"""
import os
for start in (lambda: os.system("touch {marker}"), lambda: os.execv("/usr/bin/touch", ["touch", "{marker}"])):
    try:
        start()
    except PermissionError:
        print("denied")
"""], log, policy)
    assert result.stdout == b"denied\ndenied\n", result.stderr
    assert not marker.exists()
    records = read_records(log)
    denied_then_recorded(records, "os.system", "no-touch")
    denied_then_recorded(records, "os.exec", "no-touch")


def test_kill_writes_the_records_then_ends_the_process_at_once(tmp_path, log):
    marker = tmp_path / "after"
    policy = policy_file(tmp_path, '''
        [[rule]]
        id = "tripwire"
        event = "myapp.tripwire"
        action = "kill"
        severity = "critical"
        ''')
    result = run(["-c", f"""
import sys
try:
    sys.audit("myapp.tripwire", 1)
finally:
    open({str(marker)!r}, "w").close()
"""], log, policy)
    assert result.returncode == -signal.SIGKILL
    assert not marker.exists(), "no Python code runs after a kill, not even finally"
    records = read_records(log)
    assert_contract(records)
    assert [r["kind"] for r in records[-3:]] == ["event", "alert", "stop"]
    assert records[-1]["reason"] == "killed by rule tripwire on myapp.tripwire"
    assert records[-1]["status"] == 128 + signal.SIGKILL


def test_audit_mode_alerts_and_allows(tmp_path, log):
    target = tmp_path / "x.txt"
    policy = policy_file(tmp_path, '''
        [[rule]]
        id = "would-deny"
        event = "open"
        args.path = { glob = "*/x.txt" }
        action = "deny"
        ''', mode="audit")
    result = run(["-c", f"open({str(target)!r}, 'w').close()"], log, policy)
    assert result.returncode == 0, result.stderr
    assert target.exists()
    records = read_records(log)
    [alert] = alerts(records, "would-deny")
    assert alert["action"] == "deny" and alert["enforced"] is False
    event = [r for r in records if r["seq"] == alert["seq_ref"]][0]
    assert event["decision"] == {"action": "deny", "enforced": False, "rules": ["would-deny"]}


def test_rate_limited_events_are_counted_in_the_stop_record(tmp_path, log):
    policy = policy_file(tmp_path, '''
        [[rule]]
        id = "sampled"
        event = "myapp.noise"
        sample_one_in = 10
        ''', mode="audit")
    result = run(["-c", "import sys\nfor i in range(100): sys.audit('myapp.noise', i)"], log, policy)
    assert result.returncode == 0, result.stderr
    records = read_records(log)
    assert_contract(records)
    assert len(events(records, "myapp.noise")) == 10
    assert records[-1]["suppressed"] == {"sampled": 90}
    assert records[-1]["events_seen"] > 100


# --- late hooks ---------------------------------------------------------------------------------------------

LATE_HOOK = """
import sys
seen = []
try:
    sys.addaudithook(lambda event, args: seen.append(event))
except Exception as error:
    print("swallowed", type(error).__name__)
compile("1", "x", "eval")
print("hook works" if "compile" in seen else "hook absent")
"""


def test_late_hook_is_alerted_in_audit_mode(log):
    result = run(["-c", LATE_HOOK], log)
    assert result.stdout == b"hook works\n", result.stderr
    [alert] = alerts(read_records(log), "late-audit-hook")
    assert alert["severity"] == "high" and alert["enforced"] is False


def test_late_hook_denial_reaches_the_caller_under_strict(tmp_path, log, strict):
    script = tmp_path / "late.py"
    script.write_text(LATE_HOOK)
    strict.trust(script)
    result = run([str(script)], log, strict.path)
    assert result.returncode == 1
    assert result.stdout == b"", "neither swallowed by `except Exception` nor added"
    assert b"vigil.AuditHookDenied: vigil: adding audit hooks at run time is not allowed" in result.stderr
    denied_then_recorded(read_records(log), "sys.addaudithook", "late-audit-hook")


# --- strict.toml blocks what it claims ------------------------------------------------------------------------

@pytest.mark.parametrize("module, rule", [("ctypes", "ctypes"), ("_testcapi", "test-modules"),
                                          ("_testinternalcapi", "test-modules"),
                                          (SUBINTERPRETERS, "subinterpreter"), ("_tkinter", "tcl")])
def test_strict_denies_dangerous_modules(tmp_path, log, module, rule, strict):
    script = tmp_path / "imports.py"
    # ImportError, not PermissionError: what a program that can do without
    # a module catches.
    script.write_text(f"try:\n    import {module}\n    print('imported')\nexcept ImportError as error:\n"
                      f"    print('denied', error.name, 'vigil' in str(error))\n")
    strict.trust(script)
    result = run([str(script)], log, strict.path)
    assert result.stdout == f"denied {module} True\n".encode(), result.stderr
    assert alerts(read_records(log), rule)


def test_strict_denies_sqlite_extension_loading(tmp_path, log, strict):
    """SQL's load_extension() loads a library with no audit event; enabling
    it is the moment Vigil sees (red team, issue 21)."""
    script = tmp_path / "sqlite.py"
    script.write_text("import sqlite3\nconnection = sqlite3.connect(':memory:')\n"
                      "try:\n    connection.enable_load_extension(True)\n    print('enabled')\n"
                      "except PermissionError as error:\n    print('denied', 'rule sqlite-extensions' in str(error))\n"
                      "connection.enable_load_extension(False)\nprint(connection.execute('select 1').fetchone())\n")
    strict.trust(script)
    result = run([str(script)], log, strict.path)
    assert result.stdout == b"denied True\n(1,)\n", result.stderr
    assert alerts(read_records(log), "sqlite-extensions")


# 3.14's concurrent.futures (which asyncio imports) imports _interpreters
# and does without it on ImportError: strict denies that import.
def test_strict_runs_ordinary_trusted_programs(tmp_path, log, strict):
    script = tmp_path / "ordinary.py"
    script.write_text("import json, subprocess, asyncio, sqlite3, ssl, logging, argparse, email.message\n"
                      "import dataclasses, collections, typing\n"
                      "@dataclasses.dataclass\nclass Point:\n    x: int\n"
                      "print(json.dumps(subprocess.run(['true']).returncode), Point(1))\n")
    strict.trust(script)
    result = run([str(script)], log, strict.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"0 Point(x=1)\n"
    records = read_records(log)
    assert_contract(records)
    # The machine's own .pth files are refused ([entry] pth_files), and
    # may be untrusted too; nothing else the program runs is.
    untrusted = [a for a in alerts(records) if a["rule"].startswith("trust.") and not a["message"].endswith(
        ".pth: no trust source vouches for its SHA-256")]
    assert untrusted == []


@pytest.mark.parametrize("args, stdin, rule", [
    (["-c", "print('ran')"], None, "entry.command"),
    (["-"], b"print('ran')\n", "entry.stdin"),
    (["-i", "-c", "pass"], None, "entry.command"),
])
def test_strict_refuses_command_and_stdin_before_anything_runs(log, args, stdin, rule, strict):
    result = run(args, log, strict.path, input=stdin)
    assert result.returncode == 78
    assert result.stdout == b""
    records = read_records(log)
    assert_contract(records)
    assert [r["kind"] for r in records] == ["start", "alert", "stop"]
    assert records[1]["rule"] == rule and records[1]["seq_ref"] == 1 and records[1]["enforced"] is True
    assert records[2]["reason"] == "entry refused by the policy"
    assert not events(records)


def test_strict_refuses_inspect_by_flag_and_by_environment(tmp_path, log, strict):
    script = tmp_path / "s.py"
    script.write_text("print('ran')\n")
    strict.trust(script)
    for args, env in ((["-i", str(script)], {}), ([str(script)], {"PYTHONINSPECT": "1"})):
        result = run(args, log, strict.path, env=env)
        assert result.returncode == 78 and result.stdout == b""
        assert "entry.inspect" in result.stderr.decode()


def terminal_env(log):
    return clean_environment(TERM="dumb", VIGIL_LOG=str(log))


def test_strict_refuses_the_repl_on_a_terminal(tmp_path, log, strict):
    env = dict(terminal_env(log), VIGIL_POLICY=strict.path)
    status, output = run_on_terminal([VIGIL_PYTHON, "-q"], b"print(6 * 7)\n", env, tmp_path)
    assert status == 78
    assert b"42" not in output and b"entry.interactive" in output


def test_pythoninspect_set_while_running_gives_no_repl_under_strict(tmp_path, log, strict):
    script = tmp_path / "inspect.py"
    script.write_text("import os\nos.environ['PYTHONINSPECT'] = '1'\nprint('done')\n")
    strict.trust(script)
    keystrokes = b"print(6 * 7)\n"
    # The same program under the default policy does reach the REPL, so the
    # assertion below can fail.
    status, output = run_on_terminal([VIGIL_PYTHON, str(script)], keystrokes + b"raise SystemExit(3)\n",
                                     terminal_env(log), tmp_path)
    assert status == 3 and b"42" in output
    env = dict(terminal_env(log), VIGIL_POLICY=strict.path)
    status, output = run_on_terminal([VIGIL_PYTHON, str(script)], keystrokes, env, tmp_path)
    assert status == 0 and b"done" in output
    assert b">>>" not in output and b"42" not in output


# --- start-up code --------------------------------------------------------------------------------------------

def test_sitecustomize_and_pth_files_are_skipped_quietly(tmp_path, log):
    user_base = tmp_path / "userbase"
    site_packages = user_base / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    site_packages.mkdir(parents=True)
    (site_packages / "marker.pth").write_text(f"import os; open({str(tmp_path / 'pth-ran')!r}, 'w').close()\n")
    (site_packages / "usercustomize.py").write_text(f"open({str(tmp_path / 'usercustomize-ran')!r}, 'w').close()\n")
    env = {"PYTHONUSERBASE": str(user_base), "HOME": str(tmp_path)}
    result = run(["-c", "print('ran')"], log, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pth-ran").exists() and (tmp_path / "usercustomize-ran").exists(), "the default runs them"
    for name in ("pth-ran", "usercustomize-ran"):
        (tmp_path / name).unlink()
    policy = policy_file(tmp_path, "[entry]\npth_files = false\nusercustomize = false\n")
    result = run(["-c", "print('ran')"], log, policy, env=env)
    assert result.returncode == 0 and result.stdout == b"ran\n"
    assert result.stderr == b"", "skipped without a traceback"
    assert not (tmp_path / "pth-ran").exists() and not (tmp_path / "usercustomize-ran").exists()
    records = read_records(log)
    assert any(a["event"] == "open" and a["enforced"] for a in alerts(records, "entry.pth_files"))
    assert alerts(records, "entry.usercustomize")


def test_environment_false_ignores_python_variables(tmp_path, log):
    (tmp_path / "injected.py").write_text("print('injected')\n")
    policy = policy_file(tmp_path, "[entry]\nenvironment = false\n")
    result = run(["-c", "import injected"], log, policy, env={"PYTHONPATH": str(tmp_path)}, cwd="/")
    assert b"ModuleNotFoundError" in result.stderr
    [alert] = alerts(read_records(log), "entry.environment")
    assert "PYTHONPATH" in alert["message"]


# --- locked system policy -------------------------------------------------------------------------------------

def test_locked_policy_ignores_environment_and_options(system_policy, tmp_path, log):
    locked_log = tmp_path / "locked.jsonl"
    system_policy(f'version = 1\nname = "site-locked"\nmode = "enforce"\nlocked = true\n'
                  f'[log]\npath = "{locked_log}"\n[entry]\ncommand = false\n')
    result = run(["-c", "print('ran')"], log, DEFAULT)
    assert result.returncode == 78 and result.stdout == b""
    assert not log.exists(), "VIGIL_LOG from --log is ignored"
    records = read_records(locked_log)
    assert_contract(records)
    start = records[0]
    assert start["policy"]["name"] == "site-locked" and start["policy"]["locked"] is True
    assert start["policy"]["ignored_overrides"] == ["VIGIL_POLICY", "VIGIL_LOG"]
    assert alerts(records, "vigil.locked_policy") and alerts(records, "entry.command")


def test_unlocked_system_policy_yields_to_vigil_policy(system_policy, tmp_path, log):
    system_policy('version = 1\nname = "site-open"\nmode = "enforce"\n[entry]\ncommand = false\n')
    assert run(["-c", "pass"], log).returncode == 78
    result = run(["-c", "print('ran')"], log, DEFAULT)
    assert result.stdout == b"ran\n"
    assert read_records(log)[-1]["kind"] == "stop"


@pytest.mark.parametrize("weaken", ["file", "directory"])
def test_locked_policy_writable_by_others_is_refused(system_policy, tmp_path, log, weaken):
    system_policy('version = 1\nname = "site-locked"\nmode = "audit"\nlocked = true\n',
                  0o666 if weaken == "file" else 0o644)
    if weaken == "directory":
        SYSTEM_POLICY.parent.chmod(0o777)
    result = run(["-c", "print('ran')"], log)
    assert result.returncode == 78 and result.stdout == b""
    assert b"the locked system policy cannot be trusted" in result.stderr
    assert b"writable by its group or by others" in result.stderr


def test_broken_system_policy_is_refused(system_policy, log):
    system_policy('version = 1\nname = "broken"\nmode = "sometimes"\n')
    result = run(["-c", "print('ran')"], log, DEFAULT)
    assert result.returncode == 78 and result.stdout == b""
    assert b"/etc/vigil/policy.toml:3:8: error" in result.stderr


# --- admin commands and CPython's own audit tests -------------------------------------------------------------

def test_policy_check_reports_line_and_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('version = 1\nname = "bad"\n[[rule]]\nid = "r"\nevent = "opn"\nargs.path = { glob = 3 }\n')
    result = subprocess.run([VIGIL, "policy", "check", str(bad), DEFAULT, STRICT], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad}:5:9: warning: \"opn\" is not a catalogued CPython audit event" in result.stdout
    assert f"{bad}:6:22: error: `glob` must be a string or an array of strings" in result.stdout
    assert f"{STRICT}: ok" in result.stdout and f"{DEFAULT}: ok" in result.stdout
    good = subprocess.run([VIGIL, "policy", "check", STRICT], capture_output=True, text=True)
    assert good.returncode == 0


def test_policy_explain_shows_matches_and_outcome():
    result = subprocess.run([VIGIL, "policy", "explain", STRICT, "--", "import", '{"module": "ctypes"}'],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "rule ctypes (deny, high, line " in result.stdout and ": matches" in result.stdout
    assert "rule test-modules (deny, high, line " in result.stdout and "args.module fails" in result.stdout
    assert "deny by ctypes: the import fails with ImportError: ctypes is not allowed" in result.stdout
    audit = subprocess.run([VIGIL, "policy", "explain", "default", "--", "sys.addaudithook"],
                           capture_output=True, text=True)
    assert "alert late-audit-hook; allowed" in audit.stdout


def test_cpython_test_audit_passes_under_the_default_policy(tmp_path, log):
    result = run(["-m", "test", "test_audit"], log, DEFAULT, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout.decode()[-3000:]
    assert b"Tests result: SUCCESS" in result.stdout
    records = read_records(log)
    assert_contract(records)
    assert len(by_pid(records)) > 5, "test_audit's child interpreters are recorded too"


def test_summary_lists_alerts(log):
    run(["-c", "import ctypes"], log)
    result = subprocess.run([VIGIL, "summary", str(log)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    alerts_section = result.stdout.split("\nAlerts:\n")[1].split("\n\n")[0]
    assert "ctypes" in alerts_section and "low" in alerts_section and "[enforced]" not in alerts_section


def test_the_man_page_example_policy_denies_shells_however_they_start(vigil_run, script, tmp_path):
    """vigil-policy(5)'s example: a shell is refused by path, by bare name
    through PATH, and through os.system, because the rule is on the
    process-start view."""
    page = (ROOT / "docs" / "man" / "vigil-policy.5").read_text()
    example = page.split(".SH EXAMPLE\n.nf\n", 1)[1].split("\n.fi", 1)[0].replace("\\-", "-")
    policy = tmp_path / "example.toml"
    policy.write_text(example)
    check = subprocess.run([VIGIL, "policy", "check", str(policy)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    program = textwrap.dedent("""
        import os, subprocess
        for start in (lambda: subprocess.run(["sh", "-c", "true"]), lambda: subprocess.run(["/bin/bash", "-c", "true"]),
                      lambda: os.system("true")):
            try:
                start()
                print("ran")
            except PermissionError as error:
                print("denied", "no-shells" in str(error))
        subprocess.run(["true"])
        print("true ran")
    """)
    # The example refuses -c: the program is a file.
    run = vigil_run([str(script(program))], env={"VIGIL_POLICY": str(policy)})
    assert run.stdout.decode().split("\n")[:4] == ["denied True"] * 3 + ["true ran"], run.stdout.decode() + run.stderr.decode()
