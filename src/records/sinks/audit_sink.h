#pragma once

#include "sinks/delivery_reports.h"
#include "sinks/sink.h"
#include "sinks/sink_settings.h"

#include <string>

namespace vigil {

// User-space records for the Linux audit subsystem through libaudit:
// type TRUSTED_APP (1121), which auditd stores, `ausearch -m TRUSTED_APP`
// finds and audisp-remote forwards. The message is
//   op=vigil-<kind> vigil_seq=N [vigil_event=… vigil_rule=… vigil_severity=…] record=<hex>
// where record is the record in the sink's format, hex-encoded as the
// audit format requires for values with quotes or spaces (`ausearch -i`
// decodes it). A record too large for one audit message (8970 bytes)
// keeps its header fields and says record_truncated=yes instead.
// The kernel accepts these only from processes with CAP_AUDIT_WRITE.
class AuditSink final : public ReportingSink {
 public:
  explicit AuditSink(SinkSettings settings);
  ~AuditSink() override;
  bool write(const Record& record) override;
  void after_fork(bool in_child) override;

 private:
  bool open_socket();
  void close_socket();

  SinkSettings settings_;
  int fd_ = -1;
  std::string message_;
};

}  // namespace vigil
