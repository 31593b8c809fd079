#pragma once

#include <optional>
#include <string>
#include <vector>

namespace vigil {

struct ReportOptions {
  std::vector<std::string> logs;  // "-" is standard input
  std::string output;             // "-" is standard output
  std::string title = "Vigil incident report";
  std::vector<long long> trees;
  std::string since;
  std::string until;
};

// Writes a self-contained HTML incident report of the logs: process tree,
// alerts with the events that raised them, network, file and process
// activity, dynamic code and a timeline per process. Exit 0 when written,
// 2 when an option is wrong or a file cannot be read or written.
int report_command(const ReportOptions& options);

}  // namespace vigil
