"""Vigil's hook unlinked from the runtime's list while the program runs
(issue 18, defect 7): a window with no event in it is found by the
heartbeat, a hook left unlinked by the exit handler. The windows with
events in them are the tamper suite's (tests/detection/tamper/unlink_*)."""
import textwrap

from conftest import ROOT, read_records

TAMPER = ROOT / "tests" / "detection" / "tamper"


def heartbeat_policy(tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('version = 1\nname = "liveness"\n[log]\nheartbeat = 1\n')
    return str(policy)


def unlinked_alerts(records):
    return [r for r in records if r["kind"] == "alert" and r["rule"] == "vigil.hook_unlinked"]


def run_unlinking(vigil_run, tmp_path, body):
    program = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TAMPER)!r})
        from _internals import interpreter_hook_list, runtime_hook_list_head
    """) + textwrap.dedent(body)
    return vigil_run(["-c", program], env={"VIGIL_POLICY": heartbeat_policy(tmp_path)})


def test_the_heartbeat_finds_a_window_without_events(vigil_run, tmp_path):
    run = run_unlinking(vigil_run, tmp_path, """
        import time
        head = runtime_hook_list_head()
        saved = head.value
        head.value = 0
        # A wait that raises no event (3.13's time.sleep raises one).
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            pass
        head.value = saved
    """)
    assert run.returncode == 0, run.stderr
    alerts = unlinked_alerts(read_records(run.log))
    assert len(alerts) == 1, alerts
    assert alerts[0]["severity"] == "critical" and alerts[0]["attack"] == ["T1562.001"]
    assert "by the heartbeat" in alerts[0]["message"] and "list is empty" in alerts[0]["message"]


def test_a_hook_left_unlinked_is_found_at_exit(vigil_run, tmp_path):
    run = run_unlinking(vigil_run, tmp_path, """
        def marker(event, args):
            pass
        sys.addaudithook(marker)
        hooks = interpreter_hook_list(marker)
        head = runtime_hook_list_head()
        hooks.value = 0
        head.value = 0
    """)
    assert run.returncode == 0, run.stderr
    records = read_records(run.log)
    alerts = unlinked_alerts(records)
    assert len(alerts) == 1 and "at exit" in alerts[0]["message"], alerts
    assert records[-1]["kind"] == "stop"


def test_an_ordinary_run_raises_no_liveness_alert(vigil_run, tmp_path):
    run = vigil_run(["-c", "import json, subprocess, threading; subprocess.run(['true'])"],
                    env={"VIGIL_POLICY": heartbeat_policy(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert not unlinked_alerts(read_records(run.log))


def test_the_sentinel_is_out_of_reach_of_python_code(vigil_run, tmp_path):
    # Found, it could be called to forge a record and a false alarm.
    run = vigil_run(["-c", textwrap.dedent("""
        import gc, sys
        found = [o for o in gc.get_objects() if getattr(o, "__name__", None) == "vigil_sentinel"]
        assert not found, found
        holders = [o for o in gc.get_objects() if isinstance(o, list) and any(
            getattr(item, "__name__", None) == "vigil_sentinel" for item in o)]
        assert not holders, holders
    """)], env={"VIGIL_POLICY": heartbeat_policy(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert not unlinked_alerts(read_records(run.log))
