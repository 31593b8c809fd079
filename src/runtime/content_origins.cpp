#include "content_origins.h"

#include "audited_wrappers.h"
#include "code_file_memory.h"
#include "json_text.h"
#include "value_renderer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace vigil {
namespace {

// Characters without which text is no code worth running: calls,
// subscripts, assignments, statements, strings, lines.
constexpr const char* kCodeCharacters = "()[]{};='\"\n";

// The latest bytes of one origin, oldest first; when full, the older half
// goes. Decoder outputs are separated by a NUL, which no text sought here
// holds; received bytes are kept as the stream brought them, so a payload
// that came in several reads is found whole.
class RecentBytes {
 public:
  static constexpr std::size_t kCapacity = 1024 * 1024;
  static constexpr std::size_t kMaxPiece = 256 * 1024;

  void add(std::string_view bytes, bool separate) {
    bytes = bytes.substr(0, kMaxPiece);
    if (bytes.empty()) return;
    last_.assign(trimmed(bytes.substr(0, kLastPiece)));
    if (bytes_.size() + bytes.size() + 1 > kCapacity) bytes_.erase(0, bytes_.size() / 2 + bytes.size());
    if (separate && !bytes_.empty()) bytes_ += '\0';
    bytes_.append(bytes);
  }

  // Whether the last piece, when it could be code (at least 8 bytes with
  // one of the characters code needs), is inside `text`: a payload
  // wrapped in a generator's template.
  bool last_piece_within(std::string_view text) const {
    return last_.size() >= 8 && last_.find_first_of(kCodeCharacters) != std::string::npos &&
           text.find(last_) != std::string_view::npos;
  }

  bool holds(std::string_view text) const {
    if (bytes_.empty()) return false;
    // A command of a letter or two ("id", "w") is found only as the whole
    // of the last piece: a datagram, a read, a decoder's output.
    if (!last_.empty() && trimmed(text) == last_) return true;
    if (text.size() <= kWholeText) return holds_apart(text);
    // Longer text is found by three windows of it: text that wraps a
    // received payload ("import os\n" + payload) still shows one.
    std::size_t last = text.size() - kWindow;
    for (std::size_t at : {std::size_t{0}, last / 2, last}) {
      if (bytes_.find(text.substr(at, kWindow)) != std::string::npos) return true;
    }
    return false;
  }

 private:
  static constexpr std::size_t kWholeText = 96;
  static constexpr std::size_t kWindow = 48;
  static constexpr std::size_t kStandsApart = 64;

  static constexpr std::size_t kLastPiece = 4096;

  static bool word_character(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

  static std::string_view trimmed(std::string_view text) {
    std::size_t start = text.find_first_not_of(" \t\r\n\0");
    if (start == std::string_view::npos) return {};
    return text.substr(start, text.find_last_not_of(" \t\r\n\0") - start + 1);
  }

  bool holds_apart(std::string_view text) const {
    if (text.size() < 3) return false;
    for (std::size_t at = bytes_.find(text); at != std::string::npos; at = bytes_.find(text, at + 1)) {
      if (text.size() >= kStandsApart) return true;
      bool before = at > 0 && word_character(bytes_[at - 1]) && word_character(text.front());
      std::size_t end = at + text.size();
      bool after = end < bytes_.size() && word_character(bytes_[end]) && word_character(text.back());
      if (!before && !after) return true;
    }
    return false;
  }

  std::string bytes_;
  std::string last_;
};

struct Origins {
  RecentBytes received;
  RecentBytes decoded;
};

// With the GIL held: wrappers run as Python calls them.
Origins& origins() {
  static Origins* recent = new Origins;  // lives as long as the process; never destroyed under a running thread
  return *recent;
}

void remember(ContentOrigin origin, std::string_view bytes) {
  Origins& recent = origins();
  if (origin == ContentOrigin::network) {
    recent.received.add(bytes, false);
  } else {
    recent.decoded.add(bytes, true);
  }
}

PyObject* frozen_prefix() {
  static PyObject* prefix = PyUnicode_InternFromString("<frozen ");
  return prefix;
}

// What a call returned or filled.
// What a call returned or filled: `ssl_read` is _SSLSocket.read(n) (the
// bytes) or read(n, buffer) (the count, the buffer its second argument).
enum class Result { data, filled_buffer, data_in_tuple, filled_buffer_in_tuple, ssl_read };

struct ObservedCall {
  const char* owner;  // a built-in module, or the type (bytes, _socket.socket)
  const char* name;
  ContentOrigin origin;
  Result result;
  PyCFunction original = nullptr;
};

ObservedCall g_observed[] = {
    {"binascii", "a2b_base64", ContentOrigin::decoded, Result::data},
    {"binascii", "a2b_hex", ContentOrigin::decoded, Result::data},
    {"binascii", "unhexlify", ContentOrigin::decoded, Result::data},
    {"zlib", "decompress", ContentOrigin::decoded, Result::data},
    {"_codecs", "decode", ContentOrigin::decoded, Result::data},
    {"bytes", "fromhex", ContentOrigin::decoded, Result::data},
    {"_socket.socket", "recv", ContentOrigin::network, Result::data},
    {"_socket.socket", "recv_into", ContentOrigin::network, Result::filled_buffer},
    {"_socket.socket", "recvfrom", ContentOrigin::network, Result::data_in_tuple},
    {"_socket.socket", "recvfrom_into", ContentOrigin::network, Result::filled_buffer_in_tuple},
    // Shared modules, patched once loaded (observe_loaded_modules).
    {"_bz2.BZ2Decompressor", "decompress", ContentOrigin::decoded, Result::data},
    {"_lzma.LZMADecompressor", "decompress", ContentOrigin::decoded, Result::data},
    {"_ssl._SSLSocket", "read", ContentOrigin::network, Result::ssl_read},
};
constexpr std::size_t kFirstSocketCall = 6;
constexpr std::size_t kFirstLoadedCall = 10;

void remember_object(ContentOrigin origin, PyObject* object) {
  if (PyBytes_Check(object)) {
    remember(origin, compat::bytes_view(object));
  } else if (PyByteArray_Check(object)) {
    remember(origin, {PyByteArray_AS_STRING(object), static_cast<std::size_t>(PyByteArray_GET_SIZE(object))});
  } else if (PyUnicode_Check(object)) {
    remember(origin, raw_bytes_of_str(object, RecentBytes::kMaxPiece));
  }
}

// recv_into(buffer, nbytes): the first `filled` bytes of the caller's buffer.
void remember_buffer(ContentOrigin origin, PyObject* buffer, PyObject* count) {
  if (buffer == nullptr || count == nullptr || !PyLong_CheckExact(count)) return;
  long filled = PyLong_AsLong(count);
  if (filled <= 0) {
    PyErr_Clear();
    return;
  }
  // Only the built-in buffer types: another object's buffer could run
  // Python code to produce.
  if (!PyByteArray_CheckExact(buffer) && !PyMemoryView_Check(buffer) && !PyBytes_Check(buffer)) return;
  Py_buffer view;
  if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) != 0) {
    PyErr_Clear();
    return;
  }
  remember(origin, {static_cast<const char*>(view.buf),
                    std::min(static_cast<std::size_t>(filled), static_cast<std::size_t>(view.len))});
  PyBuffer_Release(&view);
}

// Whether the innermost Python frame is the import system's own (frozen)
// code: zipimport decompresses the modules it imports, and those sources
// are code the import system runs, not text a program decoded.
bool called_by_import_system() {
  PyFrameObject* frame = compat::current_frame();
  if (frame == nullptr) return false;
  PyCodeObject* code = compat::frame_code(frame);
  PyObject* filename = compat::code_filename(code);
  bool frozen = filename != nullptr && PyUnicode_Check(filename) &&
                PyUnicode_Tailmatch(filename, frozen_prefix(), 0, 8, -1) == 1;
  Py_DECREF(code);
  return frozen;
}

void observe(const ObservedCall& call, PyObject* const* args, Py_ssize_t nargs, PyObject* result) {
  if (result == nullptr) return;
  if (call.origin == ContentOrigin::decoded && called_by_import_system()) {
    // zipimport inflating a member of the archive it has just read: code
    // it may compile, not text a program decoded.
    if (call.result == Result::data) remember_archive_member(result);
    return;
  }
  PyObject* first_argument = nargs > 0 ? args[0] : nullptr;
  // Keeps an exception the observation might set from replacing the call's.
  switch (call.result) {
    case Result::data:
      remember_object(call.origin, result);
      break;
    case Result::filled_buffer:
      remember_buffer(call.origin, first_argument, result);
      break;
    case Result::data_in_tuple:
      if (PyTuple_Check(result) && PyTuple_GET_SIZE(result) > 0) remember_object(call.origin, PyTuple_GET_ITEM(result, 0));
      break;
    case Result::filled_buffer_in_tuple:
      if (PyTuple_Check(result) && PyTuple_GET_SIZE(result) > 0) {
        remember_buffer(call.origin, first_argument, PyTuple_GET_ITEM(result, 0));
      }
      break;
    case Result::ssl_read:
      if (PyLong_Check(result)) {
        remember_buffer(call.origin, nargs > 1 ? args[1] : nullptr, result);
      } else {
        remember_object(call.origin, result);
      }
      break;
  }
}

template <std::size_t Index>
PyObject* observed_o(PyObject* self, PyObject* argument) {
  PyObject* result = g_observed[Index].original(self, argument);
  observe(g_observed[Index], &argument, 1, result);
  return result;
}

template <std::size_t Index>
PyObject* observed_varargs(PyObject* self, PyObject* args) {
  PyObject* result = g_observed[Index].original(self, args);
  if (PyTuple_Check(args)) observe(g_observed[Index], &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), result);
  return result;
}

template <std::size_t Index>
PyObject* observed_varargs_keywords(PyObject* self, PyObject* args, PyObject* kwargs) {
  PyObject* result =
      reinterpret_cast<PyCFunctionWithKeywords>(reinterpret_cast<void (*)()>(g_observed[Index].original))(self, args,
                                                                                                          kwargs);
  if (PyTuple_Check(args)) observe(g_observed[Index], &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), result);
  return result;
}

template <std::size_t Index>
PyObject* observed_fast(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  PyObject* result =
      reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(g_observed[Index].original))(self, args, nargs);
  observe(g_observed[Index], args, nargs, result);
  return result;
}

template <std::size_t Index>
PyObject* observed_fast_keywords(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* result = reinterpret_cast<_PyCFunctionFastWithKeywords>(
      reinterpret_cast<void (*)()>(g_observed[Index].original))(self, args, nargs, kwnames);
  observe(g_observed[Index], args, PyVectorcall_NARGS(nargs), result);
  return result;
}

template <typename Function>
PyCFunction as_cfunction(Function function) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

// Points the entry named like call `Index` at its observer, keeping the
// original; entries already patched, or of a calling convention not
// handled, are left alone.
template <std::size_t Index>
void patch_entry(PyMethodDef* methods) {
  if (methods == nullptr) return;
  ObservedCall& call = g_observed[Index];
  for (PyMethodDef* entry = methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, call.name) != 0) continue;
    if (call.original != nullptr) return;
    int convention = entry->ml_flags & ~(METH_CLASS | METH_STATIC | METH_COEXIST);
    PyCFunction observer = nullptr;
    if (convention == METH_O) observer = as_cfunction(observed_o<Index>);
    if (convention == METH_VARARGS) observer = as_cfunction(observed_varargs<Index>);
    if (convention == (METH_VARARGS | METH_KEYWORDS)) observer = as_cfunction(observed_varargs_keywords<Index>);
    if (convention == METH_FASTCALL) observer = as_cfunction(observed_fast<Index>);
    if (convention == (METH_FASTCALL | METH_KEYWORDS)) observer = as_cfunction(observed_fast_keywords<Index>);
    if (observer == nullptr) return;
    call.original = entry->ml_meth;
    entry->ml_meth = observer;
    return;
  }
}

template <std::size_t... Index>
void patch_decoders(std::index_sequence<Index...>) {
  (
      [] {
        const ObservedCall& call = g_observed[Index];
        if (std::strcmp(call.owner, "bytes") == 0) {
          patch_entry<Index>(PyBytes_Type.tp_methods);
        } else if (PyModuleDef* definition = builtin_module_definition(call.owner)) {
          patch_entry<Index>(definition->m_methods);
        }
      }(),
      ...);
}

template <std::size_t... Index>
void patch_socket_type(PyTypeObject* type, std::index_sequence<Index...>) {
  (patch_entry<kFirstSocketCall + Index>(type->tp_methods), ...);
}

// The type `owner` ("_bz2.BZ2Decompressor") names, once its module is in
// sys.modules; null before.
PyTypeObject* loaded_type(const char* owner) {
  std::string_view name(owner);
  std::size_t dot = name.find('.');
  PyObject* module_name = PyUnicode_FromStringAndSize(owner, static_cast<Py_ssize_t>(dot));
  if (module_name == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  PyObject* module = PyImport_GetModule(module_name);  // sys.modules lookup, no import
  Py_DECREF(module_name);
  if (module == nullptr) {
    PyErr_Clear();
    return nullptr;
  }
  PyObject* type = PyModule_Check(module) ? PyDict_GetItemString(PyModule_GetDict(module), owner + dot + 1) : nullptr;
  Py_DECREF(module);
  return type != nullptr && PyType_Check(type) ? reinterpret_cast<PyTypeObject*>(type) : nullptr;
}

template <std::size_t... Index>
bool patch_loaded_types(std::index_sequence<Index...>) {
  bool all = true;
  (
      [&] {
        constexpr std::size_t call = kFirstLoadedCall + Index;
        if (g_observed[call].original != nullptr) return;
        if (PyTypeObject* type = loaded_type(g_observed[call].owner)) {
          patch_entry<call>(type->tp_methods);
        } else {
          all = false;
        }
      }(),
      ...);
  return all;
}

// Set by an import of bz2, lzma or ssl; cleared once their types are patched.
bool g_loaded_modules_pending = false;

}  // namespace

const char* to_string(ContentOrigin origin) {
  switch (origin) {
    case ContentOrigin::network: return "network";
    case ContentOrigin::decoded: return "decoded";
    case ContentOrigin::environment: return "environment";
    case ContentOrigin::unknown: return "unknown";
  }
  return "unknown";
}

namespace {

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_of(std::string_view bytes) {
  std::string out;
  for (std::size_t i = 0; i + 2 < bytes.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kBase64Alphabet[(n >> shift) & 63];
  }
  return out;  // whole groups only: they appear whatever follows the secret
}


bool secret_name(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view word : {"TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "ACCESS_KEY",
                                "PRIVATE", "CREDENTIAL", "AUTH"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return false;
}

// The secret values and their encodings; read once.
std::vector<std::string>& secret_forms() {
  static std::vector<std::string> forms;
  return forms;
}

void add_secret(std::string_view name, std::string_view value) {
  constexpr std::size_t kMaxForms = 3 * 64;
  if (!secret_name(name) || value.size() < 8 || value.size() > 4096 || value.starts_with('/')) return;
  std::vector<std::string>& forms = secret_forms();
  if (forms.size() >= kMaxForms || std::find(forms.begin(), forms.end(), value) != forms.end()) return;
  forms.emplace_back(value);
  append_hex(forms.emplace_back(), value);
  if (value.size() >= 12) forms.push_back(base64_of(value.substr(0, value.size() / 3 * 3)));
}

// Environment values that could be code, for outside_origin_of.
std::vector<std::string>& code_like_values() {
  static std::vector<std::string> values;
  return values;
}

void add_environment_value(std::string_view value) {
  constexpr std::size_t kMaxValues = 256;
  constexpr std::size_t kMaxValue = 64 * 1024;
  if (value.size() < 8 || value.size() > kMaxValue || value.find_first_of(kCodeCharacters) == std::string_view::npos) {
    return;
  }
  std::vector<std::string>& values = code_like_values();
  if (values.size() >= kMaxValues || std::find(values.begin(), values.end(), value) != values.end()) return;
  values.emplace_back(value);
}

void read_environment() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view variable(*entry);
    std::size_t equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    add_secret(variable.substr(0, equals), variable.substr(equals + 1));
    add_environment_value(variable.substr(equals + 1));
  }
}

bool text_carries_secret(std::string_view text) {
  for (const std::string& form : secret_forms()) {
    if (!form.empty() && text.find(form) != std::string_view::npos) return true;
  }
  return false;
}

bool object_carries_secret(PyObject* value, int depth) {
  if (value == nullptr) return false;
  if (PyBytes_Check(value)) return text_carries_secret(compat::bytes_view(value));
  if (PyByteArray_Check(value)) {
    return text_carries_secret({PyByteArray_AS_STRING(value), static_cast<std::size_t>(PyByteArray_GET_SIZE(value))});
  }
  if (PyUnicode_Check(value)) return text_carries_secret(raw_bytes_of_str(value, 1024 * 1024));
  if (depth > 0) return false;
  if (PyDict_CheckExact(value)) {
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* item = nullptr;
    while (PyDict_Next(value, &position, &key, &item)) {
      if (object_carries_secret(item, depth + 1)) return true;
    }
    return false;
  }
  if (PyList_CheckExact(value) || PyTuple_CheckExact(value)) {
    bool list = PyList_CheckExact(value);
    for (Py_ssize_t i = 0; i < (list ? PyList_GET_SIZE(value) : PyTuple_GET_SIZE(value)); ++i) {
      if (object_carries_secret(list ? PyList_GET_ITEM(value, i) : PyTuple_GET_ITEM(value, i), depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

void install_content_observers() {
  patch_decoders(std::make_index_sequence<kFirstSocketCall>());
  read_environment();
}

void note_environment_change(PyObject* name, PyObject* value) {
  if (name == nullptr || value == nullptr) return;
  auto text = [](PyObject* object) -> std::string {
    if (PyBytes_Check(object)) return std::string(compat::bytes_view(object));
    if (PyUnicode_Check(object)) return raw_bytes_of_str(object, 4096);
    return {};
  };
  std::string set = text(value);
  add_secret(text(name), set);
  add_environment_value(set);
}

bool carries_secret(PyObject* value) { return !secret_forms().empty() && object_carries_secret(value, 0); }

void observe_socket_type(PyObject* socket_object) {
  if (g_observed[kFirstSocketCall].original != nullptr || socket_object == nullptr) return;
  // socket.socket subclasses _socket.socket, whose methods table (static
  // data of CPython's, a heap type's from 3.12) holds recv and the rest. A
  // class made in Python can take the name but is never immutable.
  for (PyTypeObject* type = Py_TYPE(socket_object); type != nullptr; type = type->tp_base) {
    if (std::strcmp(type->tp_name, "_socket.socket") == 0 && (type->tp_flags & Py_TPFLAGS_IMMUTABLETYPE) &&
        type->tp_methods != nullptr) {
      patch_socket_type(type, std::make_index_sequence<kFirstLoadedCall - kFirstSocketCall>());
      return;
    }
  }
}

void note_import(PyObject* module_name) {
  if (module_name == nullptr || !PyUnicode_Check(module_name)) return;
  for (const char* name : {"_bz2", "_lzma", "_ssl"}) {
    if (PyUnicode_CompareWithASCIIString(module_name, name) == 0) g_loaded_modules_pending = true;
  }
}

void observe_loaded_modules() {
  if (!g_loaded_modules_pending) return;
  // Until every one is patched: an import of one leaves the others pending.
  g_loaded_modules_pending = !patch_loaded_types(std::make_index_sequence<std::size(g_observed) - kFirstLoadedCall>());
}

ContentOrigin origin_of(std::string_view text) {
  Origins& recent = origins();
  if (recent.received.holds(text)) return ContentOrigin::network;
  if (recent.decoded.holds(text)) return ContentOrigin::decoded;
  return ContentOrigin::unknown;
}

ContentOrigin outside_origin_of(std::string_view text) {
  ContentOrigin origin = origin_of(text);
  if (origin != ContentOrigin::unknown) return origin;
  Origins& recent = origins();
  if (recent.received.last_piece_within(text)) return ContentOrigin::network;
  if (recent.decoded.last_piece_within(text)) return ContentOrigin::decoded;
  for (const std::string& value : code_like_values()) {
    if (text.find(value) != std::string_view::npos) return ContentOrigin::environment;
  }
  return ContentOrigin::unknown;
}

}  // namespace vigil
