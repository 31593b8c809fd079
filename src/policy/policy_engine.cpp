#include "policy_engine.h"

#include "glob.h"

#include <algorithm>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

// Read when a rule asks, not fixed at start: a reverse shell moves a
// socket onto the standard streams with dup2 just before it starts a shell.
bool standard_stream_is_socket() {
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    struct stat status {};
    if (fstat(fd, &status) == 0 && S_ISSOCK(status.st_mode)) return true;
  }
  return false;
}

bool names_event(const Rule& rule, std::string_view event) {
  return std::any_of(rule.events.begin(), rule.events.end(),
                     [&](const std::string& pattern) { return glob_match(pattern, event); });
}

std::size_t rule_index(const Policy& policy, const Rule& rule) {
  return static_cast<std::size_t>(&rule - policy.rules.data());
}

std::int64_t monotonic_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace

PolicyEngine::PolicyEngine(Policy policy, ProcessFacts process)
    : policy_(std::move(policy)), process_(std::move(process)), counters_(new RuleCounters[policy_.rules.size()]) {
  uid_value_ = ArgValue::of_integer(process_.uid);
  script_value_ = process_.script.empty() ? ArgValue::of_none() : ArgValue::of_text(process_.script);
  entry_value_ = ArgValue::of_text(process_.entry);
  after_.resize(policy_.rules.size());
  prerequisite_.resize(policy_.rules.size());
  for (std::size_t i = 0; i < policy_.rules.size(); ++i) {
    for (const std::string& id : policy_.rules[i].after) {
      const Rule* required = find_rule(policy_, id);
      if (required == nullptr) continue;  // the loader reports it
      std::size_t index = rule_index(policy_, *required);
      after_[i].push_back(index);
      prerequisite_[index] = 1;
    }
  }
  for (const Rule& rule : policy_.rules) {
    if (std::any_of(rule.events.begin(), rule.events.end(), has_glob_characters)) glob_bucket_.rules.push_back(&rule);
  }
  if (!glob_bucket_.rules.empty()) {
    for (const EventSignature& signature : event_catalog()) by_event_[signature.name].signature = &signature;
  }
  // Rules in policy order, so alerts are reported in file order.
  auto add = [](Bucket& bucket, const Rule* rule) {
    if (bucket.rules.empty() || bucket.rules.back() != rule) bucket.rules.push_back(rule);
  };
  for (const Rule& rule : policy_.rules) {
    for (const std::string& pattern : rule.events) {
      if (!has_glob_characters(pattern)) {
        auto [at, inserted] = by_event_.try_emplace(pattern);
        if (inserted) at->second.signature = find_event_signature(pattern);
        add(at->second, &rule);
        continue;
      }
      for (const EventSignature& signature : event_catalog()) {
        if (glob_match(pattern, signature.name)) add(by_event_[signature.name], &rule);
      }
    }
  }
}

const PolicyEngine::Bucket* PolicyEngine::candidates(std::string_view event) const {
  auto found = by_event_.find(event);
  if (found != by_event_.end()) return found->second.rules.empty() ? nullptr : &found->second;
  return glob_bucket_.rules.empty() ? nullptr : &glob_bucket_;
}

void Verdict::add(const Rule& rule) {
  // A record that raises an alert is never thinned.
  suppressed = false;
  if (alert_count < kMaxReported) {
    alerts[alert_count++] = &rule;
  } else {
    ++alerts_not_reported;
  }
  if (decisive == nullptr || rule.action > action) {
    action = rule.action;
    decisive = &rule;
  }
}

Verdict PolicyEngine::evaluate(std::string_view event, ArgumentSource& arguments, SiteSource& site) {
  Lookup lookup{event, candidates(event)};
  return evaluate(std::span(&lookup, 1), arguments, site);
}

Verdict PolicyEngine::evaluate(std::span<const Lookup> lookups, ArgumentSource& arguments, SiteSource& site) {
  Verdict verdict;
  verdict.enforced = enforcing();
  const Rule* limiting = nullptr;
  std::int64_t now_ms = -1;
  for (const Lookup& lookup : lookups) {
    if (lookup.bucket == nullptr) continue;
    bool from_globs = lookup.bucket == &glob_bucket_;
    for (const Rule* rule : lookup.bucket->rules) {
      if (from_globs && !names_event(*rule, lookup.event)) continue;
      std::size_t index = rule_index(policy_, *rule);
      if (!after_[index].empty()) {
        if (now_ms < 0) now_ms = monotonic_ms();
        if (!follows_its_prerequisites(index, now_ms)) continue;
      }
      if (failing_condition(*rule, lookup.bucket->signature, arguments, site) >= 0) continue;
      if (prerequisite_[index] && verdict.prerequisite_count < Verdict::kMaxReported) {
        verdict.prerequisites[verdict.prerequisite_count++] = rule;
      }
      if (rule->action == Action::log) {
        if (rule->limit.active() && limiting == nullptr) limiting = rule;
        continue;
      }
      verdict.add(*rule);
    }
  }
  // Only a plain record may be thinned; the first limiting rule decides.
  if (limiting != nullptr && verdict.action == Action::log) verdict.suppressed = !keeps_record(*limiting);
  return verdict;
}

int PolicyEngine::failing_condition(const Rule& rule, std::string_view event, ArgumentSource& arguments,
                                   SiteSource& site) const {
  return failing_condition(rule, find_event_signature(event), arguments, site);
}

int PolicyEngine::failing_condition(const Rule& rule, const EventSignature* signature, ArgumentSource& arguments,
                                    SiteSource& site) const {
  static const ArgValue kMissing;
  for (std::size_t index = 0; index < rule.conditions.size(); ++index) {
    const Condition& condition = rule.conditions[index];
    const ArgValue* value = &kMissing;
    ArgValue fact;  // a value read when the rule asks
    switch (condition.subject) {
      case Subject::argument: {
        std::size_t position = condition.position.value_or(SIZE_MAX);
        if (!condition.position && signature != nullptr) {
          const auto& fields = signature->fields;
          auto at = std::find(fields.begin(), fields.end(), condition.field);
          if (at != fields.end()) position = static_cast<std::size_t>(at - fields.begin());
        }
        if (position < arguments.count()) value = &arguments.value(position);
        break;
      }
      case Subject::site_file:
        value = &site.file();
        break;
      case Subject::site_verified:
        fact = ArgValue::of_boolean(site.verified());
        value = &fact;
        break;
      case Subject::site_entry:
        fact = ArgValue::of_boolean(site_is_entry(site.file()));
        value = &fact;
        break;
      case Subject::process_uid:
        value = &uid_value_;
        break;
      case Subject::process_script:
        value = &script_value_;
        break;
      case Subject::process_entry:
        value = &entry_value_;
        break;
      case Subject::process_socket_stdio:
        fact = ArgValue::of_boolean(standard_stream_is_socket());
        value = &fact;
        break;
    }
    if (!condition.matches(*value)) return static_cast<int>(index);
  }
  return -1;
}

bool PolicyEngine::follows_its_prerequisites(std::size_t rule, std::int64_t now_ms) const {
  long long within = policy_.rules[rule].within_seconds;
  for (std::size_t required : after_[rule]) {
    std::int64_t matched = counters_[required].matched_at_ms.load(std::memory_order_relaxed);
    if (matched < 0 || (within != 0 && now_ms - matched > within * 1000)) return false;
  }
  return true;
}

void PolicyEngine::note(const Verdict& verdict, std::uint64_t seq) {
  if (verdict.prerequisite_count == 0) return;
  std::int64_t now_ms = monotonic_ms();
  for (std::size_t i = 0; i < verdict.prerequisite_count; ++i) {
    RuleCounters& counters = counters_[rule_index(policy_, *verdict.prerequisites[i])];
    counters.matched_seq.store(seq, std::memory_order_relaxed);
    counters.matched_pid.store(getpid(), std::memory_order_relaxed);
    counters.matched_at_ms.store(now_ms, std::memory_order_relaxed);
  }
}

void PolicyEngine::append_prerequisites(JsonText& json, const Rule& rule) const {
  const auto& required = after_[rule_index(policy_, rule)];
  if (required.empty()) return;
  json.key("after");
  json.begin_array();
  for (std::size_t index : required) {
    json.begin_object();
    json.key("rule");
    json.string(policy_.rules[index].id);
    json.key("pid");
    json.integer(counters_[index].matched_pid.load(std::memory_order_relaxed));
    json.key("seq_ref");
    json.unsigned_integer(counters_[index].matched_seq.load(std::memory_order_relaxed));
    json.end_object();
  }
  json.end_array();
}

bool PolicyEngine::site_is_entry(const ArgValue& file) const {
  if (file.kind != ValueKind::text) return false;
  if (process_.entry == "file") return file.text == process_.script;
  if (process_.entry == "command") return file.text == "<string>";
  if (process_.entry == "stdin") return file.text == "<stdin>";
  return false;
}

bool PolicyEngine::keeps_record(const Rule& rule) {
  RuleCounters& counters = counters_[rule_index(policy_, rule)];
  bool keep = true;
  if (rule.limit.sample_one_in != 0) {
    keep = counters.seen.fetch_add(1, std::memory_order_relaxed) % rule.limit.sample_one_in == 0;
  }
  if (keep && rule.limit.per_second != 0) {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    std::int64_t window = counters.window_second.load(std::memory_order_relaxed);
    if (window != now.tv_sec && counters.window_second.compare_exchange_strong(window, now.tv_sec)) {
      counters.in_window.store(0, std::memory_order_relaxed);
    }
    keep = counters.in_window.fetch_add(1, std::memory_order_relaxed) < rule.limit.per_second;
  }
  if (!keep) counters.suppressed.fetch_add(1, std::memory_order_relaxed);
  return keep;
}

std::vector<std::pair<std::string, std::uint64_t>> PolicyEngine::suppressed_counts() const {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  for (std::size_t i = 0; i < policy_.rules.size(); ++i) {
    std::uint64_t suppressed = counters_[i].suppressed.load(std::memory_order_relaxed);
    if (suppressed != 0) counts.emplace_back(policy_.rules[i].id, suppressed);
  }
  return counts;
}

void PolicyEngine::reset_counters() {
  for (std::size_t i = 0; i < policy_.rules.size(); ++i) {
    counters_[i].seen.store(0, std::memory_order_relaxed);
    counters_[i].window_second.store(-1, std::memory_order_relaxed);
    counters_[i].in_window.store(0, std::memory_order_relaxed);
    counters_[i].suppressed.store(0, std::memory_order_relaxed);
  }
}

}  // namespace vigil
