# technique: T1620 T1106 T1055
"""Shellcode run from an anonymous RWX mapping via ctypes (T1620, T1106).

The Python shellcode-runner found in many red-team droppers (and Metasploit's
python/meterpreter stagers): mmap.mmap(-1, n, prot=READ|WRITE|EXEC), write the
bytes, take the buffer address with ctypes.addressof(c_char.from_buffer(m))
and call it through ctypes.CFUNCTYPE. The "shellcode" here is x86-64
`mov eax, 42; ret`, so it returns harmlessly.

A good detector raises a critical alert: memory mapped writable and executable
and native code called at its address.
"""
import ctypes, mmap, platform

code = b"\xb8\x2a\x00\x00\x00\xc3"
if platform.machine() in ("x86_64", "AMD64"):
    m = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    m.write(code)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    fn = ctypes.CFUNCTYPE(ctypes.c_int)(addr)
    fn()
    del fn
