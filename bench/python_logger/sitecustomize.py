"""Baseline (e): what people write today instead of Vigil. A Python-level
sys.addaudithook logger that writes one JSON line per event, loaded from
sitecustomize so it sees everything after site starts."""
import json
import os
import sys
import threading
import time

_fd = os.open(os.environ["PY_AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
_busy = threading.local()


def _hook(event, args):
    if getattr(_busy, "active", False):
        return
    _busy.active = True
    try:
        try:
            frame = sys._getframe(1)
        except ValueError:  # raised from C with no Python caller
            frame = None
        record = {"ts": time.time(), "pid": os.getpid(), "event": event,
                  "args": [repr(a)[:4096] for a in args],
                  "site": [frame.f_code.co_filename, frame.f_lineno] if frame else None}
        os.write(_fd, (json.dumps(record) + "\n").encode())
    finally:
        _busy.active = False


sys.addaudithook(_hook)
