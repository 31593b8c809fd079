// One record as the recorder hands it to its sinks: the native JSON line
// and the facts sinks route and label it by, so that none of them parses
// the line to learn its kind or severity.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace vigil {

enum class RecordFormat : std::uint8_t { native, ecs, ocsf };
inline constexpr std::size_t kRecordFormatCount = 3;

const char* to_string(RecordFormat format);
std::optional<RecordFormat> record_format_named(std::string_view name);

// Every record kind docs/records.md defines; a new kind is added here too,
// so that `vigil log -k` and a sink's `kinds` accept it.
inline constexpr std::array<std::string_view, 7> kRecordKinds = {"start",     "event",    "alert", "transcript",
                                                                 "heartbeat", "delivery", "stop"};

// Alert severities in order, as in the policy (info ... critical).
inline constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high", "critical"};
// The index of a severity's name, or -1.
int severity_rank(std::string_view name);

// What the code that writes a record knows of it beyond its kind.
struct RecordTags {
  std::string_view event;  // the audit event of an `event` record, or the one an alert is about
  std::string_view rule;   // an alert's rule
  int severity = -1;       // an alert's severity rank; -1 for other records
};

class Record {
 public:
  // `line`: the native JSON object and its newline.
  Record(std::string_view line, std::string_view kind, std::uint64_t seq, pid_t pid, RecordTags tags)
      : line_(line), kind_(kind), seq_(seq), pid_(pid), tags_(tags) {}

  // The native JSON object, without the newline.
  std::string_view line() const { return line_.substr(0, line_.size() - 1); }
  std::string_view line_with_newline() const { return line_; }
  std::string_view kind() const { return kind_; }
  std::uint64_t seq() const { return seq_; }
  pid_t pid() const { return pid_; }
  const RecordTags& tags() const { return tags_; }
  // `ts`, as written in the line.
  std::string_view timestamp() const;
  // The record as one JSON object in `format`, made once per record however
  // many sinks want it.
  std::string_view text(RecordFormat format) const;

 private:
  std::string_view line_;
  std::string_view kind_;
  std::uint64_t seq_;
  pid_t pid_;
  RecordTags tags_;
  mutable std::array<std::optional<std::string>, kRecordFormatCount> converted_;
};

}  // namespace vigil
