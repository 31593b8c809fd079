// SECBIT_EXEC_RESTRICT_FILE and SECBIT_EXEC_DENY_INTERACTIVE (exec_securebits.h)
// honoured whatever the policy says, in audit mode too: the administrator
// who set them asked every script interpreter of the process tree to run
// only what the kernel would execute (docs/trust.md#the-kernels-securebits).
#pragma once

#include "exec_securebits.h"
#include "file_trust.h"
#include "policy.h"
#include "python_compat.h"
#include "recorder.h"
#include "start_info.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// The bits this process carries, read once before anything runs. False,
// with `refusal`, when they cannot be read on a kernel that has them: a
// filter that hides them must not switch them off.
bool read_kernel_exec_restrictions(SecurebitsFound& found, std::string& refusal);
const ExecSecurebits& kernel_exec_restrictions();

// The rules of their alerts. Their action is deny and they are enforced
// in every mode.
const Rule& exec_restrict_file_rule();
const Rule& exec_deny_interactive_rule();
bool is_kernel_rule(const Rule& rule);

// The kernel's answer for one code file under SECBIT_EXEC_RESTRICT_FILE:
// AT_EXECVE_CHECK on the descriptor it was read from.
struct ExecCheck {
  std::string path;  // as Python named it
  KernelAnswer answer = KernelAnswer::not_asked;
  int error = 0;
  // Why the kernel could not be asked (a library named without a path).
  std::string problem;
  bool refused() const { return answer != KernelAnswer::allowed; }
  // "Permission denied" and the like, for messages.
  std::string reason() const;
};
// `trust` is the verifier's check of the same descriptor, whose kernel
// answer is reused when it asked.
ExecCheck check_code_file_execution(int fd, std::string path, const FileTrust* trust);
// The same for the native library an event loads (extension modules,
// ctypes.dlopen, sqlite3.load_extension); nullopt for other events.
std::optional<ExecCheck> check_native_execution(std::string_view event, PyObject* args,
                                                const std::optional<FileTrust>& trust);

// The `exec_check` member of a code file's `open` record.
void append_exec_check_member(JsonText& json, const ExecCheck& check);

// The directories where the interpreter will look for the standard
// library's `encodings` first: PYTHONPATH's, then the standard library
// under PYTHONHOME or where the embedded release keeps it; the variables
// count when `use_environment` (no -E or -I). From 3.11 PyConfig_Read
// leaves the search path, and PYTHONHOME, to initialisation.
std::vector<std::string> standard_library_search(bool use_environment);

// Before the interpreter starts, what the bits forbid outright. Under
// SECBIT_EXEC_DENY_INTERACTIVE: -c, the REPL, -i and PYTHONINSPECT, and
// standard input unless the kernel would execute the file it is (a pipe
// or a terminal it never would). Under SECBIT_EXEC_RESTRICT_FILE: a
// standard library the kernel would not execute (the first directory of
// `search_paths` that holds encodings/__init__.py), which would otherwise
// end in CPython's fatal error at start-up. Writes the alert; returns the
// reason to refuse, or "".
std::string refuse_start_under_securebits(const EntryPoint& entry, const std::vector<std::string>& search_paths,
                                          Recorder& recorder, std::uint64_t start_seq);

// After initialisation, under SECBIT_EXEC_DENY_INTERACTIVE: PYTHONINSPECT
// set while the program runs would open the REPL when it ends.
void keep_interactive_input_closed();

}  // namespace vigil
