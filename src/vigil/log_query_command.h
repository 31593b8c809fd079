#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct LogQueryOptions {
  std::vector<std::string> logs;  // "-" is standard input; read in this order
  std::vector<std::string> kinds;
  std::vector<std::string> events;
  std::string severity;
  std::vector<long long> pids;
  std::vector<long long> trees;
  std::string since;
  std::string until;
  std::vector<std::string> args;    // NAME=GLOB
  std::vector<std::string> fields;  // PATH=GLOB
  bool follow = false;
  bool json = false;
  std::optional<std::size_t> tail;
  std::string colour = "auto";
};

// Streams the records of the logs that match, one readable line each or
// their JSON lines untouched. Exit 0 when a record matched, 1 when none
// did, 2 when an option is wrong or a log cannot be read.
int log_query_command(const LogQueryOptions& options);

}  // namespace vigil
