"""CPython ≤3.13's audit gaps, closed from C (src/runtime/audited_wrappers.h):
process creation through _posixsubprocess.fork_exec, readline's file
functions, and events forged through sys.audit."""
import textwrap

import pytest

from conftest import STOCK_PYTHON, STOCK_VERSION, alerts, events


def run_script(vigil_run, tmp_path, body, **kwargs):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(body))
    run = vigil_run([str(script)], **kwargs)
    return run.checked_records()


def test_spawnv_passfds_raises_the_fork_exec_event(vigil_run, tmp_path):
    marker = tmp_path / "ran"
    records = run_script(vigil_run, tmp_path, f"""
        import os, multiprocessing.util
        pid = multiprocessing.util.spawnv_passfds(b"/bin/touch", [b"/bin/touch", b"{marker}"], [])
        os.waitpid(pid, 0)
    """)
    assert marker.exists(), "the child did not run"
    started = events(records, "_posixsubprocess.fork_exec")
    assert len(started) == 1
    assert started[0]["args"]["args"] == [{"bytes": "/bin/touch"}, {"bytes": str(marker)}]
    assert started[0]["site"]["function"] == "spawnv_passfds"
    assert "raised_by" not in started[0]


@pytest.mark.skipif(STOCK_VERSION >= (3, 14), reason="CPython 3.14 raises _posixsubprocess.fork_exec itself: "
                                                    "there is no unaudited original to reach")
def test_the_original_fork_exec_is_not_reachable(vigil_run, tmp_path):
    """Every function object made from the module's table calls the wrapper:
    a fresh module object from the import machinery, and gc's view of it."""
    marker = tmp_path / "ran"
    records = run_script(vigil_run, tmp_path, f"""
        import gc, importlib.machinery, importlib.util, os, sys
        spec = importlib.machinery.BuiltinImporter.find_spec("_posixsubprocess")
        fresh = importlib.util.module_from_spec(spec)
        fork_exec = [o for o in gc.get_objects() if getattr(o, "__name__", None) == "fork_exec"] + [fresh.fork_exec]
        for function in fork_exec:
            read_end, write_end = os.pipe()
            # 3.11's signature, as subprocess.py calls it.
            pid = function([b"/bin/true"], [b"/bin/true"], True, (write_end,), None, None,
                           -1, -1, -1, -1, -1, -1, read_end, write_end, False, False, -1, None, None, None, -1,
                           None, False)
            os.waitpid(pid, 0)
        print(len(fork_exec), file=open("{marker}", "w"))
    """)
    called = int(marker.read_text())
    assert called >= 2
    assert len(events(records, "_posixsubprocess.fork_exec")) == called


def test_subprocess_raises_both_popen_and_fork_exec(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import subprocess
        # With a cwd, 3.13+ too takes fork_exec rather than posix_spawn.
        subprocess.run(["/bin/true"], env={"PATH": "/bin"}, cwd="/")
    """)
    popen = events(records, "subprocess.Popen")
    fork_exec = events(records, "_posixsubprocess.fork_exec")
    assert len(popen) == 1 and len(fork_exec) == 1
    assert fork_exec[0]["args"]["env"] == [{"bytes": "PATH=/bin"}]
    assert fork_exec[0]["seq"] > popen[0]["seq"]


def test_readline_file_functions_raise_open(vigil_run, tmp_path):
    history = tmp_path / "history"
    init_file = tmp_path / "inputrc"
    init_file.write_text("set bell-style none\n")
    records = run_script(vigil_run, tmp_path, f"""
        import readline
        readline.add_history("secret")
        readline.write_history_file("{history}")
        readline.read_history_file("{history}")
        readline.append_history_file(1, "{history}")
        readline.read_init_file("{init_file}")
    """)
    opened = [(e["args"]["path"], e["args"]["mode"]) for e in events(records, "open")
              if e["args"]["path"] in (str(history), str(init_file))]
    assert opened == [(str(history), "w"), (str(history), "r"), (str(history), "a"), (str(init_file), "r")]


def test_readline_files_can_be_denied(vigil_run, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text(textwrap.dedent("""
        version = 1
        name = "no-history"
        mode = "enforce"
        [[rule]]
        id = "no-secret-reads"
        event = "open"
        args.path = { glob = "*/secret" }
        action = "deny"
    """))
    secret = tmp_path / "secret"
    secret.write_text("password\n")
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""
        import readline
        try:
            readline.read_history_file("{secret}")
        except PermissionError:
            print("denied")
        else:
            print("read", readline.get_history_item(1))
    """))
    run = vigil_run([str(script)], env={"VIGIL_POLICY": str(policy)})
    assert run.stdout.decode().strip() == "denied", run.stderr
    assert [a["rule"] for a in alerts(run.checked_records())] == ["no-secret-reads"]


def test_stock_python_raises_none_of_these(tmp_path):
    """The gaps are real in the interpreter Vigil replaces (3.14 closed the
    fork_exec one, and its readline opens history files through open)."""
    import subprocess
    script = tmp_path / "probe.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys, multiprocessing.util, readline
        seen = []
        sys.addaudithook(lambda event, args: seen.append((event, args)))
        os.waitpid(multiprocessing.util.spawnv_passfds(b"/bin/true", [b"/bin/true"], []), 0)
        readline.write_history_file("{tmp_path / 'h'}")
        print(sorted({{e for e, a in seen if e in ("_posixsubprocess.fork_exec", "open")}}))
    """))
    out = subprocess.run([STOCK_PYTHON, "-I", str(script)], capture_output=True, check=True).stdout
    assert out.decode().strip() == ("['_posixsubprocess.fork_exec', 'open']" if STOCK_VERSION >= (3, 14) else "[]")


def test_events_raised_through_sys_audit_are_marked(vigil_run, tmp_path):
    records = run_script(vigil_run, tmp_path, """
        import os, sys
        sys.audit("os.system", b"forged")
        f = sys.audit
        f("my.event", 1)
        os.system("true")
    """)
    system = events(records, "os.system")
    assert [e.get("raised_by") for e in system] == ["sys.audit", None]
    assert events(records, "my.event")[0]["raised_by"] == "sys.audit"
    # The runtime's own events are never marked.
    assert not [e for e in events(records) if e.get("raised_by") and e["event"] not in ("os.system", "my.event")
                and not e["event"].startswith(("subprocess.", "shutil.", "tempfile."))]


def test_calls_no_cpython_audits_raise_events(vigil_run, tmp_path):
    """chroot, mknod, mkfifo, the set*uid family and pidfd_send_signal: each
    raises an event of its own name with named arguments, keywords in their
    places, and the call still does what it did."""
    records = run_script(vigil_run, tmp_path, f"""
        import os, signal, stat, subprocess
        os.chroot("/")
        os.mknod("{tmp_path}/plain", mode=stat.S_IFREG | 0o600)
        os.mkfifo("{tmp_path}/fifo", 0o600)
        os.setresuid(-1, -1, -1)
        os.seteuid(os.geteuid())
        child = subprocess.Popen(["sleep", "30"])
        signal.pidfd_send_signal(os.pidfd_open(child.pid), int(signal.SIGTERM))
        assert child.wait() == -signal.SIGTERM
        assert stat.S_ISFIFO(os.stat("{tmp_path}/fifo").st_mode)
    """, env={"VIGIL_POLICY": "default"})
    assert events(records, "os.chroot")[0]["args"] == {"path": "/"}
    assert events(records, "os.mknod")[0]["args"] == {"path": f"{tmp_path}/plain", "mode": 0o100600,
                                                      "device": None, "dir_fd": None}
    assert events(records, "os.mkfifo")[0]["args"]["mode"] == 0o600
    assert events(records, "os.setresuid")[0]["args"] == {"ruid": -1, "euid": -1, "suid": -1}
    assert len(events(records, "os.seteuid")) == 1
    assert events(records, "signal.pidfd_send_signal")[0]["args"]["sig"] == 15
    assert {a["rule"] for a in alerts(records)} >= {"chroot", "special-file"}
    assert not [e for e in events(records) if e["event"].startswith(("os.ch", "os.mk", "os.set", "signal.pidfd"))
                and "raised_by" in e]
