// Closes audit gaps of CPython up to 3.13 from C (shared/reference A9, A10,
// A14):
//   - _posixsubprocess.fork_exec starts processes without an event; it now
//     raises 3.14's `_posixsubprocess.fork_exec` (executable_list, args, env);
//   - readline's history and init-file functions read and write files
//     without an event; they now raise 3.14's `open` (path, mode, 0);
//   - an event raised by Python code through sys.audit looks like one the
//     runtime raised; the hook can now tell, and marks it as forgeable,
//     except where the standard library's own code raises what the runtime
//     raised from C before (3.13's REPL: stdlib_raises_from_python);
//   - os.chroot, os.mknod, os.mkfifo, the os.set*uid family and
//     signal.pidfd_send_signal raise no event in any CPython; they now raise
//     one of their own name (`os.chroot`…), as CPython names its events;
//   - os.open's `open` event leaves out dir_fd; the wrapper notes it, so
//     the hook resolves what a relative path refers to;
//   - compile()'s event for an AST passes None as the file name, and no
//     event tells a parse (ast.parse) from a compile; builtins.compile's
//     wrapper notes its call's file name and flags for the hook.
//   - marshal.loads's event carries a copy of its argument; its wrapper
//     notes a call on the code file just read (UnmarshalOfCodeFile,
//     code_file_memory.h), so the hook names those bytes by file without
//     comparing them.
// Each wrapper also checks that Vigil's hook received the event it raised
// (HookWitness, audit_hook.h): CPython calls them without the hook lists.
// Function objects call through their PyMethodDef entry at every call, so
// patching that entry reaches every object made from it, old or new, and no
// object visible to Python leads to the original. readline's C library
// functions are interposed instead: the executable exports its own
// definitions, which the dynamic linker binds readline's module to.
#pragma once

#include "python_compat.h"

#include <optional>
#include <string_view>

namespace vigil {

// Once, at the first audit event of the process, before any Python code
// runs.
void install_audited_wrappers();

// Whether the event now being delivered to this thread's hook was raised
// through sys.audit. Reading it clears it, so events raised while the hook
// runs (a Python hook opening a file) are not taken for it.
bool take_raised_by_sys_audit();

// Every event, before it is recorded: compile, code.__new__ and marshal
// events can make code objects that carry the name of a standard-library
// file whose events sys.audit's wrapper leaves unmarked. Once one may have
// (anything but the import system loading that file from the bytes the
// open-code hook read: a compile of other text under its name, a code
// object built under it, marshalled bytes that name it and are not its
// cached bytecode), those events are marked again for the rest of the
// process. `_imp._fix_co_filename`, which renames code objects without an
// event, is wrapped to the same end.
void note_code_naming(std::string_view event, PyObject* args);

// What the compile() call running on this thread was given, for the
// `compile` event it raises: CPython's event for an AST passes None for the
// file name, and no event says whether the call only parses (ast.parse).
// Known only when every argument is of an exact built-in type, so that
// converting them ran no Python code that could have raised another
// `compile` event first.
struct CompileCall {
  PyObject* source = nullptr;    // identity only
  PyObject* filename = nullptr;  // a str (bytes are decoded); null when neither
  bool parse_only = false;       // flags hold PyCF_ONLY_AST: no code object is made
};
// builtins.compile is wrapped once the interpreter's builtins exist; called
// at every event until then.
void wrap_compile_once_builtins_exist();
// The call's, at the first `compile` event it raises: the one with the
// call's own AST as its source, or any for text, whose event carries a copy.
// Nothing when no compile() call runs or it has already given its event.
std::optional<CompileCall> take_compile_call(PyObject* event_source);

// The directory os.open resolves a relative path in (its dir_fd). A
// dir_fd that is not an int (an object with __index__) is not read: that
// would run Python code.
struct OpenDirectory {
  int fd = -100;  // AT_FDCWD
  // The call's path argument when it is a str or bytes, which its event
  // carries as is; null for a path-like object, whose event carries what
  // its __fspath__ returned. Identity only.
  const void* path = nullptr;
};
// The dir_fd of the os.open call running on this thread, if any; the
// current directory otherwise.
OpenDirectory current_open_directory();

// The descriptors the process-starting call running on this thread gives
// its child as standard input, output and error, where the call says so
// itself: fork_exec's p2cread, c2pwrite and errwrite (subprocess's
// stdin=, stdout=, stderr=), posix_spawn's file_actions. kInherited: the
// child gets this process's own; kNotSocket: a file opened for it.
struct ChildStdio {
  static constexpr int kInherited = -1;
  static constexpr int kNotSocket = -2;
  int fds[3] = {kInherited, kInherited, kInherited};
};
ChildStdio current_child_stdio();

// A descriptor (or -1) read from an exact int's storage; `fallback` for
// anything else: an object with __index__ would run Python code, and a
// value outside -1..INT32_MAX names no descriptor.
int exact_descriptor(PyObject* value, int fallback);

// A built-in module's definition, from the built-in table, before the
// module is imported: its init function only returns the definition
// (multi-phase init), so calling it early creates nothing. Null for a
// module that is not built in.
PyModuleDef* builtin_module_definition(const char* name);

}  // namespace vigil
