#pragma once

#include "sinks/delivery_reports.h"
#include "sinks/sink.h"
#include "sinks/sink_settings.h"
#include "sinks/unix_datagram.h"

#include <string>

namespace vigil {

// RFC 5424 messages to the local syslog daemon's socket (/dev/log, or the
// address given), one datagram per record. The daemon must parse RFC 5424
// on that socket (rsyslog: imuxsock with useSpecialParser="off").
class LocalSyslogSink final : public ReportingSink {
 public:
  explicit LocalSyslogSink(SinkSettings settings);
  bool write(const Record& record) override;
  std::string take_interference() override;

 private:
  SinkSettings settings_;
  std::string hostname_;
  UnixDatagram socket_;
  std::string message_;
  std::string interference_;
};

// This machine's name for syslog headers.
std::string syslog_hostname();

}  // namespace vigil
