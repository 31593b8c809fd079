# Ordinary ctypes use: the C library found with ctypes.util and called for
# what the standard library lacks (libc's time, strlen, getpid, qsort with
# a callback), structures and arrays, and a shared library from the system
# (libz) called for a checksum.
import ctypes, ctypes.util, os, zlib

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
assert libc.getpid() == os.getpid()
libc.strlen.argtypes, libc.strlen.restype = [ctypes.c_char_p], ctypes.c_size_t
assert libc.strlen(b"vigil") == 5
assert abs(libc.time(None) - int(__import__("time").time())) < 5
values = (ctypes.c_int * 5)(5, 1, 4, 2, 3)
compare = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))(
    lambda a, b: a[0] - b[0])
libc.qsort(values, len(values), ctypes.sizeof(ctypes.c_int), compare)
assert list(values) == [1, 2, 3, 4, 5]


class TimeVal(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


now = TimeVal()
assert libc.gettimeofday(ctypes.byref(now), None) == 0 and now.tv_sec > 0
libz = ctypes.CDLL(ctypes.util.find_library("z"))
libz.crc32.restype = ctypes.c_ulong
libz.crc32.argtypes = [ctypes.c_ulong, ctypes.c_char_p, ctypes.c_uint]
assert libz.crc32(0, b"hello", 5) == zlib.crc32(b"hello")
buffer = ctypes.create_string_buffer(16)
ctypes.memmove(buffer, b"abc", 3)
assert buffer.value == b"abc"
