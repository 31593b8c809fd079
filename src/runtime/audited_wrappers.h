// Closes audit gaps of CPython up to 3.13 from C (shared/reference A9, A10,
// A14):
//   - _posixsubprocess.fork_exec starts processes without an event; it now
//     raises 3.14's `_posixsubprocess.fork_exec` (executable_list, args, env);
//   - readline's history and init-file functions read and write files
//     without an event; they now raise 3.14's `open` (path, mode, 0);
//   - an event raised by Python code through sys.audit looks like one the
//     runtime raised; the hook can now tell, and marks it as forgeable.
// Function objects call through their PyMethodDef entry at every call, so
// patching that entry reaches every object made from it, old or new, and no
// object visible to Python leads to the original. readline's C library
// functions are interposed instead: the executable exports its own
// definitions, which the dynamic linker binds readline's module to.
#pragma once

namespace vigil {

// Once, at the first audit event of the process, before any Python code
// runs.
void install_audited_wrappers();

// Whether the event now being delivered to this thread's hook was raised
// through sys.audit. Reading it clears it, so events raised while the hook
// runs (a Python hook opening a file) are not taken for it.
bool take_raised_by_sys_audit();

// The directory os.open resolves a relative path in (its dir_fd);
// `known` is false when dir_fd was not an int.
struct OpenDirectory {
  int fd = -100;  // AT_FDCWD
  bool known = true;
};
// Once per os.open call: the first `open` event takes it.
OpenDirectory take_open_directory();

}  // namespace vigil
