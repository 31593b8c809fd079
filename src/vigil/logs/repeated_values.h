// Puts back the values an event record refers to instead of repeating them
// (docs/records.md, "Values recorded once per change"): a field the
// catalogue records once per change, written as {"same_as": N}, is the
// same field of the event record with seq N of the same process, which
// holds it in full. Readers that judge or show arguments (vigil log,
// summary, report, policy replay and learn) see every record whole;
// `vigil log -j` and `vigil log verify` read the lines as written.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace vigil {

class RepeatedValues {
 public:
  // Every record, in the order of the log. When `record` refers back to
  // values this reader has seen, `record` and `line` are replaced by the
  // record with those values in place; both stay valid until the next call.
  // A reference to a record not read (a gap, a log given without the one
  // before it) stays as it is.
  void resolve(simdjson::dom::object& record, std::string_view& line);

 private:
  // (pid, seq of the record holding it, field) → the value's JSON.
  std::map<std::tuple<std::int64_t, std::uint64_t, std::string>, std::string> values_;
  simdjson::dom::parser parser_;
  std::string resolved_;
};

// The record a value refers to when it is {"same_as": N}; 0 otherwise.
std::uint64_t referred_seq(simdjson::dom::element value);

}  // namespace vigil
