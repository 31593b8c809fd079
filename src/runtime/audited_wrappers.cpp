#include "audited_wrappers.h"

#include "audit_hook.h"
#include "code_file_memory.h"
#include "default_policy.h"
#include "event_catalog.h"
#include "py_ref.h"
#include "python_compat.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <iterator>
#include <link.h>
#include <string>
#include <string_view>
#include <utility>

namespace vigil {
namespace {

thread_local bool t_raised_by_sys_audit = false;

// A C function has no closure, so the function each patched entry used to
// call is kept here. Written once, at the first event, like the hook's own
// registration.
PyCFunction g_sys_audit_original = nullptr;
PyCFunction g_fork_exec_original = nullptr;
PyCFunction g_os_open_original = nullptr;
PyCFunction g_posix_spawn_original = nullptr;
PyCFunction g_posix_spawnp_original = nullptr;
PyCFunction g_fix_co_filename_original = nullptr;
PyCFunction g_compile_original = nullptr;

// Set once code other than the import system's loading of the file itself
// may carry the name of a standard-library file that raises runtime
// events from Python (stdlib_raises_from_python): from then on such events
// are marked like any other sys.audit event. Never cleared.
std::atomic<bool> g_stdlib_raising_file_name_taken{false};

// Set by the fork_exec and posix_spawn wrappers for the duration of the
// call, read by the hook at the call's event.
thread_local ChildStdio t_child_stdio;


// Keeps what the call gives its child for the duration of the call.
class ChildStdioScope {
 public:
  explicit ChildStdioScope(const ChildStdio& stdio) : outer_(std::exchange(t_child_stdio, stdio)) {}
  ~ChildStdioScope() { t_child_stdio = outer_; }
  ChildStdioScope(const ChildStdioScope&) = delete;
  ChildStdioScope& operator=(const ChildStdioScope&) = delete;

 private:
  ChildStdio outer_;
};

// The directory the relative path of the `open` event os.open raises is
// resolved in: set by the wrapper around os.open, taken by the hook.
thread_local OpenDirectory t_open_directory;

// Never wraps the wrapper: its original would then be itself.
void patch(PyMethodDef* entry, PyCFunction& original, PyCFunction replacement) {
  if (entry->ml_meth == replacement) return;
  original = entry->ml_meth;
  entry->ml_meth = replacement;
}

// An event a hook list should have carried to Vigil, with its arguments
// as a tuple; `where` names the path that saw it instead.
PyObject* record_missed_event(const char* event, PyObject* const* args, Py_ssize_t nargs, const char* where) {
  PyRef tuple = PyRef::steal(PyTuple_New(nargs));
  if (!tuple) return nullptr;
  for (Py_ssize_t i = 0; i < nargs; ++i) PyTuple_SET_ITEM(tuple.get(), i, Py_NewRef(args[i]));
  if (HookWitness::record_missed(event, tuple.get(), where) < 0) return nullptr;
  return Py_NewRef(Py_None);
}

// The UTF-8 text of an exact str; empty for anything else (a subclass, or
// lone surrogates, which no file the check compares with has).
std::string_view exact_text(PyObject* object) {
  if (object == nullptr || !PyUnicode_CheckExact(object)) return {};
  Py_ssize_t size = 0;
  const char* text = PyUnicode_AsUTF8AndSize(object, &size);
  if (text == nullptr) {
    PyErr_Clear();
    return {};
  }
  return {text, static_cast<std::size_t>(size)};
}

// `path` relative to the embedded CPython's standard library, fixed when
// Vigil was built: sys._stdlib_dir is a plain attribute any code can set.
std::string_view in_standard_library(std::string_view path) {
  std::string_view directory = kStdlibDirectory;
  if (path.size() <= directory.size() + 1 || !path.starts_with(directory) || path[directory.size()] != '/') return {};
  return path.substr(directory.size() + 1);
}

bool names_stdlib_raising_file(PyObject* filename) {
  std::string_view file = in_standard_library(exact_text(filename));
  if (file.empty()) return false;
  for (std::string_view raising : stdlib_files_raising_runtime_events()) {
    if (file == raising) return true;
  }
  return false;
}

// Whether `bytecode` is the cached bytecode of `source` ("d/x.py":
// "d/__pycache__/x.cpython-313.pyc", "...opt-1.pyc").
bool caches(std::string_view bytecode, std::string_view source) {
  std::size_t slash = source.rfind('/') + 1;
  std::string_view directory = source.substr(0, slash);
  std::string_view stem = source.substr(slash, source.size() - slash - std::strlen(".py"));
  if (!bytecode.starts_with(directory) || !bytecode.ends_with(".pyc")) return false;
  bytecode.remove_prefix(directory.size());
  return bytecode.starts_with("__pycache__/") && bytecode.substr(std::strlen("__pycache__/")).starts_with(stem) &&
         bytecode.substr(std::strlen("__pycache__/") + stem.size()).starts_with(".");
}

// Whether marshalled bytes can make a code object named like one of the
// watched files without being that file's own bytecode. Marshal keeps
// every str as its characters, and a code object's file name is a str of
// the stream, so such a name is in the bytes as it is. The import system
// unmarshals the tail of the code file the open-code hook has just read;
// the interpreter's frozen modules (3.13 unmarshals them through the same
// event) name themselves "<frozen …>".
bool marshalled_bytes_take_stdlib_raising_file_name(std::string_view bytes) {
  std::string prefix = std::string(kStdlibDirectory) + "/";
  for (std::size_t at = bytes.find(prefix); at != std::string_view::npos; at = bytes.find(prefix, at + 1)) {
    std::string_view named = bytes.substr(at + prefix.size());
    for (std::string_view file : stdlib_files_raising_runtime_events()) {
      if (!named.starts_with(file)) continue;
      CodeFileSlice read = find_in_recent_code_file(bytes);
      std::string source = prefix + std::string(file);
      if (read.path == nullptr || !caches(*read.path, source)) return true;
    }
  }
  return false;
}

// Whether the standard library's own code raises `event` through sys.audit
// where the runtime raised it from C before (3.13's REPL). The innermost
// frame is sys.audit's caller; its code's file name is only believed while
// no code object could have taken that name except by the import system
// loading the file (note_code_naming).
bool raised_by_standard_library(PyObject* event) {
  if (g_stdlib_raising_file_name_taken.load(std::memory_order_relaxed)) return false;
  std::string_view name = exact_text(event);
  if (name.empty()) return false;
  PyFrameObject* frame = compat::current_frame();
  if (frame == nullptr) return false;
  PyCodeObject* code = compat::frame_code(frame);
  std::string_view file = in_standard_library(exact_text(compat::code_filename(code)));
  bool raised = !file.empty() && stdlib_raises_from_python(name, file);
  Py_DECREF(code);
  return raised;
}

PyObject* sys_audit_marking_its_events(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  t_raised_by_sys_audit = nargs == 0 || !raised_by_standard_library(args[0]);
  HookWitness witness;
  PyObject* result = reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(g_sys_audit_original))(
      self, args, nargs);
  // sys.audit may fail before any hook runs (a name that is not a str).
  if (result != nullptr && nargs > 0 && PyUnicode_Check(args[0]) && witness.missed()) {
    const char* event = PyUnicode_AsUTF8(args[0]);
    Py_DECREF(result);
    // The record keeps its raised_by mark.
    result = event != nullptr ? record_missed_event(event, args + 1, nargs - 1, "the sys.audit wrapper") : nullptr;
  }
  t_raised_by_sys_audit = false;
  return result;
}

void wrap_sys_audit() {
  PyObject* audit = PySys_GetObject("audit");
  if (audit == nullptr || !Py_IS_TYPE(audit, &PyCFunction_Type)) return;
  PyMethodDef* entry = reinterpret_cast<PyCFunctionObject*>(audit)->m_ml;
  if (std::strcmp(entry->ml_name, "audit") != 0 || entry->ml_flags != METH_FASTCALL) return;
  patch(entry, g_sys_audit_original, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(sys_audit_marking_its_events)));
}

// _imp._fix_co_filename(code, path) renames a code object and those inside
// it, without an event: importlib gives an unmarshalled code object its
// source's path. A rename to one of the watched files from another name is
// a code object taking that name.
PyObject* fix_co_filename_noting_renames(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs == 2 && PyCode_Check(args[0]) && names_stdlib_raising_file(args[1]) &&
      PyUnicode_Compare(compat::code_filename(reinterpret_cast<PyCodeObject*>(args[0])), args[1]) != 0) {
    if (PyErr_Occurred()) PyErr_Clear();
    g_stdlib_raising_file_name_taken.store(true, std::memory_order_relaxed);
  }
  return reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(g_fix_co_filename_original))(self, args,
                                                                                                      nargs);
}

void wrap_fix_co_filename() {
  PyModuleDef* definition = builtin_module_definition("_imp");
  if (definition == nullptr || definition->m_methods == nullptr) return;
  for (PyMethodDef* entry = definition->m_methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, "_fix_co_filename") == 0 && entry->ml_flags == METH_FASTCALL) {
      patch(entry, g_fix_co_filename_original,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fix_co_filename_noting_renames)));
    }
  }
}

// The compile() call running on this thread; `given` until its event
// takes it.
struct CompileScopeState {
  CompileCall call;
  bool known = false;
  // The source is an exact str, bytes or bytearray: reading it ran no
  // Python code (an object posing as an AST can, through __class__).
  bool text_source = false;
  bool given = false;
};
thread_local CompileScopeState t_compile;

class CompileScope {
 public:
  explicit CompileScope(const CompileScopeState& state) : outer_(std::exchange(t_compile, state)) {}
  ~CompileScope() { t_compile = outer_; }
  CompileScope(const CompileScope&) = delete;
  CompileScope& operator=(const CompileScope&) = delete;

 private:
  CompileScopeState outer_;
};

bool exact_int(PyObject* value) { return PyLong_CheckExact(value) || PyBool_Check(value); }

// compile(source, filename, mode, flags=0, dont_inherit=False,
// optimize=-1, *, _feature_version=-1), as every CPython from 3.8 spells
// it. `filename` keeps a decoded bytes name alive for the call.
CompileScopeState describe_compile_call(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, PyRef& filename) {
  static constexpr const char* kNames[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize",
                                           "_feature_version"};
  PyObject* given[std::size(kNames)] = {};
  Py_ssize_t positional = PyVectorcall_NARGS(nargs);
  if (positional > 6) return {};
  for (Py_ssize_t i = 0; i < positional; ++i) given[i] = args[i];
  Py_ssize_t keywords = kwnames != nullptr && PyTuple_Check(kwnames) ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < keywords; ++k) {
    std::string_view name = exact_text(PyTuple_GET_ITEM(kwnames, k));
    std::size_t slot = std::size(kNames);
    for (std::size_t i = 0; i < std::size(kNames); ++i) {
      if (name == kNames[i]) slot = i;
    }
    if (slot == std::size(kNames) || given[slot] != nullptr) return {};
    given[slot] = args[positional + k];
  }
  PyObject* source = given[0];
  PyObject* name = given[1];
  if (source == nullptr || name == nullptr || given[2] == nullptr || !PyUnicode_CheckExact(given[2])) return {};
  for (std::size_t i = 3; i < std::size(kNames); ++i) {
    if (given[i] != nullptr && !exact_int(given[i])) return {};
  }
  CompileScopeState state;
  if (PyUnicode_CheckExact(name)) {
    state.call.filename = name;
  } else if (PyBytes_CheckExact(name)) {
    // As the file system's encoding on Linux decodes it (UTF-8 mode),
    // without a codec lookup, which can reach search functions written in
    // Python.
    filename = PyRef::steal(PyUnicode_DecodeUTF8(PyBytes_AS_STRING(name), PyBytes_GET_SIZE(name), "surrogateescape"));
    if (!filename) {
      PyErr_Clear();
      return {};
    }
    state.call.filename = filename.get();
  } else {
    return {};  // a path-like object: its __fspath__ is Python code
  }
  long flags = 0;
  if (given[3] != nullptr) {
    int overflow = 0;
    flags = PyLong_AsLongAndOverflow(given[3], &overflow);
    if (overflow != 0 || (flags == -1 && PyErr_Occurred())) {
      PyErr_Clear();
      return {};
    }
  }
  state.call.source = source;
  // compile() reads a str or bytes subclass's own storage, as it reads the
  // exact types' (ansible-core 2.19 parses tagged str subclasses); another
  // buffer could run Python code to produce its bytes.
  state.text_source = PyUnicode_Check(source) || PyBytes_Check(source) || PyByteArray_CheckExact(source);
  state.call.parse_only = (flags & PyCF_ONLY_AST) != 0;
  state.known = true;
  return state;
}

PyObject* compile_noting_its_call(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyRef filename;
  CompileScope scope(describe_compile_call(args, nargs, kwnames, filename));
  return reinterpret_cast<_PyCFunctionFastWithKeywords>(reinterpret_cast<void (*)()>(g_compile_original))(
      self, args, nargs, kwnames);
}

// builtins.compile's entry in the builtins module's static table, found
// through the function object the interpreter's builtins hold.
bool wrap_compile() {
  PyObject* builtins = PyEval_GetBuiltins();
  if (builtins == nullptr || !PyDict_CheckExact(builtins)) {
    PyErr_Clear();
    return false;
  }
  PyObject* compile = PyDict_GetItemString(builtins, "compile");
  if (compile == nullptr || !Py_IS_TYPE(compile, &PyCFunction_Type)) return false;
  PyMethodDef* entry = reinterpret_cast<PyCFunctionObject*>(compile)->m_ml;
  if (std::strcmp(entry->ml_name, "compile") != 0 || entry->ml_flags != (METH_FASTCALL | METH_KEYWORDS)) return false;
  patch(entry, g_compile_original,
        reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(compile_noting_its_call)));
  return true;
}

// fork_exec(process_args, executable_list, close_fds, fds_to_keep, cwd,
// env_list, ...) in 3.8–3.14: notes the child's standard streams and,
// before 3.14 (which raises it natively), raises the event.
int audit_fork_exec(PyObject* const* args, Py_ssize_t nargs) {
  if (nargs < 6) return 0;  // the original reports the malformed call
  if (nargs >= 12) {
    // p2cread, c2pwrite and errwrite become the child's 0, 1 and 2; -1
    // leaves it this process's own.
    t_child_stdio.fds[0] = exact_descriptor(args[6], ChildStdio::kInherited);
    t_child_stdio.fds[1] = exact_descriptor(args[9], ChildStdio::kInherited);
    t_child_stdio.fds[2] = exact_descriptor(args[11], ChildStdio::kInherited);
  }
#if PY_VERSION_HEX >= 0x030E0000
  return 0;
#else
  HookWitness witness;
  if (PySys_Audit("_posixsubprocess.fork_exec", "OOO", args[1], args[0], args[5]) < 0) return -1;
  if (!witness.missed()) return 0;
  PyObject* const event_args[] = {args[1], args[0], args[5]};
  PyRef recorded = PyRef::steal(record_missed_event("_posixsubprocess.fork_exec", event_args, 3, "the fork_exec wrapper"));
  return recorded ? 0 : -1;
#endif
}

PyObject* fork_exec_audited_varargs(PyObject* module, PyObject* args) {
  ChildStdioScope scope({});
  if (PyTuple_Check(args) && audit_fork_exec(&PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args)) < 0) return nullptr;
  return g_fork_exec_original(module, args);
}

PyObject* fork_exec_audited_fastcall(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  ChildStdioScope scope({});
  if (audit_fork_exec(args, nargs) < 0) return nullptr;
  return reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(g_fork_exec_original))(module, args,
                                                                                                 nargs);
}

void wrap_fork_exec() {
  PyModuleDef* definition = builtin_module_definition("_posixsubprocess");
  // Not built in (a shared _posixsubprocess): nothing to patch before it
  // loads. Debian's python3.11 builds it in.
  if (definition == nullptr || definition->m_methods == nullptr) return;
  for (PyMethodDef* entry = definition->m_methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, "fork_exec") != 0) continue;
    if (entry->ml_flags == METH_VARARGS) {
      patch(entry, g_fork_exec_original, fork_exec_audited_varargs);
    } else if (entry->ml_flags == METH_FASTCALL) {
      patch(entry, g_fork_exec_original,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(fork_exec_audited_fastcall)));
    }
    return;
  }
}

// The keyword argument `name` of a vectorcall, or null.
PyObject* keyword_argument(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames, const char* name) {
  if (kwnames == nullptr || !PyTuple_Check(kwnames)) return nullptr;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); ++i) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, i);
    if (PyUnicode_Check(key) && PyUnicode_CompareWithASCIIString(key, name) == 0) return args[nargs + i];
  }
  return nullptr;
}

// os.open's dir_fd, which its `open` event leaves out. Keyword-only. An
// int is read from its storage.
OpenDirectory dir_fd_argument(PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  OpenDirectory directory;
  PyObject* path = nargs > 0 ? args[0] : keyword_argument(args, nargs, kwnames, "path");
  if (path != nullptr && (PyUnicode_Check(path) || PyBytes_Check(path))) directory.path = path;
  PyObject* value = keyword_argument(args, nargs, kwnames, "dir_fd");
  if (value == nullptr || value == Py_None) return directory;
  int overflow = 0;
  long fd = PyLong_Check(value) ? PyLong_AsLongAndOverflow(value, &overflow) : -1;
  if (overflow == 0 && fd >= 0 && fd <= INT32_MAX) directory.fd = static_cast<int>(fd);
  return directory;
}

// Keeps dir_fd for the duration of the call. Converting the arguments can
// run Python code (__fspath__, __index__) that opens other files first;
// the hook tells the call's own event by its path object where it can.
PyObject* os_open_noting_dir_fd(PyObject* module, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  OpenDirectory outer = std::exchange(t_open_directory, dir_fd_argument(args, nargs, kwnames));
  PyObject* result = reinterpret_cast<_PyCFunctionFastWithKeywords>(reinterpret_cast<void (*)()>(g_os_open_original))(
      module, args, nargs, kwnames);
  t_open_directory = outer;
  return result;
}

// posix_spawn's file_actions: (POSIX_SPAWN_OPEN, fd, path, flags, mode),
// (POSIX_SPAWN_CLOSE, fd), (POSIX_SPAWN_DUP2, fd, new_fd), applied in order
// in the child. Only exact tuples in an exact list or tuple are read.
ChildStdio spawn_file_actions_stdio(PyObject* actions) {
  ChildStdio stdio;
  if (actions == nullptr || (!PyList_CheckExact(actions) && !PyTuple_CheckExact(actions))) return stdio;
  bool list = PyList_CheckExact(actions);
  Py_ssize_t count = list ? PyList_GET_SIZE(actions) : PyTuple_GET_SIZE(actions);
  int current[3] = {0, 1, 2};  // what each stream is: a descriptor of this process, or kNotSocket
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* action = list ? PyList_GET_ITEM(actions, i) : PyTuple_GET_ITEM(actions, i);
    if (!PyTuple_CheckExact(action) || PyTuple_GET_SIZE(action) < 2) continue;
    int tag = exact_descriptor(PyTuple_GET_ITEM(action, 0), -1);
    int fd = exact_descriptor(PyTuple_GET_ITEM(action, 1), -1);
    if (tag == 2 && PyTuple_GET_SIZE(action) >= 3) {  // dup2(fd, new_fd)
      int target = exact_descriptor(PyTuple_GET_ITEM(action, 2), -1);
      if (target >= 0 && target <= 2) current[target] = fd >= 0 && fd <= 2 ? current[fd] : fd;
    } else if (tag == 0 && fd >= 0 && fd <= 2) {  // open onto a standard stream
      current[fd] = ChildStdio::kNotSocket;
    }
  }
  for (int stream = 0; stream < 3; ++stream) stdio.fds[stream] = current[stream] == stream ? ChildStdio::kInherited : current[stream];
  return stdio;
}

template <PyCFunction* Original>
PyObject* posix_spawn_noting_stdio(PyObject* module, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  ChildStdioScope scope(spawn_file_actions_stdio(keyword_argument(args, nargs, kwnames, "file_actions")));
  return reinterpret_cast<_PyCFunctionFastWithKeywords>(reinterpret_cast<void (*)()>(*Original))(module, args, nargs,
                                                                                                   kwnames);
}

void wrap_posix_spawn() {
  PyModuleDef* definition = builtin_module_definition("posix");
  if (definition == nullptr || definition->m_methods == nullptr) return;
  for (PyMethodDef* entry = definition->m_methods; entry->ml_name != nullptr; ++entry) {
    if (entry->ml_flags != (METH_FASTCALL | METH_KEYWORDS)) continue;
    if (std::strcmp(entry->ml_name, "posix_spawn") == 0) {
      patch(entry, g_posix_spawn_original,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(posix_spawn_noting_stdio<&g_posix_spawn_original>)));
    } else if (std::strcmp(entry->ml_name, "posix_spawnp") == 0) {
      patch(entry, g_posix_spawnp_original,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(posix_spawn_noting_stdio<&g_posix_spawnp_original>)));
    }
  }
}

void wrap_os_open() {
  PyModuleDef* definition = builtin_module_definition("posix");
  if (definition == nullptr || definition->m_methods == nullptr) return;
  for (PyMethodDef* entry = definition->m_methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, "open") != 0) continue;
    if (entry->ml_flags == (METH_FASTCALL | METH_KEYWORDS)) {
      patch(entry, g_os_open_original,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(os_open_noting_dir_fd)));
    }
    return;
  }
}

// Calls that CPython 3.11-3.14 make without any event although they take
// the log's path, or the system's files, out of the process's sight
// (chroot), make special files a log path can be pointed at (mknod,
// mkfifo), change whose files the process may open (the uid family) or
// signal another process through a descriptor (pidfd_send_signal). Each
// raises an event of the function's own name whose arguments are the ones
// the event catalogue names, keyword arguments in their places and absent
// ones None.
struct UnauditedCall {
  const char* module;
  const char* function;
  const char* event;
  PyCFunction original = nullptr;
};

UnauditedCall g_unaudited_calls[] = {
    {"posix", "chroot", "os.chroot"},
    {"posix", "mknod", "os.mknod"},
    {"posix", "mkfifo", "os.mkfifo"},
    {"posix", "setuid", "os.setuid"},
    {"posix", "seteuid", "os.seteuid"},
    {"posix", "setreuid", "os.setreuid"},
    {"posix", "setresuid", "os.setresuid"},
    {"_signal", "pidfd_send_signal", "signal.pidfd_send_signal"},
};

// Raises the call's event; -1 (with the hook's exception set) when a hook
// refuses it, and the call is not made.
int audit_unaudited_call(const UnauditedCall& call, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const EventSignature* signature = find_event_signature(call.event);
  if (signature == nullptr) return 0;
  auto count = static_cast<Py_ssize_t>(signature->fields.size());
  PyObject* event_args = PyTuple_New(count);
  if (event_args == nullptr) return -1;
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject* value = i < nargs ? args[i] : nullptr;
    if (value == nullptr) value = keyword_argument(args, nargs, kwnames, std::string(signature->fields[i]).c_str());
    PyTuple_SET_ITEM(event_args, i, Py_NewRef(value != nullptr ? value : Py_None));
  }
  PyRef arguments = PyRef::steal(event_args);
  HookWitness witness;
  // "O" of a tuple passes the tuple itself as the event's arguments.
  if (PySys_Audit(call.event, "O", event_args) < 0) return -1;
  if (!witness.missed()) return 0;
  return HookWitness::record_missed(call.event, event_args, "the wrapper of a call CPython does not audit") < 0 ? -1 : 0;
}

template <std::size_t Index>
PyObject* unaudited_call_o(PyObject* module, PyObject* arg) {
  const UnauditedCall& call = g_unaudited_calls[Index];
  if (audit_unaudited_call(call, &arg, 1, nullptr) < 0) return nullptr;
  return call.original(module, arg);
}

template <std::size_t Index>
PyObject* unaudited_call_fast(PyObject* module, PyObject* const* args, Py_ssize_t nargs) {
  const UnauditedCall& call = g_unaudited_calls[Index];
  if (audit_unaudited_call(call, args, nargs, nullptr) < 0) return nullptr;
  return reinterpret_cast<_PyCFunctionFast>(reinterpret_cast<void (*)()>(call.original))(module, args, nargs);
}

template <std::size_t Index>
PyObject* unaudited_call_fast_keywords(PyObject* module, PyObject* const* args, Py_ssize_t nargs,
                                       PyObject* kwnames) {
  const UnauditedCall& call = g_unaudited_calls[Index];
  if (audit_unaudited_call(call, args, PyVectorcall_NARGS(nargs), kwnames) < 0) return nullptr;
  return reinterpret_cast<_PyCFunctionFastWithKeywords>(reinterpret_cast<void (*)()>(call.original))(
      module, args, nargs, kwnames);
}

template <std::size_t Index>
void wrap_unaudited_call(PyMethodDef* methods) {
  UnauditedCall& call = g_unaudited_calls[Index];
  for (PyMethodDef* entry = methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, call.function) != 0) continue;
    // Only the calling conventions Argument Clinic gives these functions;
    // another would be a CPython this code was not written for.
    PyCFunction replacement = nullptr;
    if (entry->ml_flags == METH_O) {
      replacement = unaudited_call_o<Index>;
    } else if (entry->ml_flags == METH_FASTCALL) {
      replacement = reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(unaudited_call_fast<Index>));
    } else if (entry->ml_flags == (METH_FASTCALL | METH_KEYWORDS)) {
      replacement =
          reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(unaudited_call_fast_keywords<Index>));
    }
    if (replacement != nullptr) patch(entry, call.original, replacement);
    return;
  }
}

template <std::size_t... Index>
void wrap_unaudited_calls(std::index_sequence<Index...>) {
  (
      [] {
        PyModuleDef* definition = builtin_module_definition(g_unaudited_calls[Index].module);
        if (definition != nullptr && definition->m_methods != nullptr) wrap_unaudited_call<Index>(definition->m_methods);
      }(),
      ...);
}

// marshal.loads, noting a call on the bytes of the code file just read
// (UnmarshalOfCodeFile): 3.11 passes its one argument alone, 3.13 and 3.14
// add the keyword allow_code.
PyCFunction g_marshal_loads = nullptr;

PyObject* marshal_loads_o(PyObject* module, PyObject* argument) {
  UnmarshalOfCodeFile noted(argument);
  return g_marshal_loads(module, argument);
}

PyObject* marshal_loads_fast_keywords(PyObject* module, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  UnmarshalOfCodeFile noted(PyVectorcall_NARGS(nargs) > 0 ? args[0] : nullptr);
  return reinterpret_cast<_PyCFunctionFastWithKeywords>(reinterpret_cast<void (*)()>(g_marshal_loads))(
      module, args, nargs, kwnames);
}

void wrap_marshal_loads() {
  PyModuleDef* definition = builtin_module_definition("marshal");
  if (definition == nullptr || definition->m_methods == nullptr) return;
  for (PyMethodDef* entry = definition->m_methods; entry->ml_name != nullptr; ++entry) {
    if (std::strcmp(entry->ml_name, "loads") != 0) continue;
    // Another calling convention would be a CPython this was not written
    // for: its events are compared byte for byte, as before.
    if (entry->ml_flags == METH_O) {
      patch(entry, g_marshal_loads, marshal_loads_o);
    } else if (entry->ml_flags == (METH_FASTCALL | METH_KEYWORDS)) {
      patch(entry, g_marshal_loads,
            reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(marshal_loads_fast_keywords)));
    }
    return;
  }
}

// The definition of `name` that Vigil's own shadows: the first loaded
// library, other than the executable, that defines it and is not Vigil's.
void* next_definition(const char* name, void* ours) {
  struct Search {
    const char* name;
    void* ours;
    void* found;
  } search{name, ours, nullptr};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto& wanted = *static_cast<Search*>(data);
        if (info->dlpi_name == nullptr || info->dlpi_name[0] == '\0') return 0;
        void* handle = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
        if (handle == nullptr) return 0;
        void* symbol = dlsym(handle, wanted.name);
        dlclose(handle);
        if (symbol == nullptr || symbol == wanted.ours) return 0;
        wanted.found = symbol;
        return 1;
      },
      &search);
  return search.found;
}

bool same_object(const void* a, const void* b) {
  Dl_info first{};
  Dl_info second{};
  return dladdr(a, &first) != 0 && dladdr(b, &second) != 0 && first.dli_fbase == second.dli_fbase;
}

// readline's file functions return 0 or an errno value. Python's readline
// module calls them holding the GIL; readline's own calls (the init file
// read at initialisation, key bindings typed at the prompt) are its
// business and pass unaudited.
int audit_readline_file(const char* path, char mode, const void* caller, const void* real) {
  if (real == nullptr) return ENOSYS;
  if (same_object(caller, real) || !Py_IsInitialized() || !PyGILState_Check()) return 0;
  PyObject* name = path != nullptr ? PyUnicode_DecodeFSDefault(path) : Py_NewRef(Py_None);
  if (name == nullptr) {
    PyErr_Clear();
    name = Py_NewRef(Py_None);
  }
  HookWitness witness;
  int result = PySys_Audit("open", "OCi", name, static_cast<int>(mode), 0);
  if (result == 0 && witness.missed()) {
    PyRef mode_text = PyRef::steal(PyUnicode_FromOrdinal(mode));
    PyRef flags = PyRef::steal(PyLong_FromLong(0));
    PyObject* const event_args[] = {name, mode_text.get(), flags.get()};
    PyRef recorded = mode_text && flags ? PyRef::steal(record_missed_event("open", event_args, 3, "the readline wrapper")) : PyRef();
    if (!recorded) result = -1;
  }
  Py_DECREF(name);
  if (result == 0) return 0;
  // The module turns the errno into PermissionError.
  PyErr_Clear();
  return EACCES;
}

// libreadline's definition of the function the executable interposes.
template <typename Function>
Function next_definition_of(const char* name, Function ours) {
  return reinterpret_cast<Function>(next_definition(name, reinterpret_cast<void*>(ours)));
}

// `caller` is the interposer's return address, taken in the interposer.
template <typename Function, typename... Args>
int audited_call(Function real, const char* path, char mode, const void* caller, Args... args) {
  if (int refused = audit_readline_file(path, mode, caller, reinterpret_cast<void*>(real))) return refused;
  return real(args...);
}

}  // namespace

PyModuleDef* builtin_module_definition(const char* name) {
  for (const _inittab* entry = PyImport_Inittab; entry->name != nullptr; ++entry) {
    if (std::strcmp(entry->name, name) != 0) continue;
    PyObject* result = entry->initfunc();
    if (result == nullptr) {
      PyErr_Clear();
      return nullptr;
    }
    if (PyObject_TypeCheck(result, &PyModuleDef_Type)) return reinterpret_cast<PyModuleDef*>(result);
    // Single-phase init made the module; its definition is the same.
    PyModuleDef* definition = PyModule_Check(result) ? PyModule_GetDef(result) : nullptr;
    Py_DECREF(result);
    return definition;
  }
  return nullptr;
}

void install_audited_wrappers() {
  wrap_sys_audit();
  wrap_fix_co_filename();
  wrap_fork_exec();
  wrap_unaudited_calls(std::make_index_sequence<std::size(g_unaudited_calls)>());
  wrap_os_open();
  wrap_posix_spawn();
  wrap_marshal_loads();
}

void wrap_compile_once_builtins_exist() {
  static bool wrapped = false;
  if (!wrapped) wrapped = wrap_compile();
}

std::optional<CompileCall> take_compile_call(PyObject* event_source) {
  CompileScopeState& state = t_compile;
  if (!state.known || state.given) return std::nullopt;
  bool text = event_source != nullptr && PyBytes_CheckExact(event_source);
  if (text ? !state.text_source : event_source != state.call.source) return std::nullopt;
  state.given = true;
  return state.call;
}

OpenDirectory current_open_directory() { return t_open_directory; }

ChildStdio current_child_stdio() { return t_child_stdio; }

int exact_descriptor(PyObject* value, int fallback) {
  if (value == nullptr || !PyLong_CheckExact(value)) return fallback;
  int overflow = 0;
  long fd = PyLong_AsLongAndOverflow(value, &overflow);
  if (overflow != 0 || fd < -1 || fd > INT32_MAX) return fallback;
  return static_cast<int>(fd);
}

void note_code_naming(std::string_view event, PyObject* args) {
  if (g_stdlib_raising_file_name_taken.load(std::memory_order_relaxed)) return;
  if (args == nullptr || !PyTuple_Check(args)) return;
  Py_ssize_t size = PyTuple_GET_SIZE(args);
  bool taken = false;
  if (event == "marshal.loads") {
    PyObject* bytes = size > 0 ? PyTuple_GET_ITEM(args, 0) : nullptr;
    taken = bytes == nullptr || !PyBytes_Check(bytes) ||
            marshalled_bytes_take_stdlib_raising_file_name(compat::bytes_view(bytes));
  } else if (event == "marshal.load") {
    taken = true;  // bytes the event does not show
  } else if (event == "code.__new__") {
    taken = size > 1 && names_stdlib_raising_file(PyTuple_GET_ITEM(args, 1));
  } else if (event == "compile") {
    // The import system compiles a file it read through the open-code hook
    // (no cached bytecode) from exactly its bytes, under its own name.
    PyObject* filename = size > 1 ? PyTuple_GET_ITEM(args, 1) : nullptr;
    if (filename != nullptr && names_stdlib_raising_file(filename)) {
      PyObject* source = PyTuple_GET_ITEM(args, 0);
      CodeFileSlice read;
      if (source != nullptr && PyBytes_Check(source)) read = find_in_recent_code_file(compat::bytes_view(source));
      taken = read.path == nullptr || read.offset != 0 || *read.path != exact_text(filename);
    }
  }
  if (taken) g_stdlib_raising_file_name_taken.store(true, std::memory_order_relaxed);
}

bool take_raised_by_sys_audit() {
  bool raised = t_raised_by_sys_audit;
  t_raised_by_sys_audit = false;
  return raised;
}

}  // namespace vigil

// readline's functions, interposed: vigil-python's runtime library exports
// these and comes first among the executable's libraries, so the dynamic
// linker binds Python's readline module to them before libreadline's.
#if PY_VERSION_HEX < 0x030E0000
extern "C" {

int read_history(const char* filename) {
  static auto real = vigil::next_definition_of("read_history", &read_history);
  return vigil::audited_call(real, filename, 'r', __builtin_return_address(0), filename);
}

int write_history(const char* filename) {
  static auto real = vigil::next_definition_of("write_history", &write_history);
  return vigil::audited_call(real, filename, 'w', __builtin_return_address(0), filename);
}

int append_history(int count, const char* filename) {
  static auto real = vigil::next_definition_of("append_history", &append_history);
  return vigil::audited_call(real, filename, 'a', __builtin_return_address(0), count, filename);
}

int rl_read_init_file(const char* filename) {
  static auto real = vigil::next_definition_of("rl_read_init_file", &rl_read_init_file);
  return vigil::audited_call(real, filename, 'r', __builtin_return_address(0), filename);
}

}  // extern "C"
#endif
