// What `vigil log` and `vigil report` take on their command lines, and
// what a policy's globs match: time bounds (--since, --until), field
// conditions (--arg, --field) and shell-style globs.
#include "fuzz_support.h"

#include "glob.h"
#include "logs/record_filter.h"
#include "logs/time_bound.h"
#include "sinks/record.h"

#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {
namespace {

constexpr std::time_t kNow = 1795305600;  // 2026-11-22T00:00:00Z

// The `ts` shape: 2026-11-22T16:04:08.000000Z.
bool is_ts(std::string_view text) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddddddZ";
  if (text.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kShape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(text[i])) : text[i] != kShape[i]) return false;
  }
  return true;
}

// `text` as a glob that matches only itself.
std::string literal_glob(std::string_view text) {
  std::string glob;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') glob += '\\';
    glob += c;
  }
  return glob;
}

}  // namespace
}  // namespace vigil

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  FuzzedDataProvider input(data, size);
  std::string first = input.ConsumeRandomLengthString(256);
  std::string second = input.ConsumeRandomLengthString(256);
  std::string rest = input.ConsumeRemainingBytesAsString();

  if (auto ts = parse_time_bound(first, kNow); ts && !is_ts(*ts)) fuzz::fail("a time bound that is not a ts", *ts);
  std::string since, until, error;
  if (parse_time_range(first, second, since, until, error)) {
    if ((!since.empty() && !is_ts(since)) || (!until.empty() && !is_ts(until))) fuzz::fail("a time range", first);
  } else if (error.empty()) {
    fuzz::fail("a time range refused without a message", first);
  }

  FieldCondition condition;
  if (parse_field_condition(first, "args.", condition)) {
    for (const std::string& part : condition.path) {
      if (part.empty()) fuzz::fail("a field path with an empty part", first);
    }
  }
  severity_rank(first);
  record_format_named(first);

  glob_match(first, rest);
  if (!has_glob_characters(second) && second.find('\\') == std::string::npos && !glob_match(second, second)) {
    fuzz::fail("a pattern without wildcards does not match itself", second);
  }
  if (!glob_match(literal_glob(rest), rest)) fuzz::fail("an escaped text does not match itself", rest);
  if (glob_match(literal_glob(rest), rest + "x")) fuzz::fail("an escaped text matches more than itself", rest);
  if (!glob_match("*", rest)) fuzz::fail("* does not match everything", rest);
  return 0;
}
