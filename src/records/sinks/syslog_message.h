// RFC 5424 messages for records:
//   <PRI>1 TIMESTAMP HOSTNAME vigil-python PID KIND [vigil@32473 ...] MSG
// MSG is the record in the sink's format. 32473 is the private enterprise
// number RFC 5612 reserves for documentation; a site with its own number
// can map the SD-ID in its collector.
#pragma once

#include "sinks/record.h"

#include <string>
#include <string_view>

namespace vigil {

inline constexpr std::string_view kSyslogAppName = "vigil-python";
inline constexpr std::string_view kStructuredDataId = "vigil@32473";

// The syslog severity of a record: alerts by their severity (critical 2 …
// info 6), delivery problems 4 (warning), everything else 6 (informational).
int syslog_severity(const Record& record);

// Appends the message (without framing or newline) to `out`.
void append_syslog_message(std::string& out, const Record& record, int facility, std::string_view hostname,
                           RecordFormat format);

// The facility's number for a name (kern, user, … authpriv, local0-7), or -1.
int syslog_facility_named(std::string_view name);

}  // namespace vigil
