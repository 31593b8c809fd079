#include "sinks/delivery_reports.h"

#include "json_text.h"

#include <ctime>

namespace vigil {
namespace {

long monotonic_second() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return now.tv_sec;
}

}  // namespace

void DeliveryReports::dropped(std::uint64_t seq, std::string_view reason, std::uint64_t count) {
  std::lock_guard lock(mutex_);
  if (drops_ == 0) first_dropped_ = seq;
  last_dropped_ = seq;
  drops_ += count;
  drop_reason_.assign(reason);
  dropped_total_.fetch_add(count, std::memory_order_relaxed);
  pending_.store(true, std::memory_order_release);
}

void DeliveryReports::state(std::string_view state, std::string_view message,
                            std::initializer_list<std::pair<std::string_view, std::uint64_t>> counts) {
  std::string members;
  JsonText json(members, true);
  json.key("sink");
  json.string(sink_name_);
  json.key("state");
  json.string(state);
  if (!message.empty()) {
    json.key("message");
    json.string(message);
  }
  for (const auto& [name, count] : counts) {
    json.key(name);
    json.unsigned_integer(count);
  }
  std::lock_guard lock(mutex_);
  states_.push_back(std::move(members));
  pending_.store(true, std::memory_order_release);
}

void DeliveryReports::append_drop_summary(std::vector<std::string>& reports) {
  std::string members;
  JsonText json(members, true);
  json.key("sink");
  json.string(sink_name_);
  json.key("state");
  json.string("dropped");
  json.key("reason");
  json.string(drop_reason_);
  json.key("dropped");
  json.unsigned_integer(drops_);
  json.key("first_seq");
  json.unsigned_integer(first_dropped_);
  json.key("last_seq");
  json.unsigned_integer(last_dropped_);
  json.key("dropped_total");
  json.unsigned_integer(dropped_total_.load(std::memory_order_relaxed));
  reports.push_back(std::move(members));
  drops_ = 0;
}

void DeliveryReports::take(std::vector<std::string>& reports, bool all) {
  if (!pending_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  for (std::string& state : states_) reports.push_back(std::move(state));
  states_.clear();
  if (drops_ != 0) {
    long second = monotonic_second();
    if (all || second != last_summary_second_) {
      last_summary_second_ = second;
      append_drop_summary(reports);
    }
  }
  pending_.store(drops_ != 0, std::memory_order_release);
}

void DeliveryReports::after_fork(bool in_child) {
  if (in_child) forget_locked();
  mutex_.unlock();
}

void DeliveryReports::forget() {
  std::lock_guard lock(mutex_);
  forget_locked();
}

void DeliveryReports::forget_locked() {
  states_.clear();
  drops_ = 0;
  dropped_total_.store(0, std::memory_order_relaxed);
  pending_.store(false, std::memory_order_relaxed);
}

}  // namespace vigil
