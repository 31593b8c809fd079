#include "open_code_hook.h"

#include "audit_hook.h"
#include "code_file_memory.h"
#include "code_verifier.h"
#include "exit_status.h"
#include "file_bytes.h"
#include "file_io.h"
#include "kernel_exec_restrictions.h"
#include "own_thread.h"
#include "py_ref.h"
#include "transcripts.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/mman.h>
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

// The file's bytes as the file system encoding gives them. Encoding reads
// the str's own buffer: no __fspath__ or __str__ runs, even for a subclass.
std::optional<std::string> encoded_path(PyObject* path) {
  PyRef encoded = PyRef::steal(PyUnicode_EncodeFSDefault(path));
  if (!encoded) return std::nullopt;
  std::string raw(compat::bytes_view(encoded.get()));
  if (raw.find('\0') != std::string::npos) {
    PyErr_SetString(PyExc_ValueError, "embedded null byte");
    return std::nullopt;
  }
  return raw;
}

// The `open` event of a code file. CPython calls this hook directly, not
// through the hook lists, so an event that Vigil's hook missed here is
// recorded and alerted on.
int raise_open_event(PyObject* path, const char* mode, int flags) {
  HookWitness witness;
  if (PySys_Audit("open", "Osi", path, mode, flags) < 0) return -1;
  if (!witness.missed()) return 0;
  PyRef args = PyRef::steal(Py_BuildValue("(Osi)", path, mode, flags));
  if (!args) return -1;
  return HookWitness::record_missed("open", args.get(), "the open-code hook");
}

struct CodeFile {
  std::string path;  // as the file system encoding gives it
  PyRef content;     // a bytes object
  bool trusted = false;
  std::string_view view() const { return compat::bytes_view(content.get()); }
};

// What reading a code file came to: the bytes, or an errno.
struct FileRead {
  PyRef content;
  int error = 0;
  bool complete() const { return static_cast<bool>(content); }
};

// Reads `fd` to its end straight into a bytes object, so Python gets the
// very bytes that are checked without a second copy. The GIL is held only
// to size the object, never across a system call.
FileRead read_into_bytes(int fd) {
  FileRead result;
  struct stat status {};
  int error = 0;
  Py_BEGIN_ALLOW_THREADS
  error = fstat(fd, &status) == 0 ? (S_ISDIR(status.st_mode) ? EISDIR : 0) : errno;
  Py_END_ALLOW_THREADS
  if (error != 0) {
    result.error = error;
    return result;
  }
  // One byte more than the size says, so a single read also sees the end.
  Py_ssize_t capacity = static_cast<Py_ssize_t>(status.st_size > 0 ? status.st_size : 0) + 1;
  PyObject* bytes = PyBytes_FromStringAndSize(nullptr, capacity);
  Py_ssize_t size = 0;
  for (;;) {
    if (bytes == nullptr) {
      PyErr_Clear();
      result.error = ENOMEM;
      return result;
    }
    bool at_end = false;
    Py_BEGIN_ALLOW_THREADS
    while (size < capacity) {
      ssize_t n = retry_interrupted([&] { return read(fd, PyBytes_AS_STRING(bytes) + size, static_cast<std::size_t>(capacity - size)); });
      if (n < 0) error = errno;
      if (n <= 0) {
        at_end = true;
        break;
      }
      size += n;
    }
    Py_END_ALLOW_THREADS
    if (at_end) break;
    // The file grew while it was read.
    capacity *= 2;
    if (_PyBytes_Resize(&bytes, capacity) < 0) bytes = nullptr;
  }
  // _PyBytes_Resize frees the object when it fails.
  if (error == 0 && _PyBytes_Resize(&bytes, size) < 0) {
    PyErr_Clear();
    error = ENOMEM;
  }
  result.error = error;
  if (error != 0) {
    Py_XDECREF(bytes);
    return result;
  }
  result.content = PyRef::steal(bytes);
  return result;
}

// A code file read whole from one descriptor and checked, before the
// `open` event that announces it.
struct CheckedCodeFile {
  std::string path;  // as the file system encoding gives it
  FileRead file;
  FileTrust trust;
  bool verified = false;  // checked against the trust sources
  std::optional<ExecCheck> exec_check;
  bool refused_bytecode = false;
};

// Reads and checks the file; nullopt, with a Python exception, when its
// name cannot be encoded.
std::optional<CheckedCodeFile> check_code_file(PyObject* path, bool run_directly) {
  auto raw = encoded_path(path);
  if (!raw) return std::nullopt;
  CheckedCodeFile checked;
  checked.path = std::move(*raw);
  CodeVerifier* verifier = AuditHook::verifier();
  if (verifier != nullptr && verifier->refuses_bytecode(checked.path)) {
    checked.trust.path = checked.path;
    checked.trust.refused = true;
    checked.trust.reason = "[trust] pyc = \"refuse\": the import uses the verified source";
    checked.verified = true;
    checked.refused_bytecode = true;
    return checked;
  }
  int fd = -1;
  int open_error = 0;
  Py_BEGIN_ALLOW_THREADS
  fd = open(checked.path.c_str(), O_RDONLY | O_CLOEXEC);
  open_error = errno;
  Py_END_ALLOW_THREADS
  if (fd < 0) {
    checked.file.error = open_error;
    return checked;
  }
  checked.file = read_into_bytes(fd);
  Py_BEGIN_ALLOW_THREADS
  if (checked.file.complete() && verifier != nullptr) {
    checked.trust = verifier->check_code_file(fd, compat::bytes_view(checked.file.content.get()), run_directly);
    checked.verified = true;
  }
  if (checked.file.complete() && kernel_exec_restrictions().restrict_file) {
    checked.exec_check = check_code_file_execution(fd, checked.path, verifier != nullptr ? &checked.trust : nullptr);
  }
  close(fd);
  Py_END_ALLOW_THREADS
  return checked;
}

// What the `open` event carries for a checked file; the attempt is
// announced even when the file could not be read.
struct CodeFileAnnouncement {
  explicit CodeFileAnnouncement(const CheckedCodeFile& checked)
      : opening(checked.verified ? &checked.trust : nullptr, checked.exec_check ? &*checked.exec_check : nullptr) {}
  OpeningCode opening;
};

// After its `open` event went through: the file, or nullopt with a Python
// exception and errno set when it cannot be read or may not run.
std::optional<CodeFile> accept_code_file(CheckedCodeFile& checked, PyObject* path) {
  if (checked.refused_bytecode) {
    errno = EACCES;
    PyErr_SetFromErrnoWithFilenameObject(PyExc_PermissionError, path);
    return std::nullopt;
  }
  if (!checked.file.complete()) {
    errno = checked.file.error;
    PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, path);
    return std::nullopt;
  }
  if (checked.exec_check && checked.exec_check->refused()) {
    // The hook denies it with its alert; this holds even for an `open`
    // event the hook never received.
    errno = EACCES;
    PyErr_Format(PyExc_PermissionError, "vigil: %s: %U (rule %s)", exec_restrict_file_rule().message.c_str(), path,
                 exec_restrict_file_rule().id.c_str());
    return std::nullopt;
  }
  if (CodeVerifier* verifier = AuditHook::verifier()) verifier->remember_code_file(checked.path, checked.trust.trusted);
  return CodeFile{std::move(checked.path), std::move(checked.file.content), checked.trust.trusted};
}

// Reads the whole file from one descriptor and checks those bytes, then
// raises `open` carrying the result, so the hook records it and the policy
// may refuse it. nullopt with a Python exception, and errno set, when the
// file cannot be read or may not run.
std::optional<CodeFile> read_code_file(PyObject* path, const char* mode, int flags) {
  auto checked = check_code_file(path, false);
  if (!checked) return std::nullopt;
  {
    CodeFileAnnouncement announcement(*checked);
    if (raise_open_event(path, mode, flags) < 0) {
      errno = EACCES;
      return std::nullopt;
    }
  }
  return accept_code_file(*checked, path);
}

PyObject* open_code(PyObject* path, void*) {
  PyObject* io_type = bytes_io_type();
  if (io_type == nullptr) return nullptr;
  auto file = read_code_file(path, "rb", O_RDONLY | O_CLOEXEC);
  if (!file) return nullptr;
  try {
    remember_code_file(std::move(file->path), file->content.get(), file->trusted);
  } catch (const std::bad_alloc&) {
    return PyErr_NoMemory();
  }
  return PyObject_CallOneArg(io_type, file->content.get());
}

// A memfd holding exactly these bytes, sealed against any change, so
// nothing can alter them between the check and the parser; -1 on failure.
int sealed_memory_descriptor(std::string_view content) {
  int fd = memfd_create("vigil-verified-code", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return -1;
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = retry_interrupted([&] { return write(fd, content.data() + written, content.size() - written); });
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  if (written == content.size() &&
      fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0 &&
      lseek(fd, 0, SEEK_SET) == 0) {
    return fd;
  }
  int error = errno;
  close(fd);
  errno = error;
  return -1;
}

FILE* sealed_memory_file(std::string_view content) {
  int fd = sealed_memory_descriptor(content);
  if (fd < 0) return nullptr;
  FILE* file = fdopen(fd, "rb");
  if (file == nullptr) {
    int error = errno;
    close(fd);
    errno = error;
  }
  return file;
}

std::optional<std::string> read_proc_file(const std::string& path) {
  std::string text;
  std::string error;
  if (!read_regular_file_up_to(path, 4096, text, error)) return std::nullopt;
  return text;
}

// Threads of Vigil's own (own_thread.h) in this process, by their names.
long own_thread_count() {
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return 0;
  long count = 0;
  while (dirent* task = readdir(tasks)) {
    if (task->d_name[0] == '.') continue;
    std::string comm_path = std::string("/proc/self/task/") + task->d_name + "/comm";
    auto comm = read_proc_file(comm_path);
    if (comm && comm->starts_with(kOwnThreadPrefix)) ++count;
  }
  closedir(tasks);
  return count;
}

// /proc/self/stat with its thread count (field 20) less `own`; empty when
// the text is not as proc(5) describes it.
std::string stat_less_own_threads(long own) {
  auto stat = read_proc_file("/proc/self/stat");
  if (!stat) return {};
  // Fields after the command name, which may hold spaces and parentheses.
  std::size_t position = stat->rfind(')');
  for (int field = 2; field < 20 && position != std::string::npos; ++field) position = stat->find(' ', position + 1);
  if (position == std::string::npos) return {};
  std::size_t end = stat->find(' ', position + 1);
  if (end == std::string::npos) return {};
  long threads = std::strtol(stat->c_str() + position + 1, nullptr, 10);
  if (threads <= own) return {};
  return stat->substr(0, position + 1) + std::to_string(threads - own) + stat->substr(end);
}

// The policy refused the script on the command line: the whole run is
// refused, as a refused entry is, and not reported as CPython's "can't
// open file: Permission denied" (exit 2), which sends people to check
// file modes.
[[noreturn]] void refuse_the_run() {
  std::string message = AuditHook::last_denial();
  if (message.starts_with("vigil: ")) message.erase(0, 7);
  PyErr_Clear();
  std::fprintf(stderr, "vigil-python: refusing to run: %s\n", message.c_str());
  AuditHook::set_stop_reason("script refused by the policy");
  Py_Exit(kRefusedExitStatus);
}

// The script or PYTHONSTARTUP file CPython announced (cpython.run_file,
// cpython.run_startup) and opens next. A strong reference, so its address
// names no other object while it is expected; never released at thread
// exit, where there is no GIL.
struct ExpectedOpen {
  PyObject* filename = nullptr;
  bool run_directly = false;
};
thread_local ExpectedOpen t_expected;

// What CPython's fopen64 of the expected file on this thread gets: a
// sealed memfd of the bytes checked, or the error reading them met.
struct SealedOpen {
  std::string path;  // as the file system encoding gives it
  int fd = -1;
  int error = 0;
};
thread_local std::optional<SealedOpen> t_sealed;
// Whether any thread holds one: fopen64 reads only this otherwise.
std::atomic<int> g_sealed_pending{0};

void hand_to_fopen(SealedOpen sealed) {
  if (t_sealed) {
    if (t_sealed->fd >= 0) close(t_sealed->fd);
  } else {
    g_sealed_pending.fetch_add(1, std::memory_order_relaxed);
  }
  t_sealed = std::move(sealed);
}

// The sealed file for `path` when it is this thread's expected one.
std::optional<SealedOpen> take_sealed_open(const char* path) {
  if (g_sealed_pending.load(std::memory_order_relaxed) == 0 || !t_sealed || path == nullptr ||
      t_sealed->path != path) {
    return std::nullopt;
  }
  std::optional<SealedOpen> taken = std::move(t_sealed);
  t_sealed.reset();
  g_sealed_pending.fetch_sub(1, std::memory_order_relaxed);
  return taken;
}

using Fopen = FILE* (*)(const char*, const char*);
Fopen libc_fopen64() {
  static Fopen real = reinterpret_cast<Fopen>(dlsym(RTLD_NEXT, "fopen64"));
  return real;
}

}  // namespace

struct ScriptOpening::State {
  PyObject* path = nullptr;  // the event's, borrowed for the event's length
  bool run_directly = false;
  CheckedCodeFile checked;
  std::optional<CodeFileAnnouncement> announcement;
};

ScriptOpening::ScriptOpening(std::string_view event, PyObject* args) {
  if (t_expected.filename == nullptr || event != "open" || args == nullptr || !PyTuple_Check(args) ||
      PyTuple_GET_SIZE(args) < 1 || PyTuple_GET_ITEM(args, 0) != t_expected.filename) {
    return;
  }
  auto checked = check_code_file(t_expected.filename, t_expected.run_directly);
  if (!checked) {
    // A name the file system encoding cannot take: CPython's own encoding
    // of it failed before the event, so nothing will be opened.
    PyErr_Clear();
    return;
  }
  state_ = std::make_unique<State>();
  state_->path = t_expected.filename;
  state_->run_directly = t_expected.run_directly;
  state_->checked = std::move(*checked);
  state_->announcement.emplace(state_->checked);
}

ScriptOpening::~ScriptOpening() = default;

int ScriptOpening::settle(int result) {
  if (!state_) return result;
  state_->announcement.reset();
  if (result < 0) {
    if (state_->run_directly && PyErr_ExceptionMatches(PyExc_PermissionError)) refuse_the_run();
    return result;
  }
  SealedOpen sealed;
  sealed.path = state_->checked.path;
  auto code = accept_code_file(state_->checked, state_->path);
  if (code) {
    sealed.fd = sealed_memory_descriptor(code->view());
    if (sealed.fd >= 0) {
      expect_entry_source(std::move(code->path), FileBytes::copy_of(code->view()),
                          state_->run_directly ? "script" : "startup");
    }
  }
  // CPython sets its own exception from the errno fopen64 gives it.
  if (sealed.fd < 0) {
    sealed.error = errno != 0 ? errno : EIO;
    PyErr_Clear();
  }
  hand_to_fopen(std::move(sealed));
  return 0;
}

bool OpenCodeHook::install() { return PyFile_SetOpenCodeHook(open_code, nullptr) == 0; }

void expect_code_file_open(PyObject* filename, bool run_directly) {
  PyObject* previous = t_expected.filename;
  t_expected = {Py_NewRef(filename), run_directly};
  Py_XDECREF(previous);
}

void capture_standard_input() {
  struct stat status {};
  if (fstat(STDIN_FILENO, &status) != 0) return;
  FileBytes content;
  // A failed read leaves what it got, as CPython's parser would have.
  read_whole_file(STDIN_FILENO, content);
  int fd = sealed_memory_descriptor(content.view());
  if (fd < 0) return;
  if (dup2(fd, STDIN_FILENO) == STDIN_FILENO) expect_entry_source("<stdin>", std::move(content), "stdin");
  close(fd);
}

}  // namespace vigil

// The C library's fopen64, interposed: vigil-python's runtime library
// comes before libc in the process's symbol lookup, so CPython's calls
// reach this one. Every path goes on to libc's but two.
//   - The expected script or PYTHONSTARTUP file (ScriptOpening): CPython
//     gets the sealed memfd of the bytes checked at its `open` event, and
//     never opens the path itself.
//   - /proc/self/stat: CPython 3.12+ reads this process's thread count
//     from it at os.fork() and warns (DeprecationWarning) when there is
//     more than one. Vigil's own threads (the heartbeat, remote sinks) are
//     not the program's, and python3 would not warn: CPython gets the
//     count without them.
extern "C" __attribute__((visibility("default"))) FILE* fopen64(const char* path, const char* mode) {
  using namespace vigil;
  if (auto sealed = take_sealed_open(path)) {
    if (sealed->fd < 0) {
      errno = sealed->error;
      return nullptr;
    }
    FILE* file = fdopen(sealed->fd, mode);
    if (file == nullptr) {
      int error = errno;
      close(sealed->fd);
      errno = error;
    }
    return file;
  }
  Fopen real = libc_fopen64();
  if (real == nullptr) {
    errno = ENOSYS;
    return nullptr;
  }
  if (path == nullptr || std::strcmp(path, "/proc/self/stat") != 0) return real(path, mode);
  long own = own_thread_count();
  std::string adjusted = own > 0 ? stat_less_own_threads(own) : std::string();
  if (adjusted.empty()) return real(path, mode);
  return sealed_memory_file(adjusted);
}
