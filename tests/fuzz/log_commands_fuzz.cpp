// The commands that read logs, run whole on the input as a log file:
// `vigil summary`, `vigil log verify` (with a key), `vigil log` (readable
// and JSON, with filters and --tail) and `vigil report`. A logged program
// can write any line into its log; none may crash these.
#include "fuzz_support.h"

#include "log_query_command.h"
#include "log_verify_command.h"
#include "report_command.h"
#include "summary_command.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  static fuzz::QuietOutput quiet;
  static fuzz::InputFile log(".log");
  static fuzz::InputFile key(".key");
  static const std::string& key_path = key.write("fuzz key");
  const std::string& path = log.write(std::string_view(reinterpret_cast<const char*>(data), size));

  quiet.run([&] { return summary_command(SummaryOptions{.logs = {path}, .root_pid = {}}); });
  quiet.run([&] { return summary_command(SummaryOptions{.logs = {path}, .root_pid = 1}); });
  quiet.run([&] { return log_verify_command(LogVerifyOptions{.logs = {path, path}, .key = key_path}); });
  quiet.run([&] { return log_query_command(LogQueryOptions{.logs = {path}, .colour = "never"}); });
  quiet.run([&] {
    return log_query_command(LogQueryOptions{.logs = {path},
                                             .kinds = {"alert", "start"},
                                             .severity = "low",
                                             .trees = {1},
                                             .since = "2026-11-22",
                                             .args = {"path=*"},
                                             .json = true,
                                             .tail = 3});
  });
  quiet.run([&] {
    return report_command(ReportOptions{.logs = {path}, .output = "-", .title = "fuzz", .trees = {}, .since = "1d"});
  });
  return 0;
}
