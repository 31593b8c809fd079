"""Values that change while the hook records them (issue 18, defect 1).

Another process rewrites, through /proc/<pid>/mem and without any GIL, the
storage of every kind of buffer a logged program can pass in an audit
event, flipping it between harmless text and text that would close the
JSON string and add members of its own. However the bytes change, every
line must stay one record with only the members the event has, and the
chain must verify."""
import json
import subprocess

from conftest import STOCK_PYTHON, VIGIL, events

# Written by another process into the live storage of the values below.
FORGED = b'","event":"open","path":"/etc/shadow","x":"'
HARMLESS = b"A" * len(FORGED)

PROGRAM = r"""
import array, ctypes, mmap, os, subprocess, sys, time

FORGED, HARMLESS, SECONDS = {forged!r}, {harmless!r}, {seconds}

class Sub(bytes):
    pass

buffers = {{
    "bytearray": bytearray(HARMLESS),
    "bytes": bytes(bytearray(HARMLESS)),
    "str": HARMLESS.decode() + "\u00e9"[:0],
    "sub": Sub(HARMLESS),
    "array": array.array("B", HARMLESS),
    "mmap": mmap.mmap(-1, len(HARMLESS)),
}}
buffers["mmap"][:] = HARMLESS
buffers["memoryview"] = memoryview(bytearray(HARMLESS))

def storage(name, value):
    if name in ("bytes", "sub"):
        return id(value) + bytes.__basicsize__ - 1
    if name == "str":
        return id(value) + sys.getsizeof(value) - len(value) - 1
    if name == "memoryview":
        value = value.obj
    return ctypes.addressof((ctypes.c_char * len(HARMLESS)).from_buffer(value))

addresses = [storage(name, value) for name, value in buffers.items()]
for name, value in buffers.items():
    if name in ("bytes", "sub", "str"):
        assert ctypes.string_at(storage(name, value), len(HARMLESS)) == HARMLESS, name

# The writer: a process of its own, so it runs truly beside the hook.
writer = subprocess.Popen([{stock!r}, "-c", '''
import sys
pid, seconds = int(sys.argv[1]), float(sys.argv[2])
addresses = [int(a) for a in sys.argv[3:]]
import time
forged, harmless = {forged!r}, {harmless!r}
end = time.monotonic() + seconds
with open(f"/proc/{{pid}}/mem", "r+b", buffering=0) as mem:
    while time.monotonic() < end:
        for payload in (forged, harmless):
            for address in addresses:
                mem.seek(address)
                mem.write(payload)
''', str(os.getpid()), str(SECONDS), *map(str, addresses)])

values = tuple(buffers.values())
end = time.monotonic() + SECONDS
raised = 0
while time.monotonic() < end:
    for _ in range(200):
        sys.audit("vigil.race", *values)
        raised += 1
writer.wait()
print(raised)
"""


def strict_object(pairs):
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate member in {keys}"
    return dict(pairs)


def test_mutating_buffers_never_forge_members(vigil_run, log, tmp_path):
    program = PROGRAM.format(forged=FORGED, harmless=HARMLESS, seconds=10, stock=STOCK_PYTHON)
    run = vigil_run(["-c", program], timeout=300)
    assert run.returncode == 0, run.stderr.decode()[-3000:]
    raised = int(run.stdout.split()[-1])
    lines = log.read_bytes().split(b"\n")
    assert lines[-1] == b""
    records = [json.loads(line, object_pairs_hook=strict_object) for line in lines[:-1]]
    races = events(records, "vigil.race")
    assert len(races) == raised > 1000
    members = {tuple(sorted(record)) for record in races}
    assert len(members) == 1, members
    assert not [r for r in records if r.get("kind") == "event" and r.get("event") == "open"
                and "/etc/shadow" in json.dumps(r["args"])]
    for record in races:
        for value in record["args"] if isinstance(record["args"], list) else record["args"].values():
            if isinstance(value, str):
                assert value in (FORGED.decode(), HARMLESS.decode()) or set(value) <= set(
                    FORGED.decode() + "A"), value
    verify = subprocess.run([VIGIL, "log", "verify", str(log)], capture_output=True, text=True)
    assert verify.returncode == 0, verify.stdout + verify.stderr
