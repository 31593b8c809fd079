#include "open_code_hook.h"

#include "audit_hook.h"
#include "code_file_memory.h"
#include "py_ref.h"
#include "python_compat.h"

#include <cerrno>
#include <cstring>
#include <new>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

// io.BytesIO, taken from _io the first time code is opened. That happens
// while the interpreter initialises (encodings is read through open_code),
// before site, .pth files or any user code could replace sys.modules["_io"].
PyObject* bytes_io_type() {
  static PyObject* type = nullptr;
  if (type != nullptr) return type;
  PyRef name = PyRef::steal(PyUnicode_InternFromString("_io"));
  if (!name) return nullptr;
  PyRef module = PyRef::steal(PyImport_GetModule(name.get()));
  if (!module) {
    if (PyErr_Occurred()) return nullptr;
    module = PyRef::steal(PyImport_ImportModule("_io"));
    if (!module) return nullptr;
  }
  PyRef candidate = PyRef::steal(PyObject_GetAttrString(module.get(), "BytesIO"));
  if (!candidate) return nullptr;
  if (!PyType_Check(candidate.get()) ||
      std::strcmp(reinterpret_cast<PyTypeObject*>(candidate.get())->tp_name, "_io.BytesIO") != 0) {
    PyErr_SetString(PyExc_ImportError, "vigil: _io.BytesIO has been replaced");
    return nullptr;
  }
  type = candidate.release();
  return type;
}

enum class ReadOutcome { ok, failed };

ReadOutcome read_file_from(int fd, FileBytes& content) {
  struct stat status {};
  if (fstat(fd, &status) != 0) return ReadOutcome::failed;
  if (S_ISDIR(status.st_mode)) {
    errno = EISDIR;
    return ReadOutcome::failed;
  }
  // One byte more than the size says, so a single read also sees the end.
  std::size_t capacity = static_cast<std::size_t>(status.st_size > 0 ? status.st_size : 0) + 1;
  content.data.reset(new char[capacity]);
  content.size = 0;
  for (;;) {
    if (content.size == capacity) {
      std::size_t larger = capacity * 2;
      std::unique_ptr<char[]> grown(new char[larger]);
      std::memcpy(grown.get(), content.data.get(), content.size);
      content.data = std::move(grown);
      capacity = larger;
    }
    ssize_t n = read(fd, content.data.get() + content.size, capacity - content.size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadOutcome::failed;
    if (n == 0) return ReadOutcome::ok;
    content.size += static_cast<std::size_t>(n);
  }
}

// Reads the whole file from one descriptor. Sets errno on failure; runs
// without the GIL, so it reports running out of memory through errno too.
ReadOutcome read_file(const char* path, FileBytes& content) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadOutcome::failed;
  ReadOutcome outcome;
  try {
    outcome = read_file_from(fd, content);
  } catch (const std::bad_alloc&) {
    errno = ENOMEM;
    outcome = ReadOutcome::failed;
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return outcome;
}

PyObject* open_code(PyObject* path, void*) {
  // The same event, with the same arguments, that io.open_code raises in
  // the stock interpreter, so hooks and policies see every code file.
  {
    OpeningCode opening;
    if (PySys_Audit("open", "Osi", path, "rb", O_RDONLY | O_CLOEXEC) < 0) return nullptr;
  }
  PyObject* io_type = bytes_io_type();
  if (io_type == nullptr) return nullptr;
  // Encoding reads the str's own buffer: no __fspath__ or __str__ runs,
  // even for a str subclass.
  PyRef encoded = PyRef::steal(PyUnicode_EncodeFSDefault(path));
  if (!encoded) return nullptr;
  const char* raw = PyBytes_AS_STRING(encoded.get());
  if (std::strlen(raw) != static_cast<std::size_t>(PyBytes_GET_SIZE(encoded.get()))) {
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    return nullptr;
  }
  FileBytes content;
  ReadOutcome outcome = ReadOutcome::failed;
  Py_BEGIN_ALLOW_THREADS
  outcome = read_file(raw, content);
  Py_END_ALLOW_THREADS
  if (outcome == ReadOutcome::failed) return PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
  PyRef bytes = PyRef::steal(PyBytes_FromStringAndSize(content.data.get(), static_cast<Py_ssize_t>(content.size)));
  if (!bytes) return nullptr;
  try {
    remember_code_file(raw, std::move(content));
  } catch (const std::bad_alloc&) {
    return PyErr_NoMemory();
  }
  return PyObject_CallOneArg(io_type, bytes.get());
}

}  // namespace

bool OpenCodeHook::install() { return PyFile_SetOpenCodeHook(open_code, nullptr) == 0; }

}  // namespace vigil
