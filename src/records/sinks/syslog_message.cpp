#include "sinks/syslog_message.h"

#include "json_text.h"

#include <array>

namespace vigil {
namespace {

constexpr std::array<std::string_view, 24> kFacilities = {
    "kern",   "user",   "mail",   "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp",   "cron",   "authpriv", "ftp",  "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};

// Header fields are PRINTUSASCII; anything else (a hostile event name
// raised through sys.audit) becomes '?'.
void append_printable(std::string& out, std::string_view text, std::size_t limit) {
  for (char c : text.substr(0, limit)) out += c > ' ' && c < 127 ? c : '?';
}

// PARAM-VALUE: '"', '\' and ']' escaped; controls and non-ASCII as '?',
// since the value must be UTF-8 and the MSG carries the exact text anyway.
void append_param(std::string& out, std::string_view name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c >= ' ' && c < 127 ? c : '?';
  }
  out += '"';
}

}  // namespace

int syslog_severity(const Record& record) {
  static constexpr int kBySeverityRank[] = {6, 5, 4, 3, 2};
  int rank = record.tags().severity;
  if (record.kind() == "alert" && rank >= 0 && rank < 5) return kBySeverityRank[rank];
  if (record.kind() == "delivery") return 4;
  return 6;
}

int syslog_facility_named(std::string_view name) {
  for (std::size_t i = 0; i < kFacilities.size(); ++i) {
    if (kFacilities[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void append_syslog_message(std::string& out, const Record& record, int facility, std::string_view hostname,
                           RecordFormat format) {
  out += '<';
  append_decimal(out, static_cast<std::uint64_t>(facility * 8 + syslog_severity(record)));
  out += ">1 ";
  std::string_view timestamp = record.timestamp();
  out += timestamp.empty() ? "-" : timestamp;
  out += ' ';
  if (hostname.empty()) {
    out += '-';
  } else {
    append_printable(out, hostname, 255);
  }
  out += ' ';
  out += kSyslogAppName;
  out += ' ';
  append_decimal(out, static_cast<std::uint64_t>(record.pid()));
  out += ' ';
  append_printable(out, record.kind(), 32);
  out += " [";
  out += kStructuredDataId;
  append_param(out, "kind", record.kind());
  std::string seq;
  append_decimal(seq, record.seq());
  append_param(out, "seq", seq);
  const RecordTags& tags = record.tags();
  if (!tags.event.empty()) append_param(out, "event", tags.event);
  if (!tags.rule.empty()) append_param(out, "rule", tags.rule);
  if (tags.severity >= 0 && tags.severity < 5) {
    append_param(out, "severity", kSeverityNames[static_cast<std::size_t>(tags.severity)]);
  }
  out += "] ";
  out += record.text(format);
}

}  // namespace vigil
