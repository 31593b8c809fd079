#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct RunOptions {
  std::optional<std::string> policy;
  std::optional<std::string> log;
  // --secure-exec: the exec securebits to set (exec_securebits.h), as
  // given: a comma-separated list of file, interactive and locked.
  std::optional<std::string> secure_exec;
  std::vector<std::string> python_args;
};

// Replaces this process with vigil-python under the chosen log and policy.
// Returns only on failure, with the exit status to use.
int run_command(const RunOptions& options);

}  // namespace vigil
