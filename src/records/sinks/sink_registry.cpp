#include "sinks/sink_registry.h"

#include "sinks/audit_sink.h"
#include "sinks/file_sink.h"
#include "sinks/journald_sink.h"
#include "sinks/local_syslog_sink.h"
#include "sinks/remote_sink.h"
#include "sinks/stream_connection.h"

#include <algorithm>
#include <array>

namespace vigil {
namespace {

constexpr std::array<std::string_view, 7> kCommonKeys = {"name", "type", "format", "kinds", "events", "min_severity", "block_ms"};
constexpr std::array<std::string_view, 1> kFileKeys = {"path"};
constexpr std::array<std::string_view, 1> kJournaldKeys = {"path"};
constexpr std::array<std::string_view, 10> kSyslogKeys = {"address",  "facility", "tls_ca",    "tls_cert", "tls_key",
                                                          "tls_name", "queue",    "when_full", "flush_ms", "spool"};
constexpr std::array<std::string_view, 0> kAuditKeys = {};

std::string no_problem(const SinkSettings&) { return {}; }

std::string check_path(const SinkSettings& settings) {
  return settings.path.empty() || settings.path.front() != '/' ? "`path` must be an absolute path" : "";
}

std::string check_journald(const SinkSettings& settings) {
  return settings.path.empty() ? "" : check_path(settings);
}

std::string check_syslog(const SinkSettings& settings) {
  if (settings.address.starts_with('/')) {
    if (!settings.tls_ca.empty() || !settings.tls_cert.empty()) return "TLS settings need a tls:// address";
    return {};
  }
  auto address = parse_stream_address(settings.address);
  if (!address) return "`address` must be a socket path, tcp://host:port or tls://host:port";
  if (!address->tls && (!settings.tls_ca.empty() || !settings.tls_cert.empty() || !settings.tls_key.empty())) {
    return "TLS settings need a tls:// address";
  }
  if (settings.tls_cert.empty() != settings.tls_key.empty()) return "`tls_cert` and `tls_key` go together";
  for (const std::string* path : {&settings.tls_ca, &settings.tls_cert, &settings.tls_key, &settings.spool}) {
    if (!path->empty() && path->front() != '/') return "file and directory settings must be absolute paths";
  }
  if (settings.queue == 0) return "`queue` must hold at least one record";
  return {};
}

// A second file, in any format: the log file's writer, with its losses
// reported as the other sinks report theirs.
class ExtraFileSink final : public ReportingSink {
 public:
  explicit ExtraFileSink(const SinkSettings& settings)
      : ReportingSink(settings.name), file_(settings.path, open_log_descriptor(settings.path), false, settings.format) {}
  bool write(const Record& record) override {
    if (file_.write(record)) return true;
    reports_.dropped(record.seq(), "cannot write " + file_.path());
    return false;
  }
  std::string take_interference() override { return file_.take_interference(); }

 private:
  FileSink file_;
};

std::unique_ptr<Sink> make_file(const SinkSettings& settings, const std::string&) {
  return std::make_unique<ExtraFileSink>(settings);
}

std::unique_ptr<Sink> make_journald(const SinkSettings& settings, const std::string&) {
  return std::make_unique<JournaldSink>(settings);
}

std::unique_ptr<Sink> make_syslog(const SinkSettings& settings, const std::string& log_directory) {
  if (settings.address.starts_with('/')) return std::make_unique<LocalSyslogSink>(settings);
  std::string spool = settings.spool.empty() ? log_directory + "/spool/" + settings.name : settings.spool;
  return std::make_unique<RemoteSink>(settings, *parse_stream_address(settings.address), spool);
}

std::unique_ptr<Sink> make_audit(const SinkSettings& settings, const std::string&) {
  return std::make_unique<AuditSink>(settings);
}

const std::array<SinkType, 4> kSinkTypes = {{
    {"file", kFileKeys, check_path, make_file},
    {"journald", kJournaldKeys, check_journald, make_journald},
    {"syslog", kSyslogKeys, check_syslog, make_syslog},
    {"audit", kAuditKeys, no_problem, make_audit},
}};

}  // namespace

std::span<const SinkType> sink_types() { return kSinkTypes; }

const SinkType* find_sink_type(std::string_view name) {
  auto found = std::find_if(kSinkTypes.begin(), kSinkTypes.end(), [&](const SinkType& type) { return type.name == name; });
  return found == kSinkTypes.end() ? nullptr : &*found;
}

std::span<const std::string_view> common_sink_keys() { return kCommonKeys; }

}  // namespace vigil
