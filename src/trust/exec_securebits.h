// The securebits Linux 6.14 gave script interpreters
// (Documentation/userspace-api/check_exec.rst): a process that carries
// SECBIT_EXEC_RESTRICT_FILE may run a file only when execveat(fd, "",
// AT_EMPTY_PATH | AT_EXECVE_CHECK) on it succeeds; one that carries
// SECBIT_EXEC_DENY_INTERACTIVE may not interpret commands given on the
// command line, a terminal or a pipe. The kernel only carries the bits
// (across fork and exec); honouring them is the interpreter's part.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct ExecSecurebits {
  bool restrict_file = false;
  bool restrict_file_locked = false;
  bool deny_interactive = false;
  bool deny_interactive_locked = false;

  // The kernel's names of the bits that are set, in bit order.
  std::vector<std::string> names() const;
  // The bits a script interpreter acts on (not the locks).
  std::vector<std::string> honoured_names() const;
  unsigned mask() const;
  static ExecSecurebits from_mask(unsigned securebits);
};

inline constexpr const char* kRestrictFileBit = "SECBIT_EXEC_RESTRICT_FILE";
inline constexpr const char* kDenyInteractiveBit = "SECBIT_EXEC_DENY_INTERACTIVE";

// `vigil run --secure-exec`'s words, comma-separated: file
// (SECBIT_EXEC_RESTRICT_FILE), interactive (SECBIT_EXEC_DENY_INTERACTIVE),
// locked (their locks); no bit named means both. nullopt, with `error`,
// for any other word.
std::optional<ExecSecurebits> parse_exec_securebits(std::string_view words, std::string& error);

// This process's bits (prctl(PR_GET_SECUREBITS)). False, with `error`,
// when the kernel does not answer: a seccomp filter can make it fail, and
// the bits cannot then be known.
bool read_exec_securebits(ExecSecurebits& bits, std::string& error);

// Adds `wanted` to this process's securebits, which its children inherit.
// Linux lets any process set these bits and their locks; with nothing to
// change, the kernel refuses a process without CAP_SETPCAP, so nothing is
// asked then.
bool add_exec_securebits(const ExecSecurebits& wanted, std::string& error);

}  // namespace vigil
