// A sink's losses and state changes, kept until the recorder turns them
// into `delivery` records (docs/records.md). Drops are summed and reported
// at most once a second, so a sink that drops a storm costs one record a
// second, not one per loss.
#pragma once

#include "sinks/sink.h"

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

class DeliveryReports {
 public:
  explicit DeliveryReports(std::string sink_name) : sink_name_(std::move(sink_name)) {}

  // Thread-safe.
  void dropped(std::uint64_t seq, std::string_view reason, std::uint64_t count = 1);
  // `state`: down, up, spool_error… with a message and counts.
  void state(std::string_view state, std::string_view message,
             std::initializer_list<std::pair<std::string_view, std::uint64_t>> counts = {});
  // Appends the reports that are due; `all` also those a drop summary
  // would otherwise hold back for its second (the process is ending).
  void take(std::vector<std::string>& reports, bool all = false);
  std::uint64_t dropped_total() const { return dropped_total_.load(std::memory_order_relaxed); }
  // Around fork(): held so no other thread is inside at the fork; a child
  // starts with no reports, as the parent's are the parent's.
  void before_fork() { mutex_.lock(); }
  void after_fork(bool in_child);
  // Drops every report and count (the records they were about went to a
  // log that is no longer used).
  void forget();

 private:
  void append_drop_summary(std::vector<std::string>& reports);
  void forget_locked();

  std::string sink_name_;
  std::mutex mutex_;
  std::atomic<bool> pending_ = false;
  std::vector<std::string> states_;
  std::uint64_t drops_ = 0;
  std::uint64_t first_dropped_ = 0;
  std::uint64_t last_dropped_ = 0;
  std::string drop_reason_;
  std::atomic<std::uint64_t> dropped_total_ = 0;
  long last_summary_second_ = -1;
};

// A sink that keeps its own losses in DeliveryReports.
class ReportingSink : public Sink {
 public:
  explicit ReportingSink(std::string name) : reports_(std::move(name)) {}
  void take_reports(std::vector<std::string>& reports, bool final) override { reports_.take(reports, final); }
  void before_fork() override { reports_.before_fork(); }
  void after_fork(bool in_child) override { reports_.after_fork(in_child); }

 protected:
  DeliveryReports reports_;
};

}  // namespace vigil
