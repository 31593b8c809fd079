// Renders Python objects as JSON without ever running Python code: no repr,
// str, __fspath__, __index__, __eq__ or __hash__, and no imports. Only exact
// builtin types are rendered by value; everything else, subclasses of
// builtins included, is named by its type alone (see docs/records.md).
#pragma once

#include "json_text.h"
#include "python_compat.h"

#include <cstddef>

namespace vigil {

struct RenderLimits {
  std::size_t max_text = 4096;           // characters of a str, bytes of text in bytes
  std::size_t max_binary = 256;          // bytes of a binary bytes value, shown as hex
  std::size_t max_items = 64;            // items kept of one container
  int max_depth = 6;                     // containers inside containers
  std::size_t max_json = 256 * 1024;     // bytes of JSON one renderer may add
};

class ValueRenderer {
 public:
  ValueRenderer(JsonText& json, const RenderLimits& limits)
      : json_(json), limits_(limits), start_(json.size()) {}

  void render(PyObject* value) { render(value, 0); }

  // Exact str, or null when `value` is anything else.
  void render_text_or_null(PyObject* value);

 private:
  void render(PyObject* value, int depth);
  void render_str(PyObject* value);
  void render_bytes(const char* kind, const char* data, std::size_t size);
  void render_int(PyObject* value);
  void render_sequence(const char* kind, PyObject* value, int depth);
  void render_dict(PyObject* value, int depth);
  void render_described(PyObject* value, int depth);
  void render_type_only(PyTypeObject* type);
  void dict_key(PyObject* key);
  bool over_budget() const { return json_.size() - start_ > limits_.max_json; }

  JsonText& json_;
  const RenderLimits& limits_;
  std::size_t start_;
};

struct StrContent {
  bool complete = true;  // false: cut at max_chars
  bool unicode = true;   // false: lone surrogates were replaced by U+FFFD
};

// Appends the escaped content of an exact str (no quotes), at most
// `max_chars` code points.
StrContent append_str_content(std::string& out, PyObject* exact_str, std::size_t max_chars);

// The bytes a str stands for: UTF-8, with U+DC80..U+DCFF turned back into
// the single bytes surrogateescape made them from (so a file name gives
// os.fsencode(name)) and other lone surrogates kept as surrogatepass does.
std::string raw_bytes_of_str(PyObject* exact_str, std::size_t max_chars);

// "module.qualname" of a type, escaped for a JSON string.
void append_type_label(std::string& out, PyTypeObject* type);

// Borrowed value stored under `key` in `dict`, looking only at keys that are
// exact str, so a hostile key's __eq__ is never called. Null if absent.
PyObject* find_exact_str_key(PyObject* dict, const char* key);

// SHA-256 of raw_bytes_of_str() of the whole str.
std::string sha256_of_str(PyObject* exact_str);

}  // namespace vigil
