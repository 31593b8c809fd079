# expect: interpreter-internals late-audit-hook vigil.hook_unlinked
"""T1562.001 Impair Defenses: unlinks Vigil's native hook and empties the
interpreter's list of Python-level hooks, where Vigil's sentinel is.

With both lists empty CPython calls no hook at all. In the window the
program raises an event through sys.audit and imports a module from source;
Vigil's sys.audit wrapper and its open-code hook, which CPython calls
without the lists, must notice that the hook did not receive the events,
record them and alert (vigil.hook_unlinked).
"""
import json
import os
import sys
import tempfile

from _internals import interpreter_hook_list, runtime_hook_list_head


def marker(event, args):
    pass


sys.addaudithook(marker)
head = runtime_hook_list_head()
hooks = interpreter_hook_list(marker)
saved_head, saved_hooks = head.value, hooks.value
with tempfile.TemporaryDirectory() as directory:
    with open(os.path.join(directory, "window_module.py"), "w") as module:
        module.write("VALUE = 1\n")
    sys.path.insert(0, directory)
    sys.dont_write_bytecode = True
    head.value = 0
    hooks.value = 0
    try:
        sys.audit("tamper.window", "unseen")
        import window_module  # noqa: F401
    finally:
        hooks.value = saved_hooks
        head.value = saved_head
    sys.path.remove(directory)

with open(os.environ["VIGIL_LOG"], "rb") as log:
    records = [json.loads(line) for line in log]
events = {r["event"] for r in records if r["kind"] == "event"}
assert "tamper.window" in events, "the sys.audit event of the window is not recorded"
assert any(r["kind"] == "event" and r["event"] == "open" and str(r["args"]["path"]).endswith("window_module.py")
           for r in records)
