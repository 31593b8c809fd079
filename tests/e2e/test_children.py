"""Children of a trusted program under policies/strict.toml: multiprocessing
under every start method, concurrent.futures and subprocess run as under
python3, a refused child never makes its parent loop, and every refusal
says who refused and where to look (issue 21, items 2 and 3)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import STOCK_PYTHON, STOCK_VERSION, VIGIL_PYTHON, alerts, assert_contract

POOL = """
import multiprocessing, sys
def square(x):
    return x * x
if __name__ == "__main__":
    multiprocessing.set_start_method(sys.argv[1])
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(8)))
    process = multiprocessing.Process(target=square, args=(3,))
    process.start()
    process.join()
    print("exit", process.exitcode)
"""

EXECUTOR = """
import concurrent.futures, multiprocessing, sys
def cube(x):
    return x ** 3
if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1]) if len(sys.argv) > 1 else None
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as executor:
        print(sorted(executor.map(cube, range(6))))
"""


def stock(args, cwd):
    return subprocess.run([STOCK_PYTHON, *args], capture_output=True, timeout=120, cwd=cwd)


def under_strict(vigil_run, strict, args, timeout=120):
    return vigil_run(args, env={"VIGIL_POLICY": strict.path}, timeout=timeout)


def starts(records):
    return [r for r in records if r["kind"] == "start"]


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_a_pool_runs_as_under_python3(vigil_run, strict, script, tmp_path, method):
    path = script(POOL, "pool.py")
    strict.trust(path)
    expected = stock([path, method], tmp_path)
    run = under_strict(vigil_run, strict, [path, method])
    assert (run.returncode, run.stdout) == (expected.returncode, expected.stdout), run.stderr
    assert expected.stdout.startswith(b"[0, 1, 4, 9, 16, 25, 36, 49]\n")
    records = run.records
    assert_contract(records)
    assert not alerts(records, "entry.command") and not alerts(records, "trust.provenance")
    helpers = {s["entry"].get("bootstrap") for s in starts(records) if s["entry"]["mode"] == "command"}
    expected_helpers = {"fork": set(),
                        "spawn": {"multiprocessing.spawn", "multiprocessing.resource_tracker"},
                        "forkserver": {"multiprocessing.forkserver", "multiprocessing.resource_tracker"}}[method]
    assert helpers == expected_helpers


@pytest.mark.parametrize("method", [None, "spawn"])
def test_a_process_pool_executor_runs_as_under_python3(vigil_run, strict, script, tmp_path, method):
    path = script(EXECUTOR, "executor.py")
    strict.trust(path)
    args = [path] + ([method] if method else [])
    expected = stock(args, tmp_path)
    run = under_strict(vigil_run, strict, args)
    assert (run.returncode, run.stdout) == (expected.returncode, expected.stdout), run.stderr
    assert expected.stdout == b"[0, 1, 8, 27, 64, 125]\n"


def test_a_trusted_script_runs_another_with_vigil_python(vigil_run, strict, script, tmp_path):
    child = script("import sys\nprint('child', sys.argv[1])\nsys.exit(3)\n", "child.py")
    parent = script("import subprocess, sys\n"
                    "done = subprocess.run([sys.executable, sys.argv[1], 'hello'], capture_output=True)\n"
                    "print(done.returncode, done.stdout.decode().strip())\n", "parent.py")
    strict.trust(child, parent)
    run = under_strict(vigil_run, strict, [parent, child])
    assert run.returncode == 0 and run.stdout == b"3 child hello\n", run.stderr
    assert stock([parent, child], tmp_path).stdout == b"3 child hello\n"
    assert [s["entry"]["mode"] for s in starts(run.records)] == ["file", "file"]


@pytest.mark.parametrize("command", [
    "from multiprocessing.spawn import spawn_main; spawn_main(pipe_handle=0); print('ran')",
    "print('ran'); from multiprocessing.resource_tracker import main;main(0)",
    "from multiprocessing.resource_tracker import main;main(__import__('os').system('echo ran'))",
])
def test_a_command_that_mimics_the_bootstrap_is_still_a_command(vigil_run, strict, command):
    run = under_strict(vigil_run, strict, ["-c", command])
    assert run.returncode == 78 and b"ran" not in run.stdout
    assert b"(rule entry.command)" in run.stderr
    start = starts(run.records)[0]
    assert start["entry"]["mode"] == "command" and "bootstrap" not in start["entry"]
    assert alerts(run.records, "entry.command")


# Item 3: every refusal names Vigil, the rule and where to learn more.

def test_a_refused_command_names_vigil_the_rule_and_the_explanation(vigil_run, strict):
    run = under_strict(vigil_run, strict, ["-c", "print('ran')"])
    assert run.returncode == 78 and run.stdout == b""
    hint = f"vigil policy explain {strict.path} --entry command -- cpython.run_command"
    assert run.stderr.decode() == ("vigil-python: refusing to run: running code given with -c is not allowed "
                                   f"(rule entry.command); see `{hint}`\n")
    assert alerts(run.records, "entry.command")[0]["hint"] == hint
    explained = subprocess.run(hint.split(), capture_output=True, text=True,
                               env={**os.environ, "PATH": f"{Path(VIGIL_PYTHON).parent}:{os.environ['PATH']}"})
    assert "deny by entry.command" in explained.stdout, explained.stderr


def test_an_untrusted_module_and_a_denied_import_say_where_to_look(vigil_run, strict, script):
    script("VALUE = 1\n", "helper.py")
    main = script("try:\n    import helper\nexcept PermissionError as error:\n    print(error)\n"
                  "try:\n    import ctypes\nexcept ImportError as error:\n    print(error)\n", "main.py")
    strict.trust(main)
    run = under_strict(vigil_run, strict, [main])
    assert run.returncode == 0, run.stderr
    helper = str(Path(main).parent / "helper.py")
    assert run.stdout.decode().splitlines() == [
        f"vigil: code file is not trusted: {helper}: no trust source vouches for its SHA-256 (rule trust.code); "
        f"see `vigil trust status --policy {strict.path} {helper}`",
        f"vigil: ctypes is not allowed (rule ctypes); see `vigil policy explain {strict.path} -- import`",
    ]
    assert [a["hint"] for a in alerts(run.records, "ctypes")] == [f"vigil policy explain {strict.path} -- import"]
    status = subprocess.run([str(Path(VIGIL_PYTHON).parent / "vigil"), "trust", "status", "--policy", strict.path,
                             helper], capture_output=True, text=True)
    assert status.returncode == 1 and "verdict   not trusted" in status.stdout


def test_trust_sources_that_vouch_for_nothing_refuse_at_start_in_one_line(vigil_run, tmp_path, script):
    """strict.toml on a fresh host, before `vigil trust build`."""
    empty = tmp_path / "trust.d"
    empty.mkdir()
    policy = tmp_path / "fresh.toml"
    policy.write_text((Path(__file__).parents[2] / "policies" / "strict.toml").read_text()
                      .replace('database = ["/etc/vigil/trust.d"]', f'database = ["{empty}"]'))
    main = script("print('ran')\n")
    run = vigil_run([main], env={"VIGIL_POLICY": str(policy)})
    stdlib = "/usr/lib/python%d.%d" % STOCK_VERSION
    assert run.returncode == 78 and run.stdout == b""
    assert run.stderr.decode() == (
        "vigil-python: refusing to run: the policy's trust sources vouch for none of the standard library "
        f"({stdlib}/encodings/__init__.py: no trust source vouches for its SHA-256); build the trust database "
        f"first: vigil trust build -o {empty}/stdlib.trust {stdlib}\n")
    records = run.records
    assert [r["kind"] for r in records if r["kind"] != "alert"] == ["start", "stop"]
    refusal = alerts(records, "trust.code")[0]
    assert refusal["event"] == "vigil.start" and refusal["enforced"] is True
    assert refusal["hint"] == f"vigil trust build -o {empty}/stdlib.trust {stdlib}"
    assert records[-1]["status"] == 78
    assert records[-1]["reason"] == "the trust sources vouch for none of the standard library"


# A refused child never makes its parent loop.

def test_a_child_the_policy_will_refuse_fails_in_the_parent(vigil_run, strict, script):
    # The sanitizers' options go with the child's own environment (the
    # ASan build's children would report leaks otherwise).
    main = script("import os, subprocess, sys\n"
                  "try:\n    subprocess.run([sys.executable, '-c', 'print(1)'])\n"
                  "except PermissionError as error:\n    print(error)\n"
                  "sanitizers = {k: v for k, v in os.environ.items() if k.endswith('SAN_OPTIONS')}\n"
                  "done = subprocess.run([sys.executable, '-c', 'print(2)'], capture_output=True,\n"
                  "                      env={'VIGIL_POLICY': 'default', 'VIGIL_LOG': sys.argv[1], **sanitizers})\n"
                  "print(done.returncode, done.stdout)\n", "main.py")
    strict.trust(main)
    other_log = Path(main).parent / "other.jsonl"
    run = under_strict(vigil_run, strict, [main, str(other_log)])
    assert run.returncode == 0, run.stderr
    hint = f"vigil policy explain {strict.path} --entry command -- cpython.run_command"
    assert run.stdout.decode().splitlines() == [
        "vigil: running code given with -c is not allowed: the vigil-python this starts (-c print(1)) would be "
        f"refused at start (rule entry.command); see `{hint}`",
        # Under another policy the child is its own policy's business.
        "0 b'2\\n'",
    ]
    records = run.records
    assert len(starts(records)) == 1
    refusal = alerts(records, "entry.command")[0]
    # subprocess uses posix_spawn where it can (3.13 here).
    assert refusal["event"] in ("_posixsubprocess.fork_exec", "os.posix_spawn") and refusal["enforced"] is True


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_pool_whose_workers_the_policy_forbids_raises(vigil_run, strict, script, method):
    """[entry] multiprocessing = false: the pool's own start fails, once."""
    Path(strict.path).write_text(Path(strict.path).read_text().replace(
        "command = false\n", "command = false\nmultiprocessing = false\n"))
    path = script(POOL, "pool.py")
    strict.trust(path)
    run = under_strict(vigil_run, strict, [path, method], timeout=60)
    assert run.returncode == 1 and run.stdout == b""
    assert run.stderr.decode().splitlines()[-1].startswith(
        "PermissionError: vigil: running code given with -c is not allowed: the vigil-python this starts "
        "(-c from multiprocessing.")
    assert len(starts(run.records)) == 1


INITIALISED_POOL = """
import multiprocessing, os, sys
def initialise():
    import helper
def square(x):
    return x * x
if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    pool = multiprocessing.Pool(2, initializer=initialise)
    try:
        print(pool.map_async(square, range(4)).get(timeout=20))
    except multiprocessing.TimeoutError:
        # The pool's worker thread is dead: closing the pool would wait for
        # it for ever, as in python3 whenever that thread fails.
        print("no result", flush=True)
        os._exit(3)
    pool.close()
"""


def test_a_pool_whose_workers_are_refused_unforeseeably_stops_starting_them(vigil_run, strict, script, tmp_path):
    """Each worker imports a module the policy does not trust, which the
    parent never imports: python3's pool replaces a worker that dies as it
    starts for ever. The parent stops after kMaxRefusedInARow refused
    workers; the pool's worker thread dies with the PermissionError, and
    the result never comes."""
    script("VALUE = 1\n", "helper.py")
    path = script(INITIALISED_POOL, "pool.py")
    strict.trust(path)
    assert stock([path], tmp_path).stdout == b"[0, 1, 4, 9]\n"
    run = under_strict(vigil_run, strict, [path], timeout=90)
    assert run.returncode == 3 and run.stdout == b"no result\n", run.stderr
    records = run.records
    workers = [s for s in starts(records) if s["entry"].get("bootstrap") == "multiprocessing.spawn"]
    assert 10 <= len(workers) <= 12
    refused = alerts(records, "vigil.refused_children")
    assert refused and refused[0]["pid"] == records[0]["pid"] and refused[0]["enforced"] is True
    assert "the last 10 it started were refused, the last: vigil: code file is not trusted: " in refused[0]["message"]
    assert b"(rule vigil.refused_children)" in run.stderr
    # Beside the log; the parent's exit handler, which os._exit skips, would remove it.
    tally, = tmp_path.glob(".vigil-children-*")
    assert tally.read_text().splitlines()[-1].startswith("refused vigil: code file is not trusted: ")
