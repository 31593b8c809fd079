// Where text came from: the process remembers, in two small rings, the
// latest bytes its sockets received and the latest outputs of decoders
// (base64, hex, zlib, the codecs module's decode, such as rot13), copied
// when the call returns. No audit event covers either (CPython raises none
// for recv or for decoding); compiled code and shell commands are then
// looked up in them, so a rule can tell text that arrived over the network
// or out of an encoding from text the program was written with, whatever
// API compiled or ran it.
//
// Wrapped, by patching their method-table entries once, like
// audited_wrappers.h: binascii.a2b_base64, a2b_hex, unhexlify, zlib.decompress,
// _codecs.decode and bytes.fromhex at the first event; _socket.socket's recv,
// recv_into, recvfrom and recvfrom_into at the first socket.__new__ event;
// the bz2 and lzma decompressors and TLS reads (_ssl._SSLSocket.read) once
// their modules are loaded. Decoders written in Python (xor loops, base85)
// are not seen.
#pragma once

#include "python_compat.h"

#include <string_view>

namespace vigil {

enum class ContentOrigin { unknown, network, decoded, environment };

const char* to_string(ContentOrigin origin);

// Patches the decoders; once, at the first event, before Python code runs.
void install_content_observers();
// Patches the socket type of `socket_object`; at each socket.__new__ event
// (only the first does anything).
void observe_socket_type(PyObject* socket_object);
// The decompressors of bz2 and lzma and TLS reads live in shared modules:
// an `import` event of _bz2, _lzma or _ssl (before it loads) marks them
// pending, and the next events patch their types once they are in
// sys.modules.
void note_import(PyObject* module_name);
void observe_loaded_modules();

// Whether `text` is part of what a socket received or a decoder produced
// lately. Text shorter than 3 bytes is never found; text shorter than 64
// bytes must stand apart from the letters and digits around it (a command
// "id" inside "hidden" is not a command that arrived). With the GIL held.
ContentOrigin origin_of(std::string_view text);

// Whether `text` came from outside the program: origin_of's network and
// decoded, or holds the last piece a socket received or a decoder produced
// when that could be code (at least 8 bytes with one of the characters
// below), or `environment` when it holds the value of an environment
// variable that could be code (at least 8 bytes with one of ( ) [ ] { } ;
// = ' " or a line break in it), as the process started with it or as
// os.putenv set it. For code generators (docs/trust.md), whose output must
// be built from the program's own text.
ContentOrigin outside_origin_of(std::string_view text);

// Whether `value` (str, bytes, bytearray; or an exact dict's values, a
// list's or tuple's items, one level down) holds the value of one of the
// process's secret environment variables, as it is, in hex or in base64.
// Secrets are the values of at least 8 bytes of variables whose names say
// TOKEN, SECRET, PASSWORD, PASSWD, API_KEY, ACCESS_KEY, PRIVATE,
// CREDENTIAL or AUTH, read from the environment at the first event and
// from os.putenv afterwards.
bool carries_secret(PyObject* value);
// os.putenv (os.environ[NAME] = value): a secret set while the program runs.
void note_environment_change(PyObject* name, PyObject* value);

}  // namespace vigil
