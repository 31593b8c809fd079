#include "repeated_values.h"

#include <mutex>
#include <pthread.h>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {
namespace {

// A reference, {"same_as":N}, is about 20 bytes: shorter texts stay as
// they are.
constexpr std::size_t kShortestReferred = 32;

struct Field {
  const EventSignature* signature = nullptr;
  std::size_t index = 0;
  bool operator==(const Field&) const = default;
};

// The text of a field as the process last wrote it in full, and where.
struct Written {
  Field field;
  std::string text;
  std::uint64_t seq = 0;
};

// Shared by the process's threads, so that a thread's first import refers
// to what another wrote. A handful of entries (the catalogue marks three
// fields). The lock is held across fork(); the child numbers its records
// anew, so it forgets them all.
std::mutex g_mutex;
std::vector<Written> g_written;

// Rendered in full in the record being written on this thread.
struct Pending {
  Field field;
  std::string text;
};
thread_local std::vector<Pending> t_pending;

void lock_before_fork() { g_mutex.lock(); }
void unlock_in_parent() { g_mutex.unlock(); }
void forget_in_child() {
  g_written.clear();
  g_mutex.unlock();
}

void register_fork_handlers() {
  static const bool registered = pthread_atfork(lock_before_fork, unlock_in_parent, forget_in_child) == 0;
  (void)registered;
}

}  // namespace

void begin_repeated_values() { t_pending.clear(); }

void append_repeated_value(JsonText& json, ValueRenderer& renderer, const EventSignature& signature,
                           std::size_t index, PyObject* value) {
  JsonText::Mark before = json.mark();
  renderer.render(value);
  std::string_view text = std::string_view(json.out()).substr(before.size + (before.need_comma ? 1 : 0));
  if (text.size() < kShortestReferred) return;
  Field field{&signature, index};
  std::uint64_t seq = 0;
  register_fork_handlers();
  {
    std::lock_guard lock(g_mutex);
    for (const Written& written : g_written) {
      if (written.field == field && written.text == text) seq = written.seq;
    }
  }
  if (seq == 0) {
    t_pending.push_back({field, std::string(text)});
    return;
  }
  json.rewind(before);
  json.begin_object();
  json.key("same_as");
  json.unsigned_integer(seq);
  json.end_object();
}

void repeated_values_written(std::uint64_t seq) {
  if (t_pending.empty()) return;
  std::lock_guard lock(g_mutex);
  for (Pending& pending : t_pending) {
    Written* slot = nullptr;
    for (Written& written : g_written) {
      if (written.field == pending.field) slot = &written;
    }
    if (slot == nullptr) slot = &g_written.emplace_back();
    *slot = {pending.field, std::move(pending.text), seq};
  }
  t_pending.clear();
}

}  // namespace vigil
