# expect: interpreter-internals vigil.hook_state_memory vigil.hook_unlinked
"""T1562.001 Impair Defenses: unlinks Vigil's native audit hook.

Finds _PyRuntime through ctypes, sets the runtime's audit hook list head to
NULL, reads a file, and puts the head back. Vigil must leave the ctypes
lookup of _PyRuntime (interpreter-internals), the reads of its memory
through from_address (vigil.hook_state_memory), an alert that its hook was
not called (vigil.hook_unlinked, raised by the sentinel on the
interpreter's own hook list), and the record of the open done in the window.
"""
import json
import os

from _internals import runtime_hook_list_head

head = runtime_hook_list_head()
saved = head.value
head.value = 0
try:
    with open("/etc/hostname", "rb") as secret:
        secret.read()
finally:
    head.value = saved

with open(os.environ["VIGIL_LOG"], "rb") as log:
    records = [json.loads(line) for line in log]
assert any(r["kind"] == "event" and r["event"] == "open" and r["args"]["path"] == "/etc/hostname" for r in records)
