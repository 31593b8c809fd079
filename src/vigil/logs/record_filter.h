// Which records `vigil log` and `vigil report` keep. Conditions of one
// kind are alternatives (--event a --event b: either); conditions of
// different kinds must all hold.
#pragma once

#include <simdjson.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

// A dotted path into a record ("args.path", "site.file", "args.address.0")
// and a glob its value must match. Strings match as their text, numbers
// as decimals, true/false/null as those words, arrays and objects as their
// compact JSON.
struct FieldCondition {
  std::vector<std::string> path;
  std::string glob;
};

struct RecordQuery {
  std::vector<std::string> kinds;
  std::vector<std::string> events;  // globs on the `event` member: events and the alerts they raised
  int min_severity = -1;            // a rank of kSeverityNames: only alerts at or above it
  std::vector<long long> pids;
  std::vector<long long> trees;     // these processes and every descendant whose start is read after its parent's
  std::string since;                // ts texts (parse_time_bound): since <= ts < until
  std::string until;
  std::vector<FieldCondition> fields;
};

// "NAME=GLOB" for --arg (NAME is under args) or "PATH=GLOB" for --field;
// false when there is no '=' or no name.
bool parse_field_condition(std::string_view text, std::string_view prefix, FieldCondition& condition);

// The text a field condition compares with.
std::string value_text(simdjson::dom::element value);

// The text of a string member; empty when absent or not a string.
std::string_view string_member(simdjson::dom::object object, std::string_view key);

// string_member, or for text that was not UTF-8 (written as {"text",
// "raw_hex"}, records.md) its U+FFFD-replaced "text".
std::string_view text_member(simdjson::dom::object object, std::string_view key);

// An integer member; `otherwise` when absent or not an integer.
long long integer_member(simdjson::dom::object object, std::string_view key, long long otherwise);

// value_text of a member; empty when absent.
std::string member_text(simdjson::dom::object object, std::string_view key);

class RecordFilter {
 public:
  explicit RecordFilter(RecordQuery query);

  // Not const: start records of descendants widen a --tree.
  bool matches(simdjson::dom::object record);

  bool selects_everything() const;

 private:
  bool pid_matches(simdjson::dom::object record);

  RecordQuery query_;
  std::set<long long> pids_;
  std::set<long long> tree_pids_;  // grows as children start
};

}  // namespace vigil
