#include "code_file_memory.h"

#include <cstring>

namespace vigil {
namespace {

constexpr std::size_t kLargestRemembered = 4 * 1024 * 1024;

// The bytes object itself is kept in the thread state's dict, which
// CPython clears with the GIL held when the thread ends; a thread_local
// reference would be dropped at thread exit, without the GIL.
constexpr const char* kContentKey = "vigil.recent_code_file";
constexpr const char* kMemberKey = "vigil.archive_member";

struct CodeFile {
  std::string path;
  const PyObject* content = nullptr;  // identity of what the dict holds; never dereferenced
  bool trusted = false;
};

thread_local CodeFile t_recent;
// The decompressed member of t_recent's archive; path and verdict are
// t_recent's, and remembering another code file forgets it.
thread_local const PyObject* t_member = nullptr;
// The marshal.loads call running on this thread, when its argument is a
// slice of t_recent's content.
thread_local UnmarshalOfCodeFile::Buffer t_unmarshal;

std::string_view kept_bytes(const char* key, const PyObject* identity) {
  if (identity == nullptr) return {};
  PyObject* dict = PyThreadState_GetDict();
  if (dict == nullptr) return {};
  PyObject* kept = PyDict_GetItemString(dict, key);
  // Another thread state on this OS thread (a subinterpreter) keeps its own.
  if (kept != identity || !PyBytes_CheckExact(kept)) return {};
  return compat::bytes_view(kept);
}

std::string_view recent_content() { return kept_bytes(kContentKey, t_recent.content); }

// Whether `text` is `member` with \r\n and \r made \n, as zipimport
// compiles a member's source.
bool is_normalized_source(std::string_view member, std::string_view text) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < member.size(); ++i) {
    char c = member[i];
    if (c == '\r') {
      if (i + 1 < member.size() && member[i + 1] == '\n') ++i;
      c = '\n';
    }
    if (at == text.size() || text[at] != c) return false;
    ++at;
  }
  return at == text.size();
}

}  // namespace

void remember_code_file(std::string path, PyObject* content, bool trusted) {
  t_recent = {std::move(path), nullptr, trusted};
  t_member = nullptr;
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
  // The call's argument keeps its owner alive and the thread's dict keeps
  // the code file's bytes: one pointer is one object.
  UnmarshalOfCodeFile::Buffer& unmarshal = t_unmarshal;
  bool copied_by_cpython = unmarshal.owner == t_recent.content && unmarshal.size == bytes.size() &&
                           (unmarshal.copy == nullptr || unmarshal.copy == bytes.data());
  if (copied_by_cpython) {
    unmarshal.copy = bytes.data();
  } else if (std::memcmp(content.data() + offset, bytes.data(), bytes.size()) != 0) {
    return {};
  }
  return {&t_recent.path, offset, t_recent.trusted};
}

UnmarshalOfCodeFile::UnmarshalOfCodeFile(PyObject* argument) : outer_(t_unmarshal) {
  t_unmarshal = {};
  // Only an exact memoryview of a tail of an exact bytes object: getting
  // its buffer runs no Python code, and its pointer stays inside that
  // object. Whether that object is the code file's is asked when the
  // event comes (find_in_recent_code_file).
  if (argument == nullptr || !PyMemoryView_Check(argument)) return;
  const Py_buffer* view = PyMemoryView_GET_BUFFER(argument);
  if (view->obj == nullptr || !PyBytes_CheckExact(view->obj) || view->buf == nullptr || view->ndim != 1 ||
      view->itemsize != 1 || view->len < 0 || !PyBuffer_IsContiguous(view, 'C')) {
    return;
  }
  std::string_view owner = compat::bytes_view(view->obj);
  const char* data = static_cast<const char*>(view->buf);
  auto size = static_cast<std::size_t>(view->len);
  if (data < owner.data() || size > owner.size() || data + size != owner.data() + owner.size()) return;
  t_unmarshal = {view->obj, size, nullptr};
}

UnmarshalOfCodeFile::~UnmarshalOfCodeFile() { t_unmarshal = outer_; }

void remember_archive_member(PyObject* decompressed) {
  t_member = nullptr;
  if (t_recent.path.empty() || !PyBytes_CheckExact(decompressed)) return;
  PyObject* dict = PyThreadState_GetDict();
  if (dict == nullptr) return;
  if (PyDict_SetItemString(dict, kMemberKey, decompressed) == 0) {
    t_member = decompressed;
  } else {
    PyErr_Clear();
  }
}

CodeFileSlice find_archive_member(std::string_view bytes, bool source) {
  if (bytes.empty() || t_recent.path.empty()) return {};
  CodeFileSlice found{&t_recent.path, 0, t_recent.trusted};
  std::string_view member = kept_bytes(kMemberKey, t_member);
  if (source ? is_normalized_source(member, bytes) : member.ends_with(bytes)) return found;
  std::string_view content = recent_content();
  const void* at = memmem(content.data(), content.size(), bytes.data(), bytes.size());
  if (at == nullptr) return {};
  found.offset = static_cast<std::size_t>(static_cast<const char*>(at) - content.data());
  return found;
}

}  // namespace vigil
