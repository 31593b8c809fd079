#include "recorder.h"

#include "chain_hash.h"
#include "json_text.h"
#include "own_thread.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace vigil {
namespace {

std::string host_member() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  std::string member;
  JsonText json(member, true);
  json.key("host");
  json.string(name);
  return member;
}

}  // namespace

Recorder::Recorder(std::unique_ptr<Sink> log, StartInfo start, std::optional<std::string> hmac_key)
    : log_(std::move(log)), start_(std::move(start)), pid_(getpid()), host_json_(host_member()) {
  line_.reserve(64 * 1024);
  if (hmac_key) {
    hmac_.emplace(*hmac_key);
    // The key stays only in the MAC's pad states.
    std::fill(hmac_key->begin(), hmac_key->end(), '\0');
  }
}

void Recorder::add_sink(SinkSettings settings, std::unique_ptr<Sink> sink) {
  std::lock_guard lock(mutex_);
  sinks_.push_back({std::move(settings), std::move(sink)});
}

void Recorder::append_timestamp(std::string& out) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  if (now.tv_sec != cached_second_) {
    tm utc{};
    gmtime_r(&now.tv_sec, &utc);
    strftime(cached_prefix_, sizeof cached_prefix_, "%Y-%m-%dT%H:%M:%S.", &utc);
    cached_second_ = now.tv_sec;
  }
  out += cached_prefix_;
  char micros[7];
  long us = now.tv_nsec / 1000;
  for (int i = 5; i >= 0; --i, us /= 10) micros[i] = static_cast<char>('0' + us % 10);
  out.append(micros, 6);
  out += 'Z';
}

std::uint64_t Recorder::emit(std::string_view kind, std::string_view members, RecordTags tags) {
  std::lock_guard lock(mutex_);
  if (start_owed_) write_start_locked("fork");
  // Started from the thread that leads the process (see beat()).
  if (heartbeat_owed_ && gettid() == getpid()) start_heartbeat_locked();
  return emit_locked(kind, members, tags);
}

bool Recorder::log_file_identity(dev_t& device, ino_t& inode) {
  std::lock_guard lock(mutex_);
  return log_->file_identity(device, inode);
}

namespace {

// Tells the heartbeat that the thread it follows has ended.
struct LeaderEndNotice {
  std::shared_ptr<LeaderEnd> end;
  ~LeaderEndNotice() {
    if (!end) return;
    std::lock_guard lock(end->mutex);
    end->done = true;
    end->ended.notify_all();
  }
};
thread_local LeaderEndNotice t_leader_end_notice;

}  // namespace

void Recorder::start_heartbeat() {
  std::lock_guard lock(mutex_);
  start_heartbeat_locked();
}

void Recorder::start_heartbeat_locked() {
  heartbeat_owed_ = false;
  if (start_.heartbeat_seconds == 0) return;
  auto leader_end = std::make_shared<LeaderEnd>();
  t_leader_end_notice.end = leader_end;
  // Detached: the recorder lives as long as the process, and the thread
  // ends with it. No thread, no heartbeat; the records are unaffected.
  if (auto thread = start_own_thread("heartbeat", [this, leader_end] { beat(leader_end); })) thread->detach();
}

// Waits for the interval or the end of the thread that leads the process,
// whichever comes first: a process whose leader ends with pthread_exit (a
// forked child whose Python thread returns) must end once its other threads
// do, as under python3, and this thread must not be the one that keeps it
// alive. Not by joining the leader: CPython 3.14 detaches a forked child's
// thread, and a join of a detached thread never returns.
void Recorder::beat(std::shared_ptr<LeaderEnd> leader_end) {
  const pid_t owner = getpid();
  std::string members;
  for (;;) {
    {
      std::unique_lock wait(leader_end->mutex);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(start_.heartbeat_seconds);
      if (leader_end->ended.wait_until(wait, deadline, [&] { return leader_end->done; })) return;
    }
    if (heartbeat_check_) heartbeat_check_();
    std::lock_guard lock(mutex_);
    if (stopped_ || pid_ != owner) return;
    members.clear();
    JsonText json(members, true);
    json.key("interval");
    json.unsigned_integer(start_.heartbeat_seconds);
    json.key("events_seen");
    json.unsigned_integer(events_seen_.load(std::memory_order_relaxed));
    json.key("records_written");
    json.unsigned_integer(records_written_);
    json.key("records_dropped");
    json.unsigned_integer(records_dropped_);
    emit_locked("heartbeat", members);
  }
}

std::uint64_t Recorder::emit_locked(std::string_view kind, std::string_view members, RecordTags tags) {
  std::uint64_t seq = next_seq_++;
  line_.clear();
  line_ += "{\"ts\":\"";
  append_timestamp(line_);
  line_ += "\",\"seq\":";
  append_decimal(line_, seq);
  line_ += ",\"kind\":\"";
  line_ += kind;
  line_ += "\",\"pid\":";
  append_decimal(line_, static_cast<std::uint64_t>(pid_));
  line_ += host_json_;
  line_ += members;
  if (start_.chain && chain_started_) {
    line_ += ",\"prev\":\"";
    line_.append(chain_hash_, sizeof chain_hash_);
    line_ += '"';
  }
  if (hmac_) {
    // Of the line as it would be without this member.
    char mac[64];
    hmac_->hex_of(line_, "}", mac);
    line_ += ",\"hmac\":\"";
    line_.append(mac, sizeof mac);
    line_ += '"';
  }
  line_ += '}';
  if (start_.chain) {
    // Advances even when the line is then lost: the next record's prev
    // names it, and `vigil log verify` reports the gap.
    chain_hash_hex(kChainHash, line_, chain_hash_);
    chain_started_ = true;
  }
  line_ += '\n';
  Record record(line_, kind, seq, pid_, tags);
  if (log_->write(record)) {
    ++records_written_;
    log_error_ = 0;
  } else {
    // The sequence number stays used: the gap itself shows the loss, and
    // a `delivery` record says which records went and why.
    log_error_ = errno != 0 ? errno : EIO;
    ++records_dropped_;
    log_reports_.dropped(seq, "cannot write " + start_.log + ": " + std::strerror(log_error_));
  }
  if (!sinks_.empty()) forward(record);
  if (line_.capacity() > 1024 * 1024) {
    line_.clear();
    line_.shrink_to_fit();
  }
  std::string interference = log_->take_interference();
  if (!interference.empty()) emit_interference_alert(seq, interference);
  for (Forward& forward : sinks_) {
    interference = forward.sink->take_interference();
    if (!interference.empty()) emit_interference_alert(seq, interference);
  }
  // After the stop record, which stays the process's last, nothing more.
  if (!reporting_ && !stopped_) emit_delivery_reports();
  return seq;
}

void Recorder::forward(const Record& record) {
  for (Forward& forward : sinks_) {
    // A sink that loses a record says so in a `delivery` record.
    if (forward.settings.accepts(record)) forward.sink->write(record);
  }
}

// Reports become records only here, never while one is being reported,
// so a sink that loses its own reports cannot make them without end.
void Recorder::emit_delivery_reports(bool final) {
  // The log's losses are told once it takes records again.
  if (log_error_ == 0) log_reports_.take(reports_, final);
  for (Forward& forward : sinks_) forward.sink->take_reports(reports_, final);
  if (reports_.empty()) return;
  reporting_ = true;
  std::vector<std::string> reports;
  reports.swap(reports_);
  for (const std::string& report : reports) emit_locked("delivery", report);
  reporting_ = false;
}

void Recorder::emit_interference_alert(std::uint64_t seq_ref, std::string_view message) {
  std::string members;
  JsonText json(members, true);
  json.key("rule");
  json.string(kLogInterferenceRule);
  json.key("severity");
  json.string("high");
  json.key("attack");
  json.begin_array();
  json.string("T1562.001");
  json.string("T1070");
  json.end_array();
  json.key("message");
  json.string(message);
  json.key("seq_ref");
  json.unsigned_integer(seq_ref);
  emit_locked("alert", members, {{}, kLogInterferenceRule, severity_rank("high")});
}

std::uint64_t Recorder::write_start_locked(const char* origin) {
  start_owed_ = false;
  scratch_.clear();
  JsonText json(scratch_, true);
  append_start_members(json, start_, origin);
  return emit_locked("start", scratch_);
}

std::uint64_t Recorder::write_start() {
  std::lock_guard lock(mutex_);
  return write_start_locked("exec");
}

std::uint64_t Recorder::write_start_in(std::unique_ptr<Sink> log, std::string path, std::vector<UnusableLog> unusable) {
  std::lock_guard lock(mutex_);
  log_ = std::move(log);
  start_.log = std::move(path);
  start_.append_only_log = has_append_only_attribute(start_.log);
  for (UnusableLog& old_log : unusable) start_.unusable_logs.push_back(std::move(old_log));
  next_seq_ = 1;
  chain_started_ = false;
  records_written_ = 0;
  records_dropped_ = 0;
  log_reports_.forget();
  return write_start_locked("exec");
}

void Recorder::set_stop_reason(std::string reason) {
  std::lock_guard lock(mutex_);
  stop_reason_ = std::move(reason);
}

void Recorder::write_stop(int exit_status) {
  std::lock_guard lock(mutex_);
  if (stopped_) return;
  stopped_ = true;
  if (start_owed_) write_start_locked("fork");
  // What became of the records the sinks still hold is told before the
  // stop record, which stays the process's last.
  for (Forward& forward : sinks_) forward.sink->drain();
  emit_delivery_reports(true);
  scratch_.clear();
  JsonText json(scratch_, true);
  json.key("status");
  json.integer(exit_status);
  if (!stop_reason_.empty()) {
    json.key("reason");
    json.string(stop_reason_);
  }
  json.key("events_seen");
  json.unsigned_integer(events_seen_.load(std::memory_order_relaxed));
  // The stop record itself is not counted: it is the last line either way.
  json.key("records_written");
  json.unsigned_integer(records_written_);
  json.key("records_dropped");
  json.unsigned_integer(records_dropped_);
  if (stop_details_) stop_details_(json);
  emit_locked("stop", scratch_);
  for (Forward& forward : sinks_) forward.sink->finish();
}

void Recorder::before_fork() {
  mutex_.lock();
  log_reports_.before_fork();
  for (Forward& forward : sinks_) forward.sink->before_fork();
}

void Recorder::after_fork_in_parent() {
  log_reports_.after_fork(false);
  for (Forward& forward : sinks_) forward.sink->after_fork(false);
  mutex_.unlock();
}

void Recorder::after_fork_in_child(bool continues_python) {
  log_reports_.after_fork(true);
  for (Forward& forward : sinks_) forward.sink->after_fork(true);
  reports_.clear();
  pid_ = getpid();
  next_seq_ = 1;
  chain_started_ = false;
  events_seen_.store(0, std::memory_order_relaxed);
  records_written_ = 0;
  records_dropped_ = 0;
  start_owed_ = true;
  heartbeat_owed_ = start_.heartbeat_seconds != 0;
  stopped_ = false;
  if (continues_python) {
    write_start_locked("fork");
    // A child that goes on running Python (multiprocessing's workers) may
    // raise no event for a long time; one that only execs never gets here.
    start_heartbeat_locked();
  }
  mutex_.unlock();
}

}  // namespace vigil
