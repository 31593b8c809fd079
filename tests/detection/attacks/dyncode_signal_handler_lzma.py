# technique: T1059.006 T1027 T1140
"""Compressed code executed from a signal handler (T1059.006, T1027, T1140).

The stage is stored lzma-compressed and base64-encoded in the script. It
is decoded at start, but only run when the process sends itself SIGUSR1:
the handler calls exec. The exec happens at whatever instruction the
signal interrupted, in a frame named after the handler, not where the
decoding happened.

A good detector raises a medium or higher alert: text produced by a
decoder (base64, then lzma) is executed as code.
"""
import base64
import lzma
import os
import signal
import time

blob = base64.b64encode(lzma.compress(b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"))
decoded = lzma.decompress(base64.b64decode(blob)).decode()


def on_usr1(signum, frame):
    exec(decoded, {"__name__": "handler"})


signal.signal(signal.SIGUSR1, on_usr1)
os.kill(os.getpid(), signal.SIGUSR1)
time.sleep(0.1)
