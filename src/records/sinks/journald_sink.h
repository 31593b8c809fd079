#pragma once

#include "sinks/delivery_reports.h"
#include "sinks/sink.h"
#include "sinks/sink_settings.h"
#include "sinks/unix_datagram.h"

#include <string>

namespace vigil {

inline constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// systemd-journald's native protocol, spoken directly rather than through
// libsystemd's sd_journal_sendv: the socket is ours, so it sits on a high
// descriptor, is reconnected when a program closes it, and can be a
// journal namespace's socket (settings.path). Each record is one entry
// with MESSAGE (the record in the sink's format), PRIORITY,
// SYSLOG_IDENTIFIER and VIGIL_TS, VIGIL_KIND, VIGIL_SEQ, VIGIL_EVENT, VIGIL_RULE,
// VIGIL_SEVERITY; journald adds the trusted _PID, _UID and _EXE itself.
class JournaldSink final : public ReportingSink {
 public:
  explicit JournaldSink(const SinkSettings& settings);
  bool write(const Record& record) override;
  std::string take_interference() override;

 private:
  bool send_as_memfd();

  SinkSettings settings_;
  UnixDatagram socket_;
  std::string entry_;
  std::string interference_;
};

}  // namespace vigil
