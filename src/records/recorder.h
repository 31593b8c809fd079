// Numbers, stamps and writes records for one process. Records of every kind
// pass through emit(), which gives them the common fields of the contract
// (ts, seq, kind, pid, host), links each to the one before it (prev) and
// writes each as one line.
#pragma once

#include "hmac_sha256.h"
#include "json_text.h"
#include "sinks/delivery_reports.h"
#include "sinks/sink.h"
#include "sinks/sink_settings.h"
#include "start_info.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace vigil {

// The alert written when the log's destination was interfered with.
inline constexpr const char* kLogInterferenceRule = "vigil.log_interference";

// The end of the thread that leads the process (the heartbeat follows it),
// told by that thread's own thread_local, whose destructor runs however the
// thread ends.
struct LeaderEnd {
  std::mutex mutex;
  std::condition_variable ended;
  bool done = false;
};

class Recorder {
 public:
  // `log`: the process's log file. `hmac_key`: when set, every record
  // ends with `hmac`, the HMAC-SHA256 of the line without it.
  Recorder(std::unique_ptr<Sink> log, StartInfo start, std::optional<std::string> hmac_key = std::nullopt);

  // A further destination for the records `settings` accepts, after the
  // log. Added before the first record.
  void add_sink(SinkSettings settings, std::unique_ptr<Sink> sink);

  // Returns the start record's seq.
  std::uint64_t write_start();
  // errno of the last record the log did not take; 0 when the last record
  // reached it. After write_start(): whether the log has the start record.
  int log_error() const { return log_error_; }
  // The start record could not be written to the log: `log` at `path`
  // takes its place before any other record, numbering begins again, and
  // the new start record adds `unusable` (the old log among them) to its
  // `unusable_logs`. Returns the new start record's seq.
  std::uint64_t write_start_in(std::unique_ptr<Sink> log, std::string path, std::vector<UnusableLog> unusable);
  // `members`: JSON object members, each preceded by a comma, as JsonText
  // writes them when it continues an object. `tags`: what sinks route and
  // label the record by. Thread-safe. Returns the record's seq.
  std::uint64_t emit(std::string_view kind, std::string_view members, RecordTags tags = {});
  // Counts an audit event the hook received; lock-free, as it runs for
  // every event beside emit().
  void count_event() { events_seen_.fetch_add(1, std::memory_order_relaxed); }
  // Why Vigil itself ends the process, for the stop record.
  void set_stop_reason(std::string reason);
  // Adds members to the stop record (counts kept elsewhere). Set once,
  // before records are written from more than one thread.
  void set_stop_details(std::function<void(JsonText&)> append_members) { stop_details_ = std::move(append_members); }
  // Exit status and counts, then the sinks deliver what they hold. Once
  // per process: later calls do nothing.
  void write_stop(int exit_status);

  // fork() support: the prepare/parent pair keeps the lock consistent; the
  // child restarts numbering under its own pid and writes its start record
  // now, or before its first other record when it may simply exec.
  void before_fork();
  void after_fork_in_parent();
  void after_fork_in_child(bool continues_python);

  // Writes a `heartbeat` record every start info's heartbeat_seconds from
  // a thread of its own, so that a process that goes silent (stopped,
  // blinded, its log lost) shows as missing heartbeats. A forked child
  // that continues Python starts its own at once; one that may only exec,
  // with its first record.
  void start_heartbeat();
  // Runs on the heartbeat's thread before each heartbeat, without the
  // recorder's lock: the runtime checks there that its hook is still
  // installed. Set once, before start_heartbeat().
  // The device and inode of the log file now, for telling the process
  // opening its own log; false when the log is not a file.
  bool log_file_identity(dev_t& device, ino_t& inode);
  void set_heartbeat_check(std::function<void()> check) { heartbeat_check_ = std::move(check); }

 private:
  std::uint64_t emit_locked(std::string_view kind, std::string_view members, RecordTags tags = {});
  void forward(const Record& record);
  void emit_delivery_reports(bool final = false);
  std::uint64_t write_start_locked(const char* origin);
  void emit_interference_alert(std::uint64_t seq_ref, std::string_view message);
  void append_timestamp(std::string& out);
  void start_heartbeat_locked();
  void beat(std::shared_ptr<LeaderEnd> leader_end);

  struct Forward {
    SinkSettings settings;
    std::unique_ptr<Sink> sink;
  };

  std::mutex mutex_;
  std::unique_ptr<Sink> log_;
  int log_error_ = 0;
  // The log's own losses, reported in `delivery` records as a sink's are.
  DeliveryReports log_reports_{"log"};
  std::vector<Forward> sinks_;
  std::vector<std::string> reports_;
  bool reporting_ = false;
  StartInfo start_;
  pid_t pid_;
  std::string host_json_;
  std::uint64_t next_seq_ = 1;
  std::atomic<std::uint64_t> events_seen_ = 0;
  std::uint64_t records_written_ = 0;
  std::uint64_t records_dropped_ = 0;
  bool start_owed_ = false;
  bool heartbeat_owed_ = false;
  bool stopped_ = false;
  std::string stop_reason_;
  std::function<void(JsonText&)> stop_details_;
  std::function<void()> heartbeat_check_;
  std::string line_;
  std::string scratch_;
  // The hash (kChainHash) of this process's last line, for the next
  // record's `prev`.
  bool chain_started_ = false;
  char chain_hash_[64] = {};
  std::optional<HmacSha256> hmac_;
  long cached_second_ = -1;
  char cached_prefix_[32] = {};
};

}  // namespace vigil
