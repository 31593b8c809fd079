// RFC 5424 messages to a remote collector over TCP with octet counting
// (RFC 6587) or TLS (RFC 5425). The interpreter only queues a framed
// record; a thread of the sink's own connects and sends, so no collector
// can hold the interpreter longer than the policy allows:
//  - the queue holds `queue` records; when it is full a record waits up to
//    block_ms for room (when_full = "block") or is dropped at once ("drop");
//  - while the collector cannot be reached, queued records go to a spool
//    file (spool.h) and are sent first when it is back;
//  - records sent in the last two seconds are sent again after a broken
//    connection, as TCP cannot say whether the collector read them; the
//    collector may see a record twice (host, pid and seq identify it) but
//    does not miss one;
//  - drops and outages become `delivery` records.
#pragma once

#include "sinks/delivery_reports.h"
#include "sinks/sink.h"
#include "sinks/sink_settings.h"
#include "sinks/spool.h"
#include "sinks/stream_connection.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace vigil {

class RemoteSink final : public ReportingSink {
 public:
  RemoteSink(SinkSettings settings, StreamAddress address, std::string spool_directory);
  ~RemoteSink() override;

  bool write(const Record& record) override;
  void before_fork() override;
  void after_fork(bool in_child) override;
  void drain() override;
  void finish() override;

 private:
  struct Frame {
    std::string bytes;
    std::uint64_t seq;
    std::chrono::steady_clock::time_point sent;
  };

  void make_condition_variables();
  void start_thread_locked();
  void run();
  // With the lock held and the collector unreachable: the queue goes to
  // the spool, or is dropped when there is none.
  void spool_queue_locked();
  // Puts what was sent recently back at the head of the queue.
  void requeue_recent_locked();
  // Forgets records sent before the resend window, or beyond its size.
  void forget_old_recent_locked(std::chrono::steady_clock::time_point now);
  // Waits up to flush_ms for the queue and the batch in flight to be sent.
  void wait_for_delivery_locked(std::unique_lock<std::mutex>& lock);
  // Connects and sends what is spooled; the lock is released meanwhile.
  bool reconnect(std::unique_lock<std::mutex>& lock, std::string& error);
  void mark_down_locked(const std::string& error);

  SinkSettings settings_;
  std::string hostname_;
  StreamConnection connection_;
  Spool spool_;
  std::string message_;

  std::mutex mutex_;
  // Remade in a forked child, where the parent's waiters do not exist; the
  // parent's are left as they are, as destroying one waits for its waiters.
  std::unique_ptr<std::condition_variable> work_;
  std::unique_ptr<std::condition_variable> room_;
  std::unique_ptr<std::condition_variable> idle_;
  std::deque<Frame> queue_;
  std::deque<Frame> recent_;
  std::deque<Frame> in_flight_;
  std::unique_ptr<std::thread> thread_;
  bool finishing_ = false;
  bool stopping_ = false;
  bool down_ = false;
  std::uint64_t spooled_ = 0;  // frames in this process's spool
};

}  // namespace vigil
