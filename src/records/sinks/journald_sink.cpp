#include "sinks/journald_sink.h"

#include "file_io.h"
#include "json_text.h"
#include "sinks/syslog_message.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

// KEY\n<64-bit little-endian length><value>\n: safe for any bytes,
// including the newlines a hostile event name may hold.
void append_field(std::string& entry, std::string_view key, std::string_view value) {
  entry += key;
  entry += '\n';
  std::uint64_t size = value.size();
  for (int i = 0; i < 8; ++i) entry += static_cast<char>((size >> (8 * i)) & 0xff);
  entry += value;
  entry += '\n';
}

void append_number_field(std::string& entry, std::string_view key, std::uint64_t number) {
  std::string digits;
  append_decimal(digits, number);
  append_field(entry, key, digits);
}

}  // namespace

JournaldSink::JournaldSink(const SinkSettings& settings)
    : ReportingSink(settings.name),
      settings_(settings),
      socket_(settings.path.empty() ? kJournalSocket : settings.path, settings.block_ms) {}

bool JournaldSink::write(const Record& record) {
  entry_.clear();
  append_field(entry_, "MESSAGE", record.text(settings_.format));
  append_number_field(entry_, "PRIORITY", static_cast<std::uint64_t>(syslog_severity(record)));
  append_number_field(entry_, "SYSLOG_FACILITY", static_cast<std::uint64_t>(settings_.facility));
  append_field(entry_, "SYSLOG_IDENTIFIER", kSyslogAppName);
  append_field(entry_, "VIGIL_TS", record.timestamp());
  append_field(entry_, "VIGIL_KIND", record.kind());
  append_number_field(entry_, "VIGIL_SEQ", record.seq());
  const RecordTags& tags = record.tags();
  if (!tags.event.empty()) append_field(entry_, "VIGIL_EVENT", tags.event);
  if (!tags.rule.empty()) append_field(entry_, "VIGIL_RULE", tags.rule);
  if (tags.severity >= 0 && tags.severity < 5) {
    append_field(entry_, "VIGIL_SEVERITY", kSeverityNames[static_cast<std::size_t>(tags.severity)]);
  }
  iovec part{entry_.data(), entry_.size()};
  int error = socket_.send(&part, 1, interference_);
  // Larger than one datagram may be: journald takes it from a sealed memfd.
  if (error == EMSGSIZE || error == ENOBUFS) error = send_as_memfd() ? 0 : errno;
  if (error == 0) return true;
  reports_.dropped(record.seq(), "journald at " + socket_.path() + ": " + std::strerror(error));
  return false;
}

bool JournaldSink::send_as_memfd() {
  int fd = memfd_create("vigil-journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return false;
  bool sent = false;
  if (write_all(fd, entry_) && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0) {
    int error = socket_.send_descriptor(fd, interference_);
    sent = error == 0;
    if (!sent) errno = error;
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return sent;
}

std::string JournaldSink::take_interference() { return std::exchange(interference_, {}); }

}  // namespace vigil
