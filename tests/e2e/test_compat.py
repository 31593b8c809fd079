"""vigil-python is a drop-in python3: for every command-line form, the same
stdout, stderr and exit status as the stock interpreter of the same version."""

import os
import signal
import subprocess

import pytest

from conftest import STOCK_PYTHON, VIGIL_PYTHON, run_on_terminal

SCRIPT = """\
import sys, os
print('argv', sys.argv[1:])
print('flags', sys.flags)
print('path', sys.path[1:])
print('prefix', sys.prefix, sys.base_prefix, sys.exec_prefix, sys.platlibdir)
print('builtins', sys.builtin_module_names)
print('warnings', sys.warnoptions, sys._xoptions)
print('stdio', sys.stdout.line_buffering, sys.stdout.encoding, sys.stdin.isatty())
print('dontwrite', sys.dont_write_bytecode, 'optimize', __debug__)
print('main', __name__, __file__ if '__file__' in globals() else None)
sys.stderr.write('to stderr\\n')
code = int(os.environ.get('EXIT_WITH', '0'))
sys.exit(code)
"""

FAILING = "def f():\n    raise ValueError('boom')\nf()\n"


def forms(script, failing, module_dir):
    return {
        "script": ([script, "a", "-b", "--c"], None, {}),
        "script-exit-code": ([script], None, {"EXIT_WITH": "3"}),
        "dash-c": (["-c", "import sys; print(sys.argv, __name__); sys.exit('msg')", "x"], None, {}),
        "dash-m": (["-m", "mod", "y"], None, {"PYTHONPATH": module_dir}),
        "dash-m-package-missing": (["-m", "no_such_module_xyz"], None, {}),
        "stdin-dash": (["-", "z"], SCRIPT.encode(), {}),
        "stdin-implicit": ([], SCRIPT.encode(), {}),
        "inspect-noninteractive": (["-i", "-c", "x = 41"], b"print(x + 1)\n", {}),
        "isolated": (["-I", script], None, {"PYTHONPATH": "/nonexistent"}),
        "ignore-env": (["-E", script], None, {"PYTHONDONTWRITEBYTECODE": "1"}),
        "no-site": (["-S", script], None, {}),
        "no-bytecode-unbuffered": (["-B", "-u", script], None, {}),
        "optimize-quiet": (["-OO", "-q", script], None, {}),
        "x-options-warnings": (["-X", "dev", "-X", "utf8", "-W", "error::DeprecationWarning", "-b", script],
                               None, {}),
        "x-warn-default-encoding": (["-X", "warn_default_encoding", "-c", "open('/dev/null').close()"], None, {}),
        "env-options": ([script], None, {"PYTHONWARNINGS": "ignore", "PYTHONDONTWRITEBYTECODE": "1",
                                         "PYTHONPATH": module_dir}),
        "uncaught-exception": ([failing], None, {}),
        "missing-script": (["/nonexistent/script.py"], None, {}),
        "bad-option": (["-Z"], None, {}),
        "version": (["--version"], None, {}),
        "version-verbose": (["-VV"], None, {}),
        "help": (["-h"], None, {}),
        "help-env": (["--help-env"], None, {}),
        "check-hash-pycs": (["--check-hash-based-pycs", "always", "-c", "print(1)"], None, {}),
        "syntax-error": (["-c", "def ("], None, {}),
        "keyboard-interrupt": (["-c", "raise KeyboardInterrupt"], None, {}),
        "directory-without-main": ([module_dir], None, {}),
    }


def run(executable, args, stdin, env, cwd):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    full_env.update(env)
    completed = subprocess.run([executable, *args], input=stdin if stdin is not None else b"",
                               capture_output=True, env=full_env, cwd=cwd, timeout=60)
    return completed.returncode, completed.stdout, completed.stderr


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    base = tmp_path_factory.mktemp("compat")
    script = base / "script.py"
    script.write_text(SCRIPT)
    failing = base / "failing.py"
    failing.write_text(FAILING)
    modules = base / "modules"
    modules.mkdir()
    (modules / "mod.py").write_text(SCRIPT)
    return str(script), str(failing), str(modules), str(base)


@pytest.mark.parametrize("form", list(forms("s", "f", "m")))
def test_same_output_and_status_as_python3(form, material, tmp_path):
    script, failing, modules, base = material
    args, stdin, env = forms(script, failing, modules)[form]
    env = dict(env, VIGIL_LOG=str(tmp_path / "log.jsonl"))
    expected = run(STOCK_PYTHON, args, stdin, env, base)
    actual = run(VIGIL_PYTHON, args, stdin, env, base)
    # The interpreter names itself in usage messages and argv[0]; nothing else may differ.
    normalised = tuple(part.replace(VIGIL_PYTHON.encode(), STOCK_PYTHON.encode()) if isinstance(part, bytes)
                       else part for part in actual)
    assert normalised == expected


def test_keyboard_interrupt_ends_with_sigint_like_python3(material):
    *_, base = material
    status, _, _ = run(VIGIL_PYTHON, ["-c", "raise KeyboardInterrupt"], None,
                       {"VIGIL_LOG": os.devnull}, base)
    assert status == -signal.SIGINT


def test_sys_executable_is_vigil_python(vigil_run):
    run_result = vigil_run(["-c", "import sys; print(sys.executable)"])
    assert run_result.stdout.decode().strip() == VIGIL_PYTHON


def test_interactive_repl_on_a_terminal(log, tmp_path):
    """The REPL on a real terminal: prompts, evaluation, exit, and the entry
    mode recorded as interactive."""
    import json

    env = dict(os.environ, VIGIL_LOG=str(log), TERM="dumb")
    env.pop("PYTHONSTARTUP", None)
    status, output = run_on_terminal([VIGIL_PYTHON, "-q"], b"print(6 * 7)\nraise SystemExit(4)\n", env, tmp_path)
    assert status == 4
    assert b">>> " in output and b"42" in output
    start = json.loads(log.read_text().splitlines()[0])
    assert start["entry"] == {"mode": "interactive", "target": None, "inspect": False}
