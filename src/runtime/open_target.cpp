#include "open_target.h"

#include "py_ref.h"

#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>

namespace vigil {
namespace {

// The device of procfs as this process sees it; 0 when it is not mounted.
dev_t procfs_device() {
  static const dev_t device = [] {
    struct stat status {};
    return stat("/proc/self", &status) == 0 ? status.st_dev : dev_t{0};
  }();
  return device;
}

// The path as the kernel gets it: a str encoded as os.open encodes it (its
// own storage, for a subclass too), a bytes object's buffer.
std::optional<std::string> path_bytes(PyObject* path) {
  if (PyUnicode_Check(path)) {
    PyRef encoded = PyRef::steal(PyUnicode_EncodeFSDefault(path));
    if (!encoded) {
      PyErr_Clear();
      return std::nullopt;
    }
    return std::string(compat::bytes_view(encoded.get()));
  }
  if (PyBytes_Check(path)) return std::string(compat::bytes_view(path));
  return std::nullopt;
}

std::optional<OpenTarget> target_of(const struct stat& status) {
  OpenTarget target;
  target.device = status.st_dev;
  target.inode = status.st_ino;
  return target;
}

// realpath() reads links and never opens what they name. A relative path
// under dir_fd is resolved from the directory's own magic link.
std::string canonical_path(const std::string& path, OpenDirectory directory) {
  std::string spelled = path;
  if (path.empty() || path[0] != '/') {
    if (directory.fd != AT_FDCWD) spelled = "/proc/self/fd/" + std::to_string(directory.fd) + "/" + path;
  }
  char resolved[PATH_MAX];
  if (realpath(spelled.c_str(), resolved) == nullptr) return {};
  return resolved;
}

}  // namespace

std::optional<OpenTarget> find_open_target(PyObject* path, OpenDirectory directory) {
  if (path == nullptr) return std::nullopt;
  if (PyLong_Check(path)) return find_descriptor_target(path);
  auto text = path_bytes(path);
  if (!text || text->empty() || text->find('\0') != std::string::npos) return std::nullopt;
  auto under = [&text](OpenDirectory where) -> std::optional<OpenTarget> {
    struct stat status {};
    if (fstatat(where.fd, text->c_str(), &status, 0) != 0) return std::nullopt;
    auto target = target_of(status);
    if (status.st_dev == procfs_device() && procfs_device() != 0) target->proc_path = canonical_path(*text, where);
    return target;
  };
  bool relative = (*text)[0] != '/';
  if (!relative || directory.fd == AT_FDCWD) return under(OpenDirectory{});
  if (directory.path == path) return under(directory);
  // An event during an os.open call with a dir_fd that may or may not be
  // the call's own (a path-like object's event carries what __fspath__
  // returned): either reading counts, /proc first.
  auto in_directory = under(directory);
  if (in_directory && !in_directory->proc_path.empty()) return in_directory;
  auto in_current = under(OpenDirectory{});
  return in_current ? in_current : in_directory;
}

std::optional<OpenTarget> find_descriptor_target(PyObject* fd) {
  if (fd == nullptr || !PyLong_Check(fd)) return std::nullopt;
  int overflow = 0;
  long number = PyLong_AsLongAndOverflow(fd, &overflow);
  if (overflow != 0 || number < 0 || number > INT_MAX) return std::nullopt;
  struct stat status {};
  if (fstat(static_cast<int>(number), &status) != 0) return std::nullopt;
  return target_of(status);
}

bool opens_for_writing(PyObject* mode, PyObject* flags) {
  if (flags != nullptr && PyLong_Check(flags)) {
    int overflow = 0;
    long value = PyLong_AsLongAndOverflow(flags, &overflow);
    if (overflow == 0 && ((value & O_ACCMODE) != O_RDONLY || (value & (O_TRUNC | O_APPEND | O_CREAT)) != 0)) {
      return true;
    }
  }
  if (mode != nullptr && PyUnicode_Check(mode)) {
    Py_ssize_t length = 0;
    const char* text = PyUnicode_AsUTF8AndSize(mode, &length);
    if (text == nullptr) {
      PyErr_Clear();
      return false;
    }
    for (Py_ssize_t i = 0; i < length; ++i) {
      if (text[i] == 'w' || text[i] == 'a' || text[i] == '+' || text[i] == 'x') return true;
    }
  }
  return false;
}

}  // namespace vigil
