#include "exec_securebits.h"

#include "file_trust.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/prctl.h>

// Debian 12's headers predate Linux 6.14 (include/uapi/linux/securebits.h).
#ifndef SECBIT_EXEC_RESTRICT_FILE
#define SECBIT_EXEC_RESTRICT_FILE (1U << 8)
#define SECBIT_EXEC_RESTRICT_FILE_LOCKED (1U << 9)
#define SECBIT_EXEC_DENY_INTERACTIVE (1U << 10)
#define SECBIT_EXEC_DENY_INTERACTIVE_LOCKED (1U << 11)
#endif

namespace vigil {

std::vector<std::string> ExecSecurebits::names() const {
  std::vector<std::string> set;
  if (restrict_file) set.emplace_back(kRestrictFileBit);
  if (restrict_file_locked) set.emplace_back("SECBIT_EXEC_RESTRICT_FILE_LOCKED");
  if (deny_interactive) set.emplace_back(kDenyInteractiveBit);
  if (deny_interactive_locked) set.emplace_back("SECBIT_EXEC_DENY_INTERACTIVE_LOCKED");
  return set;
}

std::vector<std::string> ExecSecurebits::honoured_names() const {
  std::vector<std::string> set;
  if (restrict_file) set.emplace_back(kRestrictFileBit);
  if (deny_interactive) set.emplace_back(kDenyInteractiveBit);
  return set;
}

unsigned ExecSecurebits::mask() const {
  return (restrict_file ? SECBIT_EXEC_RESTRICT_FILE : 0U) |
         (restrict_file_locked ? SECBIT_EXEC_RESTRICT_FILE_LOCKED : 0U) |
         (deny_interactive ? SECBIT_EXEC_DENY_INTERACTIVE : 0U) |
         (deny_interactive_locked ? SECBIT_EXEC_DENY_INTERACTIVE_LOCKED : 0U);
}

ExecSecurebits ExecSecurebits::from_mask(unsigned securebits) {
  ExecSecurebits bits;
  bits.restrict_file = (securebits & SECBIT_EXEC_RESTRICT_FILE) != 0;
  bits.restrict_file_locked = (securebits & SECBIT_EXEC_RESTRICT_FILE_LOCKED) != 0;
  bits.deny_interactive = (securebits & SECBIT_EXEC_DENY_INTERACTIVE) != 0;
  bits.deny_interactive_locked = (securebits & SECBIT_EXEC_DENY_INTERACTIVE_LOCKED) != 0;
  return bits;
}

std::optional<ExecSecurebits> parse_exec_securebits(std::string_view words, std::string& error) {
  ExecSecurebits bits;
  bool locked = false;
  while (!words.empty()) {
    std::string_view word = words.substr(0, words.find(','));
    words.remove_prefix(std::min(words.size(), word.size() + 1));
    if (word == "file") {
      bits.restrict_file = true;
    } else if (word == "interactive") {
      bits.deny_interactive = true;
    } else if (word == "locked") {
      locked = true;
    } else {
      error = "--secure-exec takes file, interactive and locked, not '" + std::string(word) + "'";
      return std::nullopt;
    }
  }
  if (!bits.restrict_file && !bits.deny_interactive) bits.restrict_file = bits.deny_interactive = true;
  bits.restrict_file_locked = locked && bits.restrict_file;
  bits.deny_interactive_locked = locked && bits.deny_interactive;
  return bits;
}

bool read_exec_securebits(ExecSecurebits& bits, std::string& error) {
  int securebits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
  if (securebits < 0) {
    error = std::string("prctl(PR_GET_SECUREBITS) failed: ") + std::strerror(errno);
    return false;
  }
  bits = ExecSecurebits::from_mask(static_cast<unsigned>(securebits));
  return true;
}

bool add_exec_securebits(const ExecSecurebits& wanted, std::string& error) {
  int current = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
  if (current < 0) {
    error = std::string("prctl(PR_GET_SECUREBITS) failed: ") + std::strerror(errno);
    return false;
  }
  unsigned target = static_cast<unsigned>(current) | wanted.mask();
  if (target == static_cast<unsigned>(current)) return true;
  if (prctl(PR_SET_SECUREBITS, static_cast<unsigned long>(target), 0, 0, 0) != 0) {
    error = std::string("prctl(PR_SET_SECUREBITS) failed: ") + std::strerror(errno);
    if (!kernel_supports_execution_check()) {
      error += " (the exec securebits need Linux 6.14 or later)";
    } else if (errno == EPERM) {
      error += " (a lock keeps one of them unset, or a security module refuses)";
    }
    return false;
  }
  return true;
}

}  // namespace vigil
