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

// Under SECBIT_EXEC_DENY_INTERACTIVE, before the interpreter starts: -c,
// the REPL, -i and PYTHONINSPECT are refused, and so is standard input
// unless the kernel would execute the file it is (a pipe or a terminal it
// never would). Writes the alert; returns the reason to refuse, or "".
std::string refuse_interactive_input(const EntryPoint& entry, Recorder& recorder, std::uint64_t start_seq);

// After initialisation, under SECBIT_EXEC_DENY_INTERACTIVE: PYTHONINSPECT
// set while the program runs would open the REPL when it ends.
void keep_interactive_input_closed();

}  // namespace vigil
