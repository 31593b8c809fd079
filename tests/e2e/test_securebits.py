"""The kernel's exec securebits (Linux 6.14, Documentation/userspace-api/check_exec.rst):
vigil-python honours SECBIT_EXEC_RESTRICT_FILE and SECBIT_EXEC_DENY_INTERACTIVE whatever its
policy says, records that it did, and `vigil run --secure-exec` sets them (docs/trust.md)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import (STOCK_VERSION, VIGIL, VIGIL_PYTHON, alerts, assert_contract, events, read_records,
                      run_on_terminal)

RESTRICT_FILE = 1 << 8
DENY_INTERACTIVE = 1 << 10
LOCKS = 1 << 9 | 1 << 11

# Sets the bits in a process of its own, then execs the command: what a
# service manager or `vigil run --secure-exec` does before vigil-python starts.
SET_BITS = """\
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
bits = int(sys.argv[1], 0) | libc.prctl(27, 0, 0, 0, 0)
if libc.prctl(28, bits, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_SECUREBITS): " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[2], sys.argv[2:])
"""

# A script that prints the securebits of the process running it.
PRINT_BITS = "import ctypes\nprint(hex(ctypes.CDLL(None).prctl(27, 0, 0, 0, 0)))\n"


def with_bits(bits, argv):
    return [sys.executable, "-c", SET_BITS, hex(bits), *argv]


def kernel_problem():
    if tuple(map(int, os.uname().release.split("-")[0].split(".")[:2])) < (6, 14):
        return f"the exec securebits need Linux 6.14; this kernel is {os.uname().release}"
    probe = subprocess.run(with_bits(RESTRICT_FILE | DENY_INTERACTIVE, ["/bin/true"]), capture_output=True, text=True)
    if probe.returncode != 0:
        return f"this kernel refuses to set the exec securebits: {probe.stderr.strip()}"
    return None


KERNEL_PROBLEM = kernel_problem()
pytestmark = pytest.mark.skipif(KERNEL_PROBLEM is not None, reason=str(KERNEL_PROBLEM))


def environment(log, **extra):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("VIGIL_POLICY", None)
    env["VIGIL_LOG"] = str(log)
    # A .pyc written into the executable standard library would be 0644,
    # and refused by later tests.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run(bits, args, log, cwd, input=None, **extra_env):
    argv = [VIGIL_PYTHON, *map(str, args)]
    return subprocess.run(with_bits(bits, argv) if bits else argv, input=input, capture_output=True,
                          env=environment(log, **extra_env), cwd=cwd, timeout=120)


def start_record(log):
    records = read_records(log)
    assert_contract(records)
    return next(r for r in records if r["kind"] == "start")


def write(path, text, mode):
    path = Path(path)
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture(scope="session")
def executable_stdlib(tmp_path_factory):
    """A copy of the standard library whose files are executable, for
    PYTHONHOME: under SECBIT_EXEC_RESTRICT_FILE the kernel must allow every
    code file, and Debian installs /usr/lib/python3.X mode 0644."""
    home = tmp_path_factory.mktemp("exec-home")
    version = "python%d.%d" % STOCK_VERSION
    # Links are copied as files: Debian's sitecustomize.py links to /etc.
    shutil.copytree(f"/usr/lib/{version}", home / "lib" / version, ignore_dangling_symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "test", "idlelib", "tkinter", "ensurepip",
                                                  "lib2to3", "site-packages", "dist-packages"))
    for directory, _, files in os.walk(home):
        for name in files:
            os.chmod(os.path.join(directory, name), 0o755)
    return home


def restricted(log, cwd, home, args, input=None, bits=RESTRICT_FILE):
    return run(bits, args, log, cwd, input=input, PYTHONHOME=str(home))


# --- the start record ----------------------------------------------------------------------------------------

def test_the_start_record_says_which_bits_it_found(tmp_path, log):
    plain = write(tmp_path / "plain.py", "print('ran')\n", 0o644)
    assert run(0, [plain], log, tmp_path).returncode == 0
    assert start_record(log)["securebits"] == {"found": [], "honoured": []}

    log.unlink()
    # SECBIT_EXEC_DENY_INTERACTIVE alone leaves a script file to run, unchecked.
    completed = run(DENY_INTERACTIVE | LOCKS, [plain], log, tmp_path)
    assert completed.returncode == 0 and completed.stdout == b"ran\n", completed.stderr
    assert start_record(log)["securebits"] == {
        "found": ["SECBIT_EXEC_RESTRICT_FILE_LOCKED", "SECBIT_EXEC_DENY_INTERACTIVE",
                  "SECBIT_EXEC_DENY_INTERACTIVE_LOCKED"],
        "honoured": ["SECBIT_EXEC_DENY_INTERACTIVE"]}


# --- SECBIT_EXEC_DENY_INTERACTIVE ----------------------------------------------------------------------------

def assert_refused_interactive(completed, log, what):
    assert completed.returncode == 78, completed.stderr
    assert completed.stdout == b""
    stderr = completed.stderr.decode()
    assert "vigil-python" in stderr and "SECBIT_EXEC_DENY_INTERACTIVE" in stderr
    assert "kernel.exec_deny_interactive" in stderr
    records = read_records(log)
    assert_contract(records)
    start = next(r for r in records if r["kind"] == "start")
    assert start["policy"]["mode"] == "audit"  # the default policy, which refuses nothing itself
    assert start["securebits"]["honoured"] == ["SECBIT_EXEC_DENY_INTERACTIVE"]
    refused = alerts(records, "kernel.exec_deny_interactive")
    assert len(refused) == 1 and refused[0]["enforced"] and refused[0]["event"] == "vigil.start"
    assert what in refused[0]["message"]
    # Nothing ran: no program, no compile of it.
    assert not events(records, "compile") and not events(records, "exec")


def test_deny_interactive_refuses_a_command(tmp_path, log):
    completed = run(0, ["-c", "print('ran')"], log, tmp_path)
    assert completed.stdout == b"ran\n"
    log.unlink()
    assert_refused_interactive(run(DENY_INTERACTIVE, ["-c", "print('ran')"], log, tmp_path), log, "-c")


def test_deny_interactive_refuses_a_program_on_a_pipe(tmp_path, log):
    assert run(0, [], log, tmp_path, input=b"print('ran')\n").stdout == b"ran\n"
    log.unlink()
    completed = run(DENY_INTERACTIVE, [], log, tmp_path, input=b"print('ran')\n")
    assert_refused_interactive(completed, log, "standard input")


def test_deny_interactive_lets_stdin_run_only_an_executable_file(tmp_path, log):
    for mode, expected in ((0o755, 0), (0o644, 78)):
        program = write(tmp_path / f"stdin-{mode:o}.py", "print('ran')\n", mode)
        with open(program, "rb") as stdin:
            completed = subprocess.run(with_bits(DENY_INTERACTIVE, [VIGIL_PYTHON]), stdin=stdin,
                                       capture_output=True, env=environment(log), cwd=tmp_path, timeout=60)
        assert completed.returncode == expected, (mode, completed.stderr)
        assert completed.stdout == (b"ran\n" if expected == 0 else b"")


def test_deny_interactive_refuses_inspect(tmp_path, log):
    program = write(tmp_path / "program.py", "print('ran')\n", 0o644)
    assert_refused_interactive(run(DENY_INTERACTIVE, ["-i", program], log, tmp_path, input=b""), log, "-i")
    log.unlink()
    completed = subprocess.run(with_bits(DENY_INTERACTIVE, [VIGIL_PYTHON, str(program)]), input=b"",
                               capture_output=True, env=environment(log, PYTHONINSPECT="1"), cwd=tmp_path)
    assert_refused_interactive(completed, log, "PYTHONINSPECT")


def test_deny_interactive_refuses_the_repl(tmp_path, log):
    env = environment(log, TERM="dumb")
    # A REPL that did open ends, so the test fails rather than waits.
    status, output = run_on_terminal(with_bits(DENY_INTERACTIVE, [VIGIL_PYTHON, "-q"]),
                                     b"print(6 * 7)\nraise SystemExit(5)\n", env, tmp_path)
    assert status == 78 and b"42" not in output, output
    assert b"SECBIT_EXEC_DENY_INTERACTIVE" in output


def test_deny_interactive_gives_no_repl_for_pythoninspect_set_while_running(tmp_path, log):
    program = write(tmp_path / "inspect.py", "import os\nos.environ['PYTHONINSPECT'] = '1'\nprint('done')\n",
                    0o644)
    env = environment(log, TERM="dumb")
    typed = b"print(6 * 7)\n"
    # Without the bit the program does reach the REPL, so the assertion below can fail.
    status, output = run_on_terminal([VIGIL_PYTHON, str(program)], typed + b"raise SystemExit(3)\n", env, tmp_path)
    assert status == 3 and b"42" in output
    status, output = run_on_terminal(with_bits(DENY_INTERACTIVE, [VIGIL_PYTHON, str(program)]),
                                     typed + b"raise SystemExit(5)\n", env, tmp_path)
    assert status == 0 and b"done" in output
    assert b">>>" not in output and b"42" not in output


# --- SECBIT_EXEC_RESTRICT_FILE -------------------------------------------------------------------------------

def assert_refused_file(completed, log, path):
    # A refused script ends the run with vigil-python's own line (status 78).
    assert completed.returncode == 78 and completed.stdout == b"", completed.stderr
    assert b"vigil-python: refusing to run: SECBIT_EXEC_RESTRICT_FILE" in completed.stderr
    records = read_records(log)
    assert_contract(records)
    assert next(r for r in records if r["kind"] == "start")["policy"]["mode"] == "audit"
    opened = [e for e in events(records, "open") if e["args"]["path"] == str(path)]
    assert opened and opened[-1]["exec_check"] == {"securebit": "SECBIT_EXEC_RESTRICT_FILE", "kernel": "denied",
                                                   "error": "Permission denied"}
    assert opened[-1]["decision"]["enforced"]
    refused = [a for a in alerts(records, "kernel.exec_restrict_file") if a["seq_ref"] == opened[-1]["seq"]]
    assert len(refused) == 1 and refused[0]["enforced"] and str(path) in refused[0]["message"]


def test_restrict_file_runs_an_executable_script(tmp_path, log, executable_stdlib):
    program = write(tmp_path / "program.py", "import json\nprint(json.dumps('ran'))\n", 0o755)
    completed = restricted(log, tmp_path, executable_stdlib, [program])
    assert completed.returncode == 0 and completed.stdout == b'"ran"\n', completed.stderr
    records = read_records(log)
    assert_contract(records)
    assert next(r for r in records if r["kind"] == "start")["securebits"]["honoured"] == ["SECBIT_EXEC_RESTRICT_FILE"]
    opened = {e["args"]["path"]: e for e in events(records, "open") if "exec_check" in e}
    assert opened[str(program)]["exec_check"]["kernel"] == "allowed"
    assert any(path.endswith("/json/__init__.py") for path in opened)
    assert not alerts(records, "kernel.exec_restrict_file")
    # The bit alone leaves -c to run (the kernel document's second case).
    completed = restricted(log, tmp_path, executable_stdlib, ["-c", "print('ran')"])
    assert completed.returncode == 0 and completed.stdout == b"ran\n", completed.stderr


def test_restrict_file_refuses_at_start_a_standard_library_the_kernel_would_not_execute(tmp_path, log):
    encodings = Path("/usr/lib/python%d.%d/encodings/__init__.py" % STOCK_VERSION)
    if encodings.stat().st_mode & 0o111:
        pytest.skip(f"{encodings} is executable here; Debian installs it 0644")
    program = write(tmp_path / "program.py", "print('ran')\n", 0o755)
    completed = run(RESTRICT_FILE, [program], log, tmp_path)
    assert completed.returncode == 78 and completed.stdout == b""
    # One line that names Vigil, the bit and the rule, not CPython's fatal error.
    assert completed.stderr.decode().splitlines() == [
        "vigil-python: refusing to run: the kernel's securebit SECBIT_EXEC_RESTRICT_FILE is set and the kernel would "
        f"not execute the standard library ({encodings}: Permission denied); every code file must be executable, "
        "see docs/trust.md (rule kernel.exec_restrict_file)"]
    records = read_records(log)
    assert_contract(records)
    assert [r["kind"] for r in records] == ["start", "alert", "stop"]
    assert records[1]["rule"] == "kernel.exec_restrict_file" and records[1]["event"] == "vigil.start"
    assert records[2]["reason"] == "refused by the kernel's securebits"


def test_restrict_file_refuses_a_script_without_execute_permission(tmp_path, log, executable_stdlib):
    program = write(tmp_path / "program.py", "print('ran')\n", 0o644)
    completed = run(0, [program], log, tmp_path, PYTHONHOME=str(executable_stdlib))
    assert completed.returncode == 0 and completed.stdout == b"ran\n", completed.stderr
    log.unlink()
    assert_refused_file(restricted(log, tmp_path, executable_stdlib, [program]), log, program)


def test_restrict_file_refuses_an_executable_script_on_a_noexec_mount(tmp_path, log, executable_stdlib,
                                                                      noexec_mount):
    program = write(noexec_mount / "program.py", "print('ran')\n", 0o755)
    assert_refused_file(restricted(log, tmp_path, executable_stdlib, [program]), log, program)


def test_restrict_file_refuses_a_module_without_execute_permission(tmp_path, log, executable_stdlib):
    write(tmp_path / "allowed.py", "VALUE = 'allowed'\n", 0o755)
    refused = write(tmp_path / "refused.py", "VALUE = 'refused'\n", 0o644)
    program = write(tmp_path / "program.py",
                    "import sys\nsys.path.insert(0, sys.argv[1])\nimport allowed\nprint(allowed.VALUE)\n"
                    "try:\n    import refused\nexcept PermissionError as error:\n    print('PermissionError', error)\n"
                    "else:\n    print(refused.VALUE)\n", 0o755)
    completed = restricted(log, tmp_path, executable_stdlib, [program, tmp_path])
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.decode().splitlines()
    assert lines[0] == "allowed"
    assert lines[1].startswith("PermissionError vigil: SECBIT_EXEC_RESTRICT_FILE") and "kernel.exec_restrict_file" in lines[1]
    records = read_records(log)
    refusals = alerts(records, "kernel.exec_restrict_file")
    assert [a["enforced"] for a in refusals] == [True] and str(refused) in refusals[0]["message"]


def test_restrict_file_refuses_native_code_without_execute_permission(tmp_path, log, executable_stdlib):
    extension = next(Path("/usr/lib/python%d.%d/lib-dynload" % STOCK_VERSION).glob("xxlimited.*.so"), None)
    if extension is None:
        pytest.skip("this Python has no xxlimited extension module to copy")
    for mode in (0o755, 0o644):
        (tmp_path / f"{mode:o}").mkdir()
        shutil.copy(extension, tmp_path / f"{mode:o}" / extension.name)
        (tmp_path / f"{mode:o}" / extension.name).chmod(mode)
        shutil.copy("/lib/x86_64-linux-gnu/libm.so.6", tmp_path / f"{mode:o}" / "libm.so.6")
        (tmp_path / f"{mode:o}" / "libm.so.6").chmod(mode)
    program = write(tmp_path / "program.py", """\
import ctypes, sys
for directory in sys.argv[1:]:
    sys.path.insert(0, directory)
    try:
        __import__("xxlimited")
        print("import ran")
    except ImportError:
        print("import refused")
    sys.path.pop(0)
    sys.modules.pop("xxlimited", None)
    try:
        ctypes.CDLL(directory + "/libm.so.6")
        print("dlopen ran")
    except PermissionError:
        print("dlopen refused")
""", 0o755)
    completed = restricted(log, tmp_path, executable_stdlib, [program, tmp_path / "755", tmp_path / "644"])
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.decode().split("\n") == ["import ran", "dlopen ran", "import refused", "dlopen refused", ""]
    records = read_records(log)
    refused = {e["event"]: e for e in events(records) if e.get("exec_check", {}).get("kernel") == "denied"}
    assert set(refused) == {"import", "ctypes.dlopen"}
    assert all(e["decision"]["enforced"] for e in refused.values())
    assert len(alerts(records, "kernel.exec_restrict_file")) == 2


# --- vigil run --secure-exec ---------------------------------------------------------------------------------

def vigil_run(log, cwd, options, args, **extra_env):
    return subprocess.run([VIGIL, "run", "--log", str(log), *options, "--", *map(str, args)], capture_output=True,
                          env=environment(log, **extra_env), cwd=cwd, timeout=120)


def test_vigil_run_secure_exec_sets_the_bits(tmp_path, log, executable_stdlib):
    program = write(tmp_path / "bits.py", PRINT_BITS, 0o755)
    completed = vigil_run(log, tmp_path, ["--secure-exec=interactive"], [program])
    assert completed.returncode == 0 and completed.stdout == b"0x400\n", completed.stderr
    assert start_record(log)["securebits"]["found"] == ["SECBIT_EXEC_DENY_INTERACTIVE"]

    log.unlink()
    completed = vigil_run(log, tmp_path, ["--secure-exec=interactive,locked"], [program])
    assert completed.stdout == b"0xc00\n", completed.stderr

    log.unlink()
    completed = vigil_run(log, tmp_path, ["--secure-exec"], [program], PYTHONHOME=str(executable_stdlib))
    assert completed.returncode == 0 and completed.stdout == b"0x500\n", completed.stderr
    assert start_record(log)["securebits"]["honoured"] == ["SECBIT_EXEC_RESTRICT_FILE",
                                                           "SECBIT_EXEC_DENY_INTERACTIVE"]

    completed = vigil_run(log, tmp_path, ["--secure-exec"], ["-c", "print('ran')"])
    assert completed.returncode == 78 and b"SECBIT_EXEC_DENY_INTERACTIVE" in completed.stderr
    assert vigil_run(log, tmp_path, [], ["-c", "print('ran')"]).stdout == b"ran\n"


def test_vigil_run_secure_exec_needs_no_privilege(tmp_path):
    # Linux lets any process set these bits (they restrict only itself).
    if os.geteuid() != 0:
        pytest.skip("running vigil as another user needs root")
    shared = Path(tempfile.mkdtemp())
    try:
        shared.chmod(0o777)
        program = write(shared / "bits.py", PRINT_BITS, 0o755)
        log = shared / "vigil.jsonl"
        completed = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
             VIGIL, "run", "--log", str(log), "--secure-exec=interactive", "--", str(program)],
            capture_output=True, env=environment(log), cwd=shared, timeout=120)
        assert completed.returncode == 0 and completed.stdout == b"0x400\n", completed.stderr
    finally:
        shutil.rmtree(shared)


def test_vigil_run_secure_exec_rejects_an_unknown_word(tmp_path, log):
    completed = vigil_run(log, tmp_path, ["--secure-exec=files"], ["-c", "pass"])
    assert completed.returncode == 78
    assert b"--secure-exec takes file, interactive and locked, not 'files'" in completed.stderr
