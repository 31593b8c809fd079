#include "sinks/local_syslog_sink.h"

#include "sinks/syslog_message.h"

#include <cstring>
#include <unistd.h>
#include <utility>

namespace vigil {

std::string syslog_hostname() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

LocalSyslogSink::LocalSyslogSink(SinkSettings settings)
    : ReportingSink(settings.name),
      settings_(std::move(settings)),
      hostname_(syslog_hostname()),
      socket_(settings_.address, settings_.block_ms) {}

bool LocalSyslogSink::write(const Record& record) {
  message_.clear();
  append_syslog_message(message_, record, settings_.facility, hostname_, settings_.format);
  iovec part{message_.data(), message_.size()};
  int error = socket_.send(&part, 1, interference_);
  if (error == 0) return true;
  reports_.dropped(record.seq(), "syslog at " + socket_.path() + ": " + std::strerror(error));
  return false;
}

std::string LocalSyslogSink::take_interference() { return std::exchange(interference_, {}); }

}  // namespace vigil
