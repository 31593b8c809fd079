#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct RunOptions {
  std::optional<std::string> policy;
  std::optional<std::string> log;
  std::vector<std::string> python_args;
};

// Replaces this process with vigil-python under the chosen log and policy.
// Returns only on failure, with the exit status to use.
int run_command(const RunOptions& options);

}  // namespace vigil
