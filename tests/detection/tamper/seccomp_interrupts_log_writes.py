# expect: ctypes
# leaves: gap
"""T1562.001 (Impair Defenses): a seccomp filter, installed through ctypes,
answers EINTR to every write, writev and pwrite on the log's descriptor.
Vigil once retried such a write for ever, holding the GIL: the program hung.
Now the write is given up after a bounded number of interruptions and the
record counted as lost. Nothing inside the process can then reach the log,
so what shows is a gap: the run ends without its stop record (an attacker
who forges one is answered only by a sink out of the process's reach,
docs/records.md). The ctypes import before it is recorded."""
import ctypes
import os
import struct
import sys

from _internals import log_descriptor

log_fd = log_descriptor(os.environ["VIGIL_LOG"])

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_long, ctypes.c_void_p]
libc.syscall.restype = ctypes.c_long
PR_SET_NO_NEW_PRIVS, SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 38, 317, 1, 1
AUDIT_ARCH_X86_64, EINTR = 0xC000003E, 4
SYS_WRITE, SYS_PWRITE64, SYS_WRITEV = 1, 18, 20
LD_ABS_W, JEQ_K, RET_K = 0x20, 0x15, 0x06


def statement(code, jump_true, jump_false, k):
    return struct.pack("HBBI", code, jump_true, jump_false, k)


program = b"".join([
    statement(LD_ABS_W, 0, 0, 4),                       # arch
    statement(JEQ_K, 0, 7, AUDIT_ARCH_X86_64),
    statement(LD_ABS_W, 0, 0, 0),                       # syscall number
    statement(JEQ_K, 2, 0, SYS_WRITE),
    statement(JEQ_K, 1, 0, SYS_WRITEV),
    statement(JEQ_K, 0, 3, SYS_PWRITE64),
    statement(LD_ABS_W, 0, 0, 16),                      # first argument: the descriptor
    statement(JEQ_K, 0, 1, log_fd),
    statement(RET_K, 0, 0, 0x00050000 | EINTR),         # SECCOMP_RET_ERRNO | EINTR
    statement(RET_K, 0, 0, 0x7FFF0000),                 # SECCOMP_RET_ALLOW
])
filter_code = ctypes.create_string_buffer(program)
fprog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(filter_code))
fprog_buffer = ctypes.create_string_buffer(fprog)
assert libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
assert libc.syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                    ctypes.addressof(fprog_buffer)) == 0, ctypes.get_errno()

# Every record from here on is interrupted; the program must still finish.
for number in range(100):
    sys.audit("tamper.after_filter", number)
print("finished")
