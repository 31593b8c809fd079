#include "sinks/audit_sink.h"

#include "json_text.h"
#include "file_io.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <libaudit.h>
#include <unistd.h>
#include <utility>

namespace vigil {
namespace {

// What the kernel adds around our text (pid, uid, auid, ses, subj, exe,
// hostname, addr, terminal, res) must fit beside it.
constexpr std::size_t kMessageRoom = MAX_AUDIT_MESSAGE_LENGTH - 1024;

// name=value, quoted when plain, hex otherwise (libaudit's own rule).
void append_encoded(std::string& out, const char* name, std::string_view value) {
  std::string text(value.substr(0, value.find('\0')));
  char* encoded = audit_encode_nv_string(name, text.c_str(), 0);
  if (encoded == nullptr) return;
  out += ' ';
  out += encoded;
  std::free(encoded);
}

}  // namespace

AuditSink::AuditSink(SinkSettings settings) : ReportingSink(settings.name), settings_(std::move(settings)) {}

AuditSink::~AuditSink() { close_socket(); }

bool AuditSink::open_socket() {
  int fd = audit_open();
  if (fd < 0) return false;
  fd_ = move_above_stdio(fd);
  return fd_ >= 0;
}

void AuditSink::close_socket() {
  if (fd_ >= 0) audit_close(fd_);
  fd_ = -1;
}

bool AuditSink::write(const Record& record) {
  message_ = "op=vigil-";
  message_ += record.kind();
  message_ += " vigil_seq=";
  append_decimal(message_, record.seq());
  const RecordTags& tags = record.tags();
  if (!tags.event.empty()) append_encoded(message_, "vigil_event", tags.event);
  if (!tags.rule.empty()) append_encoded(message_, "vigil_rule", tags.rule);
  if (tags.severity >= 0 && tags.severity < 5) {
    message_ += " vigil_severity=";
    message_ += kSeverityNames[static_cast<std::size_t>(tags.severity)];
  }
  std::string_view text = record.text(settings_.format);
  if (message_.size() + 8 + 2 * text.size() <= kMessageRoom) {
    append_encoded(message_, "record", text);
  } else {
    message_ += " record_truncated=yes";
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0 && !open_socket()) break;
    if (audit_log_user_message(fd_, AUDIT_TRUSTED_APP, message_.c_str(), nullptr, nullptr, nullptr, 1) > 0) {
      return true;
    }
    // EPERM (no CAP_AUDIT_WRITE) stays; a closed or broken socket is
    // opened again once.
    if (errno == EPERM || errno == ECONNREFUSED) break;
    close_socket();
  }
  reports_.dropped(record.seq(), std::string("the audit subsystem refused the record: ") + std::strerror(errno));
  return false;
}

void AuditSink::after_fork(bool in_child) {
  // Acknowledgements come back on the socket: parent and child must not
  // read each other's.
  if (in_child && fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
  ReportingSink::after_fork(in_child);
}

}  // namespace vigil
