"""What the tamper scripts share: finding CPython's audit hook lists in
memory the way an attacker with ctypes would, without symbols for them.
A package, not a script: the tamper runner runs only the *.py files of the
directory above."""

import ctypes
import os
import sys

WORD = ctypes.sizeof(ctypes.c_size_t)


def _maps():
    """Code and data of the files mapped in (the executable and its
    libraries: Vigil's hooks live in its runtime library), and everything
    readable."""
    code, data, readable = [], [], []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if fields[1].startswith("r"):
                readable.append((start, end))
            if len(fields) >= 6 and fields[5].startswith("/"):
                (code if "x" in fields[1] else data).append((start, end))
    return code, data, readable


def _inside(value, ranges, size=1):
    return any(start <= value and value + size <= end for start, end in ranges)


def runtime_hook_list_head():
    """The ctypes view of _PyRuntime.audit_hook_head: the word after the
    open-code hook (a function of a mapped file) and its null user data
    (3.12+: the word after that, behind the list's mutex), pointing at an
    entry {next: NULL, hook: code, user data: data}."""
    runtime = ctypes.addressof(ctypes.c_char.in_dll(ctypes.pythonapi, "_PyRuntime"))
    code, data, readable = _maps()
    words = (ctypes.c_size_t * 4096).from_address(runtime)
    head_offset = 1 if sys.version_info >= (3, 12) else 0
    for i in range(2, 4095):
        head = i + head_offset
        if (_inside(words[i - 2], code) and words[i - 1] == 0 and _inside(words[head], readable, 3 * WORD)
                and not _inside(words[head], code + data)):
            entry = (ctypes.c_size_t * 3).from_address(words[head])
            if entry[0] == 0 and _inside(entry[1], code) and _inside(entry[2], data):
                return ctypes.c_size_t.from_address(runtime + WORD * head)
    raise RuntimeError("the runtime's audit hook list was not found")


def interpreter_hook_list(marker):
    """The ctypes view of the main interpreter's audit_hooks pointer: the
    word pointing at a list whose last item is `marker`, a hook the caller
    has just added with sys.addaudithook."""
    main = ctypes.pythonapi.PyInterpreterState_Main
    main.restype = ctypes.c_void_p
    interpreter = main()
    _, _, readable = _maps()
    words = (ctypes.c_size_t * 8192).from_address(interpreter)
    for i in range(8192):
        candidate = words[i]
        if not _inside(candidate, readable, 4 * WORD):
            continue
        header = (ctypes.c_size_t * 4).from_address(candidate)
        if header[1] != id(list) or not 0 < header[2] < 64 or not _inside(header[3], readable, header[2] * WORD):
            continue
        items = (ctypes.c_size_t * header[2]).from_address(header[3])
        if items[header[2] - 1] == id(marker):
            return ctypes.c_size_t.from_address(interpreter + WORD * i)
    raise RuntimeError("the interpreter's audit hook list was not found")


def log_descriptor(log):
    """The descriptor Vigil writes the log through: the one open on the log
    file, found by device and inode."""
    own = os.stat(log)
    for number in os.listdir("/proc/self/fd"):
        try:
            status = os.stat("/proc/self/fd/" + number)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) == (own.st_dev, own.st_ino):
            return int(number)
    raise SystemExit("the log descriptor was not found")
