#include "sinks/remote_sink.h"

#include "json_text.h"
#include "own_thread.h"
#include "sinks/local_syslog_sink.h"
#include "sinks/syslog_message.h"

#include <algorithm>
#include <openssl/ssl.h>
#include <csignal>
#include <pthread.h>

namespace vigil {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long records stay eligible for sending again after a broken
// connection, and how many.
constexpr auto kResendWindow = std::chrono::seconds(2);
constexpr std::size_t kResendLimit = 8192;
constexpr std::size_t kBatchFrames = 256;
constexpr unsigned kConnectTimeoutMs = 3000;
// A collector that takes no bytes for this long is treated as gone.
constexpr unsigned kSendTimeoutMs = 5000;
// Idle, the thread looks this often for a collector that closed.
constexpr auto kIdleCheck = milliseconds(200);
constexpr auto kFirstRetry = milliseconds(100);
constexpr auto kLastRetry = milliseconds(5000);

// A template rather than deque<auto>: a placeholder in a template argument
// is a GCC extension, and the fuzz tree is built with clang.
template <typename Frame>
std::string join_frames(const std::deque<Frame>& frames) {
  std::string bytes;
  for (const auto& frame : frames) bytes += frame.bytes;
  return bytes;
}

}  // namespace

RemoteSink::RemoteSink(SinkSettings settings, StreamAddress address, std::string spool_directory)
    : ReportingSink(settings.name),
      settings_(std::move(settings)),
      hostname_(syslog_hostname()),
      connection_(address, settings_),
      spool_(std::move(spool_directory)) {
  // The delivery thread may be inside OpenSSL when the process exits; its
  // state must not be freed under it by OpenSSL's exit handler. (Plain TCP
  // does not need OpenSSL, nor the 2 M instructions of loading its
  // configuration.)
  if (address.tls) OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, nullptr);
  make_condition_variables();
}

void RemoteSink::make_condition_variables() {
  work_ = std::make_unique<std::condition_variable>();
  room_ = std::make_unique<std::condition_variable>();
  idle_ = std::make_unique<std::condition_variable>();
}

RemoteSink::~RemoteSink() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_->notify_all();
  if (thread_ && thread_->joinable()) thread_->join();
}

void RemoteSink::start_thread_locked() {
  // Without a thread the queue fills and the policy's when_full applies.
  thread_ = start_own_thread("sink", [this] { run(); });
}

bool RemoteSink::write(const Record& record) {
  message_.clear();
  append_syslog_message(message_, record, settings_.facility, hostname_, settings_.format);
  Frame frame{{}, record.seq(), {}};
  frame.bytes.reserve(message_.size() + 8);
  append_decimal(frame.bytes, message_.size());
  frame.bytes += ' ';
  frame.bytes += message_;

  std::unique_lock lock(mutex_);
  if (!thread_) start_thread_locked();
  if (queue_.size() >= settings_.queue) {
    if (settings_.when_full == WhenFull::block) {
      room_->wait_for(lock, milliseconds(settings_.block_ms), [this] { return queue_.size() < settings_.queue; });
    }
    if (queue_.size() >= settings_.queue) {
      lock.unlock();
      reports_.dropped(record.seq(), "queue full");
      return false;
    }
  }
  queue_.push_back(std::move(frame));
  work_->notify_one();
  return true;
}

void RemoteSink::wait_for_delivery_locked(std::unique_lock<std::mutex>& lock) {
  finishing_ = true;
  work_->notify_all();
  idle_->wait_for(lock, milliseconds(settings_.flush_ms), [this] { return queue_.empty() && in_flight_.empty(); });
}

void RemoteSink::drain() {
  std::unique_lock lock(mutex_);
  if (thread_) wait_for_delivery_locked(lock);
}

void RemoteSink::mark_down_locked(const std::string& error) {
  if (down_) return;
  down_ = true;
  reports_.state("down", error, {{"queued", queue_.size()}});
}

void RemoteSink::spool_queue_locked() {
  if (queue_.empty()) return;
  std::string error;
  std::size_t count = queue_.size();
  if (spool_.available() && spool_.append(join_frames(queue_), error)) {
    spooled_ += count;
  } else {
    if (error.empty()) error = "no spool directory";
    reports_.dropped(queue_.back().seq, "collector unreachable and " + error, count);
  }
  queue_.clear();
  room_->notify_all();
}

void RemoteSink::forget_old_recent_locked(Clock::time_point now) {
  while (recent_.size() > kResendLimit || (!recent_.empty() && recent_.front().sent < now - kResendWindow)) {
    recent_.pop_front();
  }
}

void RemoteSink::requeue_recent_locked() {
  forget_old_recent_locked(Clock::now());
  queue_.insert(queue_.begin(), std::make_move_iterator(recent_.begin()), std::make_move_iterator(recent_.end()));
  recent_.clear();
}

bool RemoteSink::reconnect(std::unique_lock<std::mutex>& lock, std::string& error) {
  lock.unlock();
  bool connected = connection_.connect(kConnectTimeoutMs, error);
  lock.lock();
  if (!connected) return false;
  // What waited in this process's spool goes first, then other processes'
  // spools, then the queue. The spool keeps its frames until they are sent.
  std::string spooled = spool_.peek();
  std::size_t own = spooled_;
  lock.unlock();
  bool sent = spooled.empty() || connection_.send_all(spooled, kSendTimeoutMs, error);
  std::size_t orphans = 0;
  if (sent) {
    orphans = spool_.deliver_orphans(
        [this, &error](std::string_view frames) { return connection_.send_all(frames, kSendTimeoutMs, error); });
    sent = connection_.connected();
  }
  lock.lock();
  if (!sent) {
    connection_.close();
    return false;
  }
  spool_.consume(spooled.size());
  spooled_ -= own;
  if (down_) {
    down_ = false;
    reports_.state("up", "", {{"spooled_sent", own}, {"orphaned_sent", orphans}});
  } else if (orphans != 0) {
    reports_.state("orphans_sent", "records spooled by processes that ended while the collector was away",
                   {{"orphaned_sent", orphans}});
  }
  return true;
}

void RemoteSink::run() {
  std::unique_lock lock(mutex_);
  auto retry = kFirstRetry;
  auto next_attempt = Clock::now();
  std::string error;
  while (!stopping_) {
    if (queue_.empty()) {
      if (finishing_) idle_->notify_all();
      work_->wait_for(lock, kIdleCheck, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && connection_.connected() && connection_.peer_closed()) {
        connection_.close();
        requeue_recent_locked();
      }
      continue;
    }
    if (!connection_.connected()) {
      // Between attempts, records go to the spool as they come, so they
      // are on disk even if the process is killed before the collector
      // is back.
      if (Clock::now() < next_attempt) {
        spool_queue_locked();
        idle_->notify_all();
        work_->wait_until(lock, next_attempt, [this] { return stopping_ || !queue_.empty(); });
        continue;
      }
      if (!reconnect(lock, error)) {
        mark_down_locked(error);
        next_attempt = Clock::now() + retry;
        retry = std::min(retry * 2, kLastRetry);
        continue;
      }
      retry = kFirstRetry;
    }
    std::size_t count = std::min(queue_.size(), kBatchFrames);
    in_flight_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + count));
    queue_.erase(queue_.begin(), queue_.begin() + count);
    room_->notify_all();
    std::string bytes = join_frames(in_flight_);
    lock.unlock();
    bool sent = !connection_.peer_closed() && connection_.send_all(bytes, kSendTimeoutMs, error);
    lock.lock();
    if (!sent) {
      connection_.close();
      queue_.insert(queue_.begin(), std::make_move_iterator(in_flight_.begin()),
                    std::make_move_iterator(in_flight_.end()));
      in_flight_.clear();
      requeue_recent_locked();
      continue;
    }
    auto now = Clock::now();
    for (Frame& frame : in_flight_) {
      frame.sent = now;
      recent_.push_back(std::move(frame));
    }
    in_flight_.clear();
    forget_old_recent_locked(now);
  }
}

void RemoteSink::finish() {
  std::unique_lock lock(mutex_);
  if (!thread_) return;
  wait_for_delivery_locked(lock);
  // The collector is slow or gone: what is left waits in the spool for the
  // next process (a batch in flight may then arrive twice).
  queue_.insert(queue_.begin(), std::make_move_iterator(in_flight_.begin()), std::make_move_iterator(in_flight_.end()));
  in_flight_.clear();
  spool_queue_locked();
  if (spooled_ == 0) spool_.remove_if_empty();
  stopping_ = true;
  work_->notify_all();
}

// The delivery thread takes the reports' lock while it holds the queue's,
// so they are taken in that order here too.
void RemoteSink::before_fork() {
  mutex_.lock();
  ReportingSink::before_fork();
}

void RemoteSink::after_fork(bool in_child) {
  if (in_child) {
    // The delivery thread and the connection are the parent's; so are the
    // queued records, which the parent sends. The thread object is left
    // as it is: there is no thread behind it to join or detach here.
    static_cast<void>(thread_.release());
    queue_.clear();
    recent_.clear();
    in_flight_.clear();
    finishing_ = stopping_ = down_ = false;
    spooled_ = 0;
    for (auto* condition : {&work_, &room_, &idle_}) static_cast<void>(condition->release());
    make_condition_variables();
    connection_.abandon();
    spool_.abandon();
  }
  ReportingSink::after_fork(in_child);
  mutex_.unlock();
}

}  // namespace vigil
