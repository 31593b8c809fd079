"""Re-entrancy, sub-interpreters, allocation failure, and an attack that
unlinks the native hook during start-up."""

import subprocess

from conftest import STOCK_VERSION, SUBINTERPRETERS, VIGIL_PYTHON, assert_contract, events


def test_events_raised_by_another_hook_while_recording(vigil_run, tmp_path):
    code = (f"import sys\n"
            f"busy = False\n"
            f"def hook(event, args):\n"
            f"    global busy\n"
            f"    if busy or event != 'outer': return\n"
            f"    busy = True\n"
            f"    open({str(tmp_path / 'nested.txt')!r}, 'w').close()\n"
            f"    sys.audit('nested', event)\n"
            f"    busy = False\n"
            f"sys.addaudithook(hook)\n"
            f"sys.audit('outer')\n")
    run = vigil_run(["-c", code])
    records = run.checked_records()
    names = [e["event"] for e in events(records)]
    outer = names.index("outer")
    assert "sys.addaudithook" in names[:outer]
    assert names[outer + 1:outer + 3] == ["open", "nested"]
    assert events(records, "nested")[0]["args"] == ["outer"]


def test_sub_interpreters_are_recorded(vigil_run):
    code = (f"import {SUBINTERPRETERS} as interpreters\n"
            "sub = interpreters.create()\n"
            "interpreters.run_string(sub, 'import sys, os; os.getcwd(); sys.audit(\"in.sub\", 42)')\n"
            "interpreters.destroy(sub)\n")
    run = vigil_run(["-c", code])
    records = run.checked_records()
    names = [e["event"] for e in events(records)]
    # 3.13 creates the interpreter with no thread state current, and CPython
    # raises no event without one; clearing it still raises its event.
    assert ("cpython.PyInterpreterState_New" if STOCK_VERSION < (3, 13) else "cpython.PyInterpreterState_Clear") in names
    (inside,) = events(records, "in.sub")
    # run_string's code is named <script> from 3.14.
    assert inside["args"] == [42] and inside["site"]["file"] == ("<script>" if STOCK_VERSION >= (3, 14) else "<string>")
    assert records[-1]["kind"] == "stop" and records[-1]["status"] == 0


def test_allocation_failure_never_crashes_or_corrupts_the_log(vigil_run, tmp_path):
    target = str(tmp_path / "f.txt")
    code = (f"import _testcapi, sys\n"
            f"failures = 0\n"
            f"for start in range(1, 60):\n"
            f"    _testcapi.set_nomemory(start, 0)\n"
            f"    try:\n"
            f"        open({target!r}, 'w').close()\n"
            f"        sys.audit('under.pressure', start, 'text' * start)\n"
            f"    except MemoryError:\n"
            f"        failures += 1\n"
            f"    finally:\n"
            f"        _testcapi.remove_mem_hooks()\n"
            f"print('failures', failures > 0)\n")
    run = vigil_run(["-c", code])
    assert run.returncode == 0, run.stderr
    assert run.stdout == b"failures True\n"
    records = run.records
    assert_contract(records)
    assert events(records, "under.pressure")


def test_hook_unlinked_during_start_up_is_detected_and_refused(vigil_run, tmp_path):
    """sitecustomize finds the native hook entry through _PyRuntime with
    ctypes and unlinks it (bypass A5). vigil-python must notice through its
    probe and refuse to run the program."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text('''
import ctypes, os, struct, sys
def mapping(address):
    for line in open("/proc/self/maps"):
        span, perms, _, _, _, *name = line.split()
        lo, hi = (int(x, 16) for x in span.split("-"))
        if lo <= address < hi:
            return lo, hi, perms, (name or [""])[0]
    return None
runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
size = int(os.environ["RUNTIME_SIZE"])
words = struct.unpack(f"{size // 8}Q", ctypes.string_at(runtime, size // 8 * 8))
for offset, pointer in enumerate(words):
    region = mapping(pointer) if pointer > 4096 else None
    if not region or "rw" not in region[2] or pointer + 24 > region[1]:
        continue
    nxt, function, data = struct.unpack("3Q", ctypes.string_at(pointer, 24))
    target, userdata = mapping(function), mapping(data)
    # A hook function and its data in one file: Vigil's runtime library.
    if nxt == 0 and target and "x" in target[2] and target[3] and userdata and userdata[3] == target[3]:
        ctypes.c_void_p.from_address(runtime + offset * 8).value = 0
        break
''')
    # The copy of python3.X is stripped; _PyRuntime is among its exports.
    symbols = subprocess.run(["nm", "-D", "-S", "--defined-only", VIGIL_PYTHON], capture_output=True,
                             text=True).stdout
    (size,) = [int(line.split()[1], 16) for line in symbols.splitlines() if line.endswith(" _PyRuntime")]
    run = vigil_run(["-c", "print('the program ran')"], env={"PYTHONPATH": str(site), "RUNTIME_SIZE": str(size)})
    assert run.returncode == 78
    assert run.stdout == b""
    assert b"refusing to run" in run.stderr and b"probe" in run.stderr
    records = run.records
    assert_contract(records)
    assert events(records, "ctypes.dlopen"), "the attack's own preparation was recorded"
    assert records[-1]["kind"] == "stop"
    assert records[-1]["status"] == 78
    assert records[-1]["reason"] == "audit hook is not live after initialisation"


def test_the_hook_keeps_no_call_sites_code_object_alive(vigil_run):
    """The hook remembers where it was in the line tables of recent call
    sites (site_lines.h), holding the tables and not the code objects: a
    code object dies when the program lets go of it, and its weakref
    callback runs then, in the program, not later inside the hook (Python
    code in the native hook) when the hook lets go of a site."""
    new_sites = "".join(f"sys.audit('elsewhere', {i})\n" for i in range(1, 9))
    code = ("import gc, sys, weakref\n"
            "namespace = {'sys': sys}\n"
            "exec(compile('def probe(): sys.audit(\"from.doomed\")', 'dynamic', 'exec'), namespace)\n"
            "ref = weakref.ref(namespace['probe'].__code__, lambda _: sys.audit('in.callback'))\n"
            "namespace['probe']()\n"
            "del namespace\n"
            "gc.collect()  # the function and its globals are a cycle\n"
            + new_sites +
            "print(ref() is None)\n")
    run = vigil_run(["-c", code])
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == b"True"
    names = [e["event"] for e in events(run.records) if e["event"] in ("elsewhere", "in.callback")]
    assert names == ["in.callback"] + ["elsewhere"] * 8
