#include "value_renderer.h"

#include "code_file_memory.h"
#include "py_ref.h"
#include "sha256.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace vigil {
namespace {

bool ready(PyObject* str) {
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(str) < 0) {
    PyErr_Clear();
    return false;
  }
#endif
  (void)str;
  return true;
}

std::uint32_t code_point_at(int kind, const void* data, Py_ssize_t index) {
  return PyUnicode_READ(kind, data, index);
}

void append_raw_bytes(std::string& out, std::uint32_t cp) {
  if (cp >= 0xDC80 && cp <= 0xDCFF) {
    out += static_cast<char>(cp - 0xDC00);
  } else {
    append_utf8_code_point(out, cp);
  }
}

Py_ssize_t kept_length(PyObject* str, std::size_t max_chars) {
  auto length = static_cast<std::size_t>(PyUnicode_GET_LENGTH(str));
  return static_cast<Py_ssize_t>(length < max_chars ? length : max_chars);
}

}  // namespace

StrContent append_str_content(std::string& out, PyObject* str, std::size_t max_chars) {
  StrContent content;
  if (!ready(str)) return content;
  Py_ssize_t kept = kept_length(str, max_chars);
  content.complete = kept == PyUnicode_GET_LENGTH(str);
  if (PyUnicode_IS_ASCII(str)) {
    append_json_utf8(out, std::string_view(static_cast<const char*>(PyUnicode_DATA(str)), kept));
    return content;
  }
  int kind = PyUnicode_KIND(str);
  const void* data = PyUnicode_DATA(str);
  for (Py_ssize_t i = 0; i < kept; ++i) {
    if (!append_json_code_point(out, code_point_at(kind, data, i))) content.unicode = false;
  }
  return content;
}

std::string raw_bytes_of_str(PyObject* str, std::size_t max_chars) {
  std::string raw;
  if (!ready(str)) return raw;
  Py_ssize_t kept = kept_length(str, max_chars);
  // ASCII is its own bytes: most file names and module names.
  if (PyUnicode_IS_ASCII(str)) {
    raw.assign(static_cast<const char*>(PyUnicode_DATA(str)), static_cast<std::size_t>(kept));
    return raw;
  }
  int kind = PyUnicode_KIND(str);
  const void* data = PyUnicode_DATA(str);
  for (Py_ssize_t i = 0; i < kept; ++i) append_raw_bytes(raw, code_point_at(kind, data, i));
  return raw;
}

std::string sha256_of_str(PyObject* str) {
  Sha256 hash;
  if (!ready(str)) return hash.hex_digest();
  Py_ssize_t length = PyUnicode_GET_LENGTH(str);
  if (PyUnicode_IS_ASCII(str)) {
    hash.update(std::string_view(static_cast<const char*>(PyUnicode_DATA(str)), length));
    return hash.hex_digest();
  }
  int kind = PyUnicode_KIND(str);
  const void* data = PyUnicode_DATA(str);
  std::string chunk;
  chunk.reserve(64 * 1024 + 4);
  for (Py_ssize_t i = 0; i < length; ++i) {
    append_raw_bytes(chunk, code_point_at(kind, data, i));
    if (chunk.size() >= 64 * 1024) {
      hash.update(chunk);
      chunk.clear();
    }
  }
  hash.update(chunk);
  return hash.hex_digest();
}

PyObject* find_exact_str_key(PyObject* dict, const char* key) {
  if (dict == nullptr || !PyDict_Check(dict)) return nullptr;
  Py_ssize_t position = 0;
  PyObject* k = nullptr;
  PyObject* v = nullptr;
  while (PyDict_Next(dict, &position, &k, &v)) {
    if (PyUnicode_CheckExact(k) && ready(k) && PyUnicode_CompareWithASCIIString(k, key) == 0) return v;
  }
  return nullptr;
}

void append_type_label(std::string& out, PyTypeObject* type) {
  if (!compat::is_heap_type(type)) {
    // Static types carry "module.name" in tp_name; builtins carry the name alone.
    if (std::strchr(type->tp_name, '.') == nullptr) out += "builtins.";
    append_json_utf8(out, type->tp_name);
    return;
  }
  PyObject* module = find_exact_str_key(compat::type_dict(type), "__module__");
  if (module != nullptr && PyUnicode_CheckExact(module)) {
    append_str_content(out, module, 256);
  } else {
    out += '?';
  }
  out += '.';
  PyObject* qualname = compat::heap_type_qualname(type);
  if (qualname != nullptr && PyUnicode_CheckExact(qualname)) {
    append_str_content(out, qualname, 256);
  } else {
    append_json_utf8(out, type->tp_name);
  }
}

void ValueRenderer::render_text_or_null(PyObject* value) {
  if (value != nullptr && PyUnicode_CheckExact(value)) {
    render_str(value);
  } else {
    json_.null();
  }
}

void ValueRenderer::render(PyObject* value, int depth) {
  if (over_budget()) {
    json_.begin_object();
    json_.key("type");
    json_.begin_string();
    append_type_label(json_.out(), Py_TYPE(value));
    json_.end_string();
    json_.key("cut");
    json_.boolean(true);
    json_.end_object();
    return;
  }
  PyTypeObject* type = Py_TYPE(value);
  if (value == Py_None) {
    json_.null();
  } else if (value == Py_True || value == Py_False) {
    json_.boolean(value == Py_True);
  } else if (type == &PyUnicode_Type) {
    render_str(value);
  } else if (type == &PyLong_Type) {
    render_int(value);
  } else if (type == &PyFloat_Type) {
    json_.number(PyFloat_AS_DOUBLE(value));
  } else if (type == &PyBytes_Type) {
    render_bytes("bytes", PyBytes_AS_STRING(value), static_cast<std::size_t>(PyBytes_GET_SIZE(value)));
  } else if (type == &PyByteArray_Type) {
    render_bytes("bytearray", PyByteArray_AS_STRING(value), static_cast<std::size_t>(PyByteArray_GET_SIZE(value)));
  } else if (type == &PyTuple_Type) {
    render_sequence("tuple", value, depth);
  } else if (type == &PyList_Type) {
    render_sequence("list", value, depth);
  } else if (type == &PyDict_Type) {
    render_dict(value, depth);
  } else {
    render_described(value, depth);
  }
}

void ValueRenderer::render_str(PyObject* value) {
  std::string& out = json_.out();
  JsonText::Mark before = json_.mark();
  json_.begin_string();
  StrContent content = append_str_content(out, value, limits_.max_text);
  if (content.complete && content.unicode) {
    json_.end_string();
    return;
  }
  // Restart as an object: lossless bytes for a str that is not Unicode,
  // prefix, length and digest for one that is too long.
  std::string lossy = json_.string_content_since(before);
  json_.rewind(before);
  json_.begin_object();
  if (content.unicode) {
    json_.key("str");
    json_.begin_string();
    out += lossy;
    json_.end_string();
  } else {
    json_.not_unicode_members(lossy, raw_bytes_of_str(value, limits_.max_text));
  }
  if (!content.complete) {
    json_.key("cut");
    json_.boolean(true);
    json_.key("len");
    json_.integer(ready(value) ? PyUnicode_GET_LENGTH(value) : -1);
    json_.key("sha256");
    json_.string(sha256_of_str(value));
  }
  json_.end_object();
}

namespace {

// Text is valid UTF-8 with no control characters but tab and newlines; it
// reads best as a string. Anything else (bytecode, images) reads best as
// hex. Binary data shows itself within its first bytes, so this stops there.
bool looks_like_text(std::string_view bytes) {
  for (unsigned char byte : bytes) {
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) return false;
  }
  return true;
}

}  // namespace

void ValueRenderer::render_bytes(const char* kind, const char* data, std::size_t size) {
  std::string_view whole(data, size);
  std::string& out = json_.out();
  // The storage may change while we read it (a bytearray another thread
  // writes to, anything rewritten through /proc/self/mem): what is shown is
  // read once, into this copy, and judged and escaped from it. Only the
  // digest and the code-file comparison, which write no text of the
  // value, read the rest.
  // A value longer than both bounds is cut whatever it holds: a code
  // file's bytes are named without copying any of them.
  bool cut_either_way = size > std::max(limits_.max_text, limits_.max_binary);
  CodeFileSlice slice = cut_either_way ? find_in_recent_code_file(whole) : CodeFileSlice{};
  std::string copy;
  std::string_view kept;
  bool text = false;
  if (slice.path == nullptr) {
    copy.assign(whole.substr(0, std::max(limits_.max_text, limits_.max_binary)));
    kept = std::string_view(copy).substr(0, limits_.max_text);
    text = looks_like_text(kept);
    if (!text) kept = std::string_view(copy).substr(0, limits_.max_binary);
    if (!cut_either_way && kept.size() < size) slice = find_in_recent_code_file(whole);
  }
  json_.begin_object();
  if (slice.path != nullptr) {
    json_.key(std::string(kind) + "_of_file");
    json_.string(*slice.path);
    json_.key("offset");
    json_.unsigned_integer(slice.offset);
    json_.key("len");
    json_.unsigned_integer(size);
    json_.end_object();
    return;
  }
  if (text) {
    JsonText::Mark before_key = json_.mark();
    json_.key(kind);
    json_.begin_string();
    text = append_json_utf8(out, kept);
    json_.end_string();
    if (!text) {
      // Not UTF-8 after all: binary.
      json_.rewind(before_key);
      kept = std::string_view(copy).substr(0, limits_.max_binary);
    }
  }
  if (!text) {
    json_.key(std::string(kind) + "_hex");
    json_.begin_string();
    append_hex(out, kept);
    json_.end_string();
  }
  if (kept.size() < size) {
    json_.key("cut");
    json_.boolean(true);
    json_.key("len");
    json_.unsigned_integer(size);
    json_.key("sha256");
    json_.string(Sha256::hex_of(whole));
  }
  json_.end_object();
}

void ValueRenderer::render_int(PyObject* value) {
  int overflow = 0;
  long long small = PyLong_AsLongLongAndOverflow(value, &overflow);
  if (overflow == 0 && !(small == -1 && PyErr_Occurred())) {
    json_.integer(small);
    return;
  }
  PyErr_Clear();
  // Beyond 64 bits: hexadecimal, which unlike decimal is linear to produce.
  PyRef hex = PyRef::steal(PyNumber_ToBase(value, 16));
  json_.begin_object();
  json_.key("int");
  if (hex && PyUnicode_CheckExact(hex.get())) {
    render_str(hex.get());
  } else {
    PyErr_Clear();
    json_.null();
  }
  json_.end_object();
}

void ValueRenderer::render_sequence(const char* kind, PyObject* value, int depth) {
  bool is_tuple = PyTuple_CheckExact(value);
  Py_ssize_t length = is_tuple ? PyTuple_GET_SIZE(value) : PyList_GET_SIZE(value);
  Py_ssize_t kept = depth >= limits_.max_depth ? 0 : length;
  if (kept > static_cast<Py_ssize_t>(limits_.max_items)) kept = static_cast<Py_ssize_t>(limits_.max_items);
  bool cut = kept < length;
  if (cut) {
    json_.begin_object();
    json_.key(kind);
  }
  json_.begin_array();
  // No Python code runs while rendering, so a list cannot change under us.
  for (Py_ssize_t i = 0; i < kept; ++i) {
    render(is_tuple ? PyTuple_GET_ITEM(value, i) : PyList_GET_ITEM(value, i), depth + 1);
  }
  json_.end_array();
  if (cut) {
    json_.key("cut");
    json_.boolean(true);
    json_.key("len");
    json_.integer(length);
    json_.end_object();
  }
}

void ValueRenderer::dict_key(PyObject* key) {
  std::string& out = json_.out();
  json_.begin_key();
  if (PyUnicode_CheckExact(key)) {
    append_str_content(out, key, limits_.max_text);
  } else {
    // A key that is not a str is named by its rendering, itself escaped.
    std::string rendered;
    JsonText inner(rendered);
    RenderLimits flat = limits_;
    flat.max_depth = 1;
    ValueRenderer(inner, flat).render(key);
    append_json_utf8(out, rendered);
  }
  json_.end_key();
}

namespace {

// A dict whose one key is "same_as" would read as a reference to a value
// recorded once per change (docs/records.md); it is written wrapped.
bool looks_like_reference(PyObject* dict) {
  if (PyDict_GET_SIZE(dict) != 1) return false;
  Py_ssize_t position = 0;
  PyObject* key = nullptr;
  PyObject* item = nullptr;
  return PyDict_Next(dict, &position, &key, &item) && PyUnicode_CheckExact(key) && ready(key) &&
         PyUnicode_CompareWithASCIIString(key, "same_as") == 0;
}

}  // namespace

void ValueRenderer::render_dict(PyObject* value, int depth) {
  Py_ssize_t length = PyDict_GET_SIZE(value);
  auto kept_limit = depth >= limits_.max_depth ? 0 : static_cast<Py_ssize_t>(limits_.max_items);
  bool cut = length > kept_limit;
  bool wrapped = cut || looks_like_reference(value);
  if (wrapped) {
    json_.begin_object();
    json_.key("dict");
  }
  json_.begin_object();
  Py_ssize_t position = 0;
  Py_ssize_t kept = 0;
  PyObject* k = nullptr;
  PyObject* v = nullptr;
  while (kept < kept_limit && PyDict_Next(value, &position, &k, &v)) {
    ++kept;
    dict_key(k);
    render(v, depth + 1);
  }
  json_.end_object();
  if (cut) {
    json_.key("cut");
    json_.boolean(true);
  }
  if (wrapped) {
    json_.key("len");
    json_.integer(length);
    json_.end_object();
  }
}

void ValueRenderer::render_type_only(PyTypeObject* type) {
  json_.begin_object();
  json_.key("type");
  json_.begin_string();
  append_type_label(json_.out(), type);
  json_.end_string();
  json_.end_object();
}

void ValueRenderer::render_described(PyObject* value, int depth) {
  PyTypeObject* type = Py_TYPE(value);
  if (PyCode_Check(value)) {
    auto* code = reinterpret_cast<PyCodeObject*>(value);
    json_.begin_object();
    json_.key("type");
    json_.string("code");
    json_.key("filename");
    render_text_or_null(compat::code_filename(code));
    json_.key("name");
    render_text_or_null(compat::code_display_name(code));
    json_.key("firstlineno");
    json_.integer(compat::code_first_line(code));
    json_.end_object();
  } else if (PyFunction_Check(value)) {
    json_.begin_object();
    json_.key("type");
    json_.string("function");
    json_.key("module");
    render_text_or_null(compat::function_module(value));
    json_.key("qualname");
    render_text_or_null(compat::function_qualname(value));
    json_.end_object();
  } else if (PyCFunction_CheckExact(value)) {
    auto* function = reinterpret_cast<PyCFunctionObject*>(value);
    json_.begin_object();
    json_.key("type");
    json_.string("builtin_function_or_method");
    json_.key("module");
    render_text_or_null(function->m_module);
    json_.key("name");
    json_.string(function->m_ml->ml_name);
    json_.end_object();
  } else if (PyMethod_Check(value) && depth < limits_.max_depth) {
    json_.begin_object();
    json_.key("type");
    json_.string("method");
    json_.key("function");
    render(PyMethod_GET_FUNCTION(value), depth + 1);
    json_.end_object();
  } else if (PyModule_CheckExact(value)) {
    json_.begin_object();
    json_.key("type");
    json_.string("module");
    json_.key("name");
    render_text_or_null(find_exact_str_key(PyModule_GetDict(value), "__name__"));
    json_.end_object();
  } else if (PyType_Check(value)) {
    json_.begin_object();
    json_.key("type");
    json_.string("type");
    json_.key("name");
    json_.begin_string();
    append_type_label(json_.out(), reinterpret_cast<PyTypeObject*>(value));
    json_.end_string();
    json_.end_object();
  } else {
    render_type_only(type);
  }
}

}  // namespace vigil
