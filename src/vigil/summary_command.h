#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct SummaryOptions {
  std::vector<std::string> logs;
  std::optional<long> root_pid;
};

// Prints a readable account of what the logs recorded: processes, what they
// ran, notable activity, and whether every process's sequence is whole.
int summary_command(const SummaryOptions& options);

}  // namespace vigil
