"""Values recorded once per change (docs/records.md): the import event's
sys.path, sys.meta_path and sys.path_hooks are written in full the first
time and whenever they change, and referred to with {"same_as": seq}
afterwards. The policy judges the live value; the analyst's commands put
the referred value back."""

import json
import os
import subprocess

from conftest import VIGIL, assert_contract, by_pid, events, read_records

LISTS = ("sys_path", "sys_meta_path", "sys_path_hooks")
MARKER = "/nonexistent-vigil-marker"

# Imports modules that neither start-up nor each other import, before and
# after changing sys.path.
SCRIPT = f"""
import sys
import csv
import fractions
sys.path.insert(0, {MARKER!r})
import difflib
import shlex
"""


def reference(value):
    return value["same_as"] if isinstance(value, dict) and set(value) == {"same_as"} else None


def resolved(records, record, field):
    """The value a record's field stands for, following its reference to an
    earlier event record of the same process, which must hold it in full."""
    value = record["args"][field]
    seq = reference(value)
    if seq is None:
        return value
    [held] = [r for r in records if r["pid"] == record["pid"] and r["seq"] == seq]
    assert held["kind"] == "event" and held["event"] == record["event"] and held["seq"] < record["seq"]
    assert reference(held["args"][field]) is None, "a reference names a record that refers on"
    return held["args"][field]


def imported(records, module):
    return next(e for e in events(records, "import") if e["args"]["module"] == module)


def test_lists_are_written_once_then_referred_to_until_they_change(vigil_run, script):
    run = vigil_run([script(SCRIPT)])
    assert run.returncode == 0, run.stderr
    records = run.records
    assert_contract(records)
    imports = events(records, "import")
    first = imports[0]
    for field in LISTS:
        assert isinstance(first["args"][field], list), first
    # Before the change every import refers to the same text; most of them
    # do not repeat it.
    csv, fractions = imported(records, "csv"), imported(records, "fractions")
    assert reference(csv["args"]["sys_meta_path"]) is not None
    assert reference(fractions["args"]["sys_path"]) is not None
    assert MARKER not in resolved(records, fractions, "sys_path")
    # The insert changes sys.path: the next import writes it in full, the
    # ones after refer to that record.
    difflib, shlex = imported(records, "difflib"), imported(records, "shlex")
    assert difflib["args"]["sys_path"][0] == MARKER
    assert reference(shlex["args"]["sys_path"]) == difflib["seq"]
    assert reference(difflib["args"]["sys_meta_path"]) is not None
    # Every reference names an earlier import record of the process holding
    # the very value.
    # (An extension module's second event passes None for them.)
    for record in imports:
        for field in LISTS:
            assert isinstance(resolved(records, record, field), (list, type(None)))
    assert subprocess.run([VIGIL, "log", "verify", str(run.log)], capture_output=True).returncode == 0


def test_a_forked_child_writes_its_own_lists(vigil_run, script):
    run = vigil_run([script("""
import os, sys
import csv
pid = os.fork()
if pid == 0:
    import fractions
    import decimal
    os._exit(0)
os.waitpid(pid, 0)
""")])
    assert run.returncode == 0, run.stderr
    records = run.records
    assert_contract(records)
    processes = by_pid(records)
    assert len(processes) == 2
    child = next(p for p in processes.values() if p[0]["origin"] == "fork")
    child_imports = events(child, "import")
    assert child_imports
    for field in LISTS:
        assert reference(child_imports[0]["args"][field]) is None, child_imports[0]
    for record in child_imports:
        for field in LISTS:
            resolved(child, record, field)  # names a record of the child


def test_analyst_commands_and_replay_see_the_whole_lists(vigil_run, script, tmp_path):
    rule = """
[[rule]]
id = "shlex-with-path-list"
event = "import"
args.module = { one_of = ["shlex"] }
# Replay reads a recorded array as a tuple.
args.sys_path = { type = ["list", "tuple"] }
severity = "low"
message = "shlex imported with a sys.path list"
"""
    policy = tmp_path / "policy.toml"
    policy.write_text(f'version = 1\nname = "lists"\nmode = "audit"\n{rule}action = "alert"\n')
    run = vigil_run([script(SCRIPT)], env={"VIGIL_POLICY": str(policy)})
    assert run.returncode == 0, run.stderr
    records = run.records
    shlex = imported(records, "shlex")
    # The live policy judged the live list, not the record's reference.
    assert reference(shlex["args"]["sys_path"]) is not None
    assert [a["seq_ref"] for a in records if a["kind"] == "alert" and a["rule"] == "shlex-with-path-list"] == \
        [shlex["seq"]]

    def vigil(*args):
        return subprocess.run([VIGIL, *map(str, args)], capture_output=True, text=True, timeout=120)

    # vigil log: filters and readable lines see the list; -j prints the
    # line as written.
    shown = vigil("log", "--color", "never", "-e", "import", "-a", f"sys_path=*{MARKER}*", run.log)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    modules = [line.split("module=")[1].split()[0] for line in lines]
    assert modules[0] == "difflib" and "shlex" in modules, lines
    assert MARKER in lines[modules.index("shlex")]
    written = vigil("log", "-j", "-e", "import", "-a", "module=shlex", run.log)
    assert json.loads(written.stdout)["args"]["sys_path"] == {"same_as": imported(records, "difflib")["seq"]}
    # Replay judges the rule on the record's whole value.
    enforcing = tmp_path / "enforcing.toml"
    enforcing.write_text(f'version = 1\nname = "lists"\nmode = "enforce"\n{rule}action = "deny"\n')
    replayed = vigil("policy", "replay", "--policy", enforcing, "--json", run.log)
    assert replayed.returncode in (0, 1), replayed.stderr
    report = json.loads(replayed.stdout)
    assert [d["rule"] for d in report["denials"]] == ["shlex-with-path-list"], report
    summary = vigil("summary", run.log)
    assert summary.returncode == 0, summary.stderr
