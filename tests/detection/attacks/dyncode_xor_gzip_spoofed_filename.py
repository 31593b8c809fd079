# technique: T1059.006 T1027 T1140 T1036
"""XOR + gzip decoded code compiled under a library's file name, then eval'd (T1059.006, T1027, T1140, T1036).

The stage is gzip-compressed and XOR-ed with a one-byte key in a loop;
after decoding, compile() names it "/usr/lib/python3/dist-packages/six.py"
so that tracebacks and records point at an innocent library file, and
eval() runs the code object.

A good detector raises a medium or higher alert: decoded text runs as
code, and a compile claims a file name it did not read.
"""
import gzip

key = 0x5A
plain = b"import os\nmarker = os.path.join(os.path.expanduser('~'), '.stage2')\nwith open(marker, 'w') as f:\n    f.write(str(os.getpid()))\nprint('stage two ran in', os.getpid())\n"
packed = bytes(b ^ key for b in gzip.compress(plain))
unpacked = gzip.decompress(bytes(b ^ key for b in packed))
eval(compile(unpacked, "/usr/lib/python3/dist-packages/six.py", "exec"), {"__name__": "six"})
