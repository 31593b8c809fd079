# technique: T1027 T1140 T1059.006 T1059.004
# gap: the last layer is an XOR and base85 decoding written in Python, which content origins do not see; the compiled text's origin is unknown
"""Layered deobfuscation (xor + rot13 + base85) then exec in a thread (T1027, T1140, T1059.006).

Obfuscators such as "Hyperion"/"BlankOBF" stack trivial transforms: the
payload is rot13 text over base85 over a single-byte xor key, decoded with
codecs.decode(..., "rot13"), base64.b85decode and a bytes comprehension, then
compile()d under a fake filename and exec'd from a threading.Thread. The
payload runs `uname -a` through os.popen.

A good detector raises a high alert: decoded/deobfuscated bytes are compiled
and run, and the code starts a shell command.
"""
import base64, codecs, threading

KEY = 0x5A
src = b"import os\nos.popen('uname -a').read()\n"
blob = codecs.encode(base64.b85encode(bytes(b ^ KEY for b in src)).decode(), "rot13")

def run(b):
    raw = base64.b85decode(codecs.decode(b, "rot13"))
    code = compile(bytes(x ^ KEY for x in raw), "<pyarmor>", "exec")
    exec(code, {})

t = threading.Thread(target=run, args=(blob,)); t.start(); t.join(5)
