# expect: process-memory-calls
"""T1055 Process Injection: looks up process_vm_writev through ctypes.

The call itself raises no event that names it; the lookup does
(ctypes.dlsym), and process-memory-calls must fire on it.
"""
import ctypes

libc = ctypes.CDLL(None)
assert libc.process_vm_writev
