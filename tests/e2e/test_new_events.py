"""The audit events CPython 3.12, 3.13 and 3.14 added, end to end: named
arguments in the records, the default policy's alerts on what they mean,
enforce mode's denial of remote debugging (PEP 768), and the 3.13 REPL's
events, which the standard library raises through sys.audit, told apart
from forgeries of them. A test of an event that exists only on a newer
version skips, naming the version."""
import os
import subprocess
import textwrap
import time

import pytest

from conftest import ROOT, STOCK_VERSION, VIGIL_PYTHON, alerts, events, read_records, run_on_terminal

STDLIB = f"/usr/lib/python{STOCK_VERSION[0]}.{STOCK_VERSION[1]}"
PYREPL_READLINE = f"{STDLIB}/_pyrepl/readline.py"


def needs(version, what):
    return pytest.mark.skipif(STOCK_VERSION < version,
                              reason=f"{what} is new in CPython {version[0]}.{version[1]}; "
                                     f"this is {STOCK_VERSION[0]}.{STOCK_VERSION[1]}")


def run_script(vigil_run, tmp_path, body, **kwargs):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body))
    return vigil_run([str(script)], **kwargs).checked_records()


@needs((3, 12), "_thread.start_new_thread")
def test_thread_start_names_its_arguments(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import _thread, threading
        done = threading.Event()
        def work(n, *, flag):
            done.set()
        _thread.start_new_thread(work, (1,), {"flag": True})
        done.wait(10)
        threading.Thread(target=print, args=("joined",), daemon=True).start()
    """)
    started = events(records, "_thread.start_new_thread")[0]
    assert set(started["args"]) == {"function", "args", "kwargs"}
    assert started["args"]["args"] == [1] and started["args"]["kwargs"] == {"flag": True}
    if STOCK_VERSION >= (3, 13):
        # threading.Thread.start goes through the joinable start from 3.13.
        joinable = events(records, "_thread.start_joinable_thread")
        assert joinable and set(joinable[-1]["args"]) == {"function", "daemon", "handle"}
        assert joinable[-1]["args"]["daemon"] == 1  # an int: CPython builds it with "i"


@needs((3, 12), "sys._getframemodulename")
def test_frame_module_name_names_its_depth(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import sys
        assert sys._getframemodulename(0) == "__main__"
    """)
    assert events(records, "sys._getframemodulename")[0]["args"] == {"depth": 0}


@needs((3, 13), "time.sleep's event")
def test_sleep_names_its_seconds(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, "import time; time.sleep(0.01)\n")
    assert events(records, "time.sleep")[0]["args"] == {"secs": 0.01}


@needs((3, 12), "sys.monitoring (PEP 669)")
def test_a_monitoring_callback_of_the_program_is_an_alert(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import sys
        tool = sys.monitoring.DEBUGGER_ID
        sys.monitoring.use_tool_id(tool, "watcher")
        def on_start(code, offset):
            pass
        sys.monitoring.register_callback(tool, sys.monitoring.events.PY_START, on_start)
        sys.monitoring.set_events(tool, sys.monitoring.events.PY_START)
        (lambda: None)()
        sys.monitoring.set_events(tool, 0)
        sys.monitoring.free_tool_id(tool)
    """, env={"VIGIL_POLICY": "default"})
    registered = events(records, "sys.monitoring.register_callback")
    assert registered and list(registered[0]["args"]) == ["func"]
    alert = alerts(records, "monitoring-callback")
    assert len(alert) == 1 and alert[0]["severity"] == "low" and alert[0]["attack"] == ["T1562.001"]
    assert alert[0]["subject"] == str(tmp_path / "script.py")


@needs((3, 14), "ctypes.memoryview_at")
def test_memoryview_at_names_its_arguments(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import ctypes
        buffer = ctypes.create_string_buffer(b"abc")
        assert bytes(ctypes.memoryview_at(ctypes.addressof(buffer), 3)) == b"abc"
    """)
    viewed = events(records, "ctypes.memoryview_at")[0]["args"]
    assert set(viewed) == {"address", "size", "readonly"}
    assert viewed["size"] == 3 and not viewed["readonly"] and isinstance(viewed["address"], int)


# ---------------------------------------------------------------------------
# PEP 768 remote debugging (3.14): a target that waits, and a process that
# sends it a script with sys.remote_exec.

def can_trace_others():
    scope = "/proc/sys/kernel/yama/ptrace_scope"
    return os.geteuid() == 0 or not os.path.exists(scope) or open(scope).read().strip() == "0"


def remote_debugging(test):
    test = pytest.mark.skipif(not can_trace_others(), reason="sys.remote_exec needs ptrace rights over the "
                                                             "target: root, or yama ptrace_scope 0")(test)
    return needs((3, 14), "sys.remote_exec (PEP 768)")(test)


def start_target(tmp_path, policy=None):
    """A vigil-python that waits for a remote script; returns (process, log,
    the file the sent script creates)."""
    log = tmp_path / "target.jsonl"
    ready = tmp_path / "ready"
    stop = tmp_path / "stop"
    target = tmp_path / "target.py"
    # Remote scripts run at the interpreter's next safe point: the loop
    # keeps executing bytecode.
    target.write_text(textwrap.dedent(f"""
        import os, time
        open({str(ready)!r}, "w").close()
        deadline = time.monotonic() + 60
        while not os.path.exists({str(stop)!r}) and time.monotonic() < deadline:
            sum(range(1000))
    """))
    env = dict(os.environ, VIGIL_LOG=str(log), VIGIL_POLICY=str(policy) if policy else "default")
    env.pop("PYTHONPATH", None)
    process = subprocess.Popen([VIGIL_PYTHON, str(target)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    for _ in range(300):
        if ready.exists():
            break
        time.sleep(0.05)
    assert ready.exists(), process.stderr.read() if process.poll() is not None else "target never started"
    return process, log, stop


def send_script(vigil_run, tmp_path, pid, marker, policy=None):
    sent = tmp_path / "sent.py"
    sent.write_text(f"open({str(marker)!r}, 'w').close()\n")
    caller = tmp_path / "caller.py"
    caller.write_text(textwrap.dedent(f"""
        import sys
        try:
            sys.remote_exec({pid}, {str(sent)!r})
        except PermissionError as error:
            print("refused:", error)
    """))
    run = vigil_run([str(caller)], env={"VIGIL_POLICY": str(policy) if policy else "default"})
    return run, sent


def finish(process, stop, marker=None):
    if marker is not None:
        for _ in range(100):
            if marker.exists():
                break
            time.sleep(0.05)
    stop.touch()
    process.wait(timeout=30)


@remote_debugging
def test_a_remote_script_runs_and_both_sides_alert(vigil_run, tmp_path):
    marker = tmp_path / "ran"
    process, target_log, stop = start_target(tmp_path)
    run, sent = send_script(vigil_run, tmp_path, process.pid, marker)
    finish(process, stop, marker)
    assert run.returncode == 0, run.stderr
    assert marker.exists(), "the audit-mode default stopped the remote script"

    caller = run.checked_records()
    call = events(caller, "sys.remote_exec")[0]
    assert call["args"] == {"pid": process.pid, "script_path": str(sent)}
    assert alerts(caller, "remote-exec")[0]["subject"] == str(sent)

    target = read_records(target_log)
    received = events(target, "cpython.remote_debugger_script")
    assert received and received[0]["args"] == {"script_path": str(sent)}
    alert = alerts(target, "remote-debugger-script")[0]
    assert alert["severity"] == "high" and "T1055" in alert["attack"]


ENFORCED_REMOTE_DEBUGGING = """
version = 1
name = "no-remote-debugging"
mode = "enforce"
"""


def strict_rules(*ids):
    """The shipped strict policy's rules of these ids, in an enforce policy of
    their own (strict.toml itself needs a trust database of the whole
    standard library)."""
    text = (ROOT / "policies" / "strict.toml").read_text()
    blocks = ["[[rule]]" + block for block in text.split("[[rule]]")[1:]]
    chosen = [block.split("\n#")[0] for block in blocks if any(f'id = "{rule}"' in block for rule in ids)]
    assert len(chosen) == len(ids)
    return ENFORCED_REMOTE_DEBUGGING + "\n".join(chosen)


@remote_debugging
def test_enforce_mode_stops_a_remote_debugger_script(vigil_run, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(strict_rules("remote-debugger-script"))
    marker = tmp_path / "ran"
    process, target_log, stop = start_target(tmp_path, policy)
    run, _ = send_script(vigil_run, tmp_path, process.pid, marker)
    finish(process, stop)
    time.sleep(0.5)
    assert run.returncode == 0, run.stderr
    assert not marker.exists(), "the denied script ran"
    assert process.returncode == 0, "the target did not survive the refusal"
    target = read_records(target_log)
    received = events(target, "cpython.remote_debugger_script")[0]
    assert received["decision"]["action"] == "deny"
    denial = alerts(target, "remote-debugger-script")[0]
    assert denial["enforced"] is True


@remote_debugging
def test_enforce_mode_refuses_sys_remote_exec(vigil_run, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(strict_rules("remote-exec"))
    marker = tmp_path / "ran"
    process, _, stop = start_target(tmp_path)
    run, _ = send_script(vigil_run, tmp_path, process.pid, marker, policy)
    finish(process, stop)
    assert b"refused: vigil:" in run.stdout and b"(rule remote-exec)" in run.stdout
    assert not marker.exists()
    assert alerts(run.checked_records(), "remote-exec")[0]["enforced"] is True


# ---------------------------------------------------------------------------
# The REPL's events (3.13+), raised by _pyrepl through sys.audit, and
# forgeries of them.

def assert_marked(records, event):
    raised = events(records, event)
    assert raised, f"no {event} event"
    assert all(e.get("raised_by") == "sys.audit" for e in raised), raised


@needs((3, 13), "the Python REPL (_pyrepl)")
def test_the_repl_events_are_not_marked_but_a_forgery_in_the_session_is(tmp_path):
    log = tmp_path / "vigil.jsonl"
    env = dict(os.environ, VIGIL_LOG=str(log), TERM="xterm", HOME=str(tmp_path))
    env.pop("PYTHONPATH", None)
    env.pop("PYTHON_BASIC_REPL", None)
    keystrokes = (b'answer = input("name? ")\nalice\n'
                  b'import sys; sys.audit("builtins.input/result", "forged")\n'
                  b"raise SystemExit(4)\n")
    status, output = run_on_terminal([VIGIL_PYTHON, "-q"], keystrokes, env, tmp_path)
    assert status == 4, output
    records = read_records(log)
    prompts = events(records, "builtins.input")
    assert [e["args"] for e in prompts] == [{"prompt": "name? "}]
    assert prompts[0]["site"]["file"] == PYREPL_READLINE
    assert "raised_by" not in prompts[0]
    results = events(records, "builtins.input/result")
    assert [(e["args"]["result"], e.get("raised_by")) for e in results] == [("alice", None), ("forged", "sys.audit")]


@needs((3, 13), "the asyncio REPL's sys.audit events")
def test_the_asyncio_repl_events_are_not_marked(tmp_path):
    log = tmp_path / "vigil.jsonl"
    env = dict(os.environ, VIGIL_LOG=str(log), TERM="xterm", HOME=str(tmp_path))
    env.pop("PYTHONPATH", None)
    status, output = run_on_terminal([VIGIL_PYTHON, "-q", "-m", "asyncio"], b"print(6 * 7)\nexit()\n", env,
                                     tmp_path)
    assert b"42" in output, output
    records = read_records(log)
    stdin = [e for e in events(records, "cpython.run_stdin") if e["site"]]
    assert stdin and stdin[0]["site"]["file"] == f"{STDLIB}/asyncio/__main__.py"
    assert "raised_by" not in stdin[0]


# Code that takes the name of the REPL's file, each way a code object gets
# one; every later event from "that file" is marked. These run on every
# version: the check is the same, whether or not the file exists.
NAME_TAKERS = {
    "compile": f"code = compile(RAISE, {PYREPL_READLINE!r}, 'exec')",
    "code.replace": f"code = compile(RAISE, '<x>', 'exec').replace(co_filename={PYREPL_READLINE!r})",
    "_imp._fix_co_filename": f"import _imp; code = compile(RAISE, '<x>', 'exec'); "
                             f"_imp._fix_co_filename(code, {PYREPL_READLINE!r})",
    # A name of the same length, swapped in the marshalled bytes.
    "marshal.loads": f"import marshal; stand_in = '<' + 'x' * {len(PYREPL_READLINE) - 2} + '>'; "
                     f"code = marshal.loads(marshal.dumps(compile(RAISE, stand_in, 'exec'))"
                     f".replace(stand_in.encode(), {PYREPL_READLINE.encode()!r}))",
}


@pytest.mark.parametrize("how", NAME_TAKERS)
def test_code_named_like_the_repl_raises_marked_events(vigil_run, tmp_path, how):
    records = run_script(vigil_run, tmp_path, f"""
        RAISE = 'import sys; sys.audit("builtins.input", "forged")'
        {NAME_TAKERS[how]}
        assert code.co_filename == {PYREPL_READLINE!r}
        exec(code)
    """)
    forged = events(records, "builtins.input")
    assert forged and forged[0]["site"]["file"] == PYREPL_READLINE
    assert_marked(records, "builtins.input")


@needs((3, 13), "the Python REPL (_pyrepl)")
@pytest.mark.skipif(STOCK_VERSION >= (3, 14), reason="drives 3.13's _pyrepl Reader internals, which 3.14 changed "
                                                     "(no suspend_history_writes); 3.14's REPL is not covered here")
def test_the_genuine_repl_code_raises_unmarked_events_from_a_program(vigil_run, tmp_path):
    """The standard library's _pyrepl code, loaded by the import system,
    raising its events is not marked; the same code compiled again under
    its name by the program is, from then on."""
    records = run_script(vigil_run, tmp_path, f"""
        import sys
        import _pyrepl.readline as repl
        class Reader:
            def readline(self, startup_hook=None):
                return "typed"
        wrapper = repl._ReadlineWrapper()
        wrapper.reader = Reader()
        assert wrapper.input("genuine? ") == "typed"
        compile(open({PYREPL_READLINE!r}).read(), {PYREPL_READLINE!r}, "exec")
        wrapper.input("after? ")
    """)
    prompts = events(records, "builtins.input")
    assert [(e["args"]["prompt"], e.get("raised_by")) for e in prompts] == [("genuine? ", None),
                                                                            ("after? ", "sys.audit")]
