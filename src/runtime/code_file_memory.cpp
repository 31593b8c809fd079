#include "code_file_memory.h"

#include <cstring>

namespace vigil {
namespace {

constexpr std::size_t kLargestRemembered = 4 * 1024 * 1024;

// The bytes object itself is kept in the thread state's dict, which
// CPython clears with the GIL held when the thread ends; a thread_local
// reference would be dropped at thread exit, without the GIL.
constexpr const char* kContentKey = "vigil.recent_code_file";

struct CodeFile {
  std::string path;
  const PyObject* content = nullptr;  // identity of what the dict holds; never dereferenced
  bool trusted = false;
};

thread_local CodeFile t_recent;

std::string_view recent_content() {
  if (t_recent.content == nullptr) return {};
  PyObject* dict = PyThreadState_GetDict();
  if (dict == nullptr) return {};
  PyObject* kept = PyDict_GetItemString(dict, kContentKey);
  // Another thread state on this OS thread (a subinterpreter) keeps its own.
  if (kept != t_recent.content || !PyBytes_CheckExact(kept)) return {};
  return compat::bytes_view(kept);
}

}  // namespace

void remember_code_file(std::string path, PyObject* content, bool trusted) {
  t_recent = {std::move(path), nullptr, trusted};
  PyObject* dict = PyThreadState_GetDict();
  if (dict == nullptr) return;
  bool keep = static_cast<std::size_t>(PyBytes_GET_SIZE(content)) <= kLargestRemembered;
  if (keep && PyDict_SetItemString(dict, kContentKey, content) == 0) {
    t_recent.content = content;
  } else {
    PyErr_Clear();
    if (PyDict_DelItemString(dict, kContentKey) != 0) PyErr_Clear();
  }
}

CodeFileSlice recent_code_file() {
  if (t_recent.path.empty()) return {};
  return {&t_recent.path, 0, t_recent.trusted};
}

CodeFileSlice find_in_recent_code_file(std::string_view bytes) {
  std::string_view content = recent_content();
  if (bytes.empty() || bytes.size() > content.size()) return {};
  std::size_t offset = content.size() - bytes.size();
  if (std::memcmp(content.data() + offset, bytes.data(), bytes.size()) != 0) return {};
  return {&t_recent.path, offset, t_recent.trusted};
}

}  // namespace vigil
