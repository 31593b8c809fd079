#include "policy_engine.h"

#include "file_io.h"
#include "glob.h"
#include "json_text.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

// Read when a rule asks, not fixed at start: a reverse shell moves a
// socket onto the standard streams with dup2 just before it starts a shell.
bool standard_stream_is_socket() {
  return is_socket(STDIN_FILENO) || is_socket(STDOUT_FILENO) || is_socket(STDERR_FILENO);
}

// The argument a condition on `field` (or `position`) of an event with
// `signature` reads; SIZE_MAX when the event has no such argument.
std::size_t argument_position(const std::string& field, std::optional<std::size_t> position,
                              const EventSignature* signature) {
  if (position) return *position;
  if (signature == nullptr) return SIZE_MAX;
  auto found = std::find(signature->fields.begin(), signature->fields.end(), field);
  return found != signature->fields.end() ? static_cast<std::size_t>(found - signature->fields.begin()) : SIZE_MAX;
}

// A condition that holds only when the argument at its position matches
// one of `globs`: an argument test, not negated, with a glob matcher.
const Matcher* required_globs(const Condition& condition) {
  if (condition.subject != Subject::argument || condition.negate) return nullptr;
  for (const Matcher& matcher : condition.matchers) {
    if (matcher.op == Matcher::Op::glob) return &matcher;
  }
  return nullptr;
}

// Groups the rules of `bucket` by the arguments their glob lists need to
// match (a rule with lists on two arguments is in two groups). A group of
// fewer than 4 saves less than its automaton costs to build over a
// program's first few hundred events.
void add_glob_screens(PolicyEngine::Bucket& bucket) {
  struct Group {
    std::vector<std::string> patterns;
    std::uint64_t rules = 0;
    int count = 0;
  };
  std::map<std::size_t, Group> groups;
  for (std::size_t i = 0; i < bucket.rules.size() && i < 64; ++i) {
    std::uint64_t bit = std::uint64_t{1} << i;
    for (const Condition& condition : bucket.rules[i]->conditions) {
      const Matcher* globs = required_globs(condition);
      std::size_t position = argument_position(condition.field, condition.position, bucket.signature);
      if (globs == nullptr || position == SIZE_MAX) continue;
      Group& group = groups[position];
      // One list per argument: the text must match that one already.
      if ((group.rules & bit) != 0) continue;
      for (const Literal& literal : globs->literals) group.patterns.push_back(std::get<std::string>(literal));
      group.rules |= bit;
      ++group.count;
    }
  }
  for (auto& [position, group] : groups) {
    if (group.count < 4) continue;
    bucket.screens.push_back({position, glob_automaton(std::move(group.patterns)), group.rules});
  }
}

// The bucket's rules that cannot apply because an argument misses every
// glob they need it to match (see GlobScreen).
std::uint64_t screened_out(const PolicyEngine::Bucket& bucket, ArgumentSource& arguments) {
  std::uint64_t out = 0;
  for (const PolicyEngine::GlobScreen& screen : bucket.screens) {
    if (!screen.automaton->worth_compiling()) continue;
    // A missing argument or one that is not text matches no glob either.
    const ArgValue* value = screen.position < arguments.count() ? &arguments.value(screen.position) : nullptr;
    bool text = value != nullptr && (value->kind == ValueKind::text || value->kind == ValueKind::bytes);
    if (!text || !matches_glob_automaton(*screen.automaton, value->text)) out |= screen.rules;
  }
  return out;
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
  cancelled_by_.resize(policy_.rules.size());
  for (const Rule& allow : policy_.rules) {
    if (allow.overrides.empty()) continue;
    for (std::size_t i = 0; i < policy_.rules.size(); ++i) {
      const Rule& target = policy_.rules[i];
      if (std::any_of(allow.overrides.begin(), allow.overrides.end(),
                      [&](const std::string& pattern) { return overrides(pattern, target); })) {
        cancelled_by_[i].push_back(&allow);
      }
    }
  }
  std::set<std::string> names;
  for (const Rule& rule : policy_.rules) {
    for (const auto* list : {&rule.sets, &rule.given, &rule.given_any}) names.insert(list->begin(), list->end());
  }
  fact_names_.assign(names.begin(), names.end());
  facts_.resize(fact_names_.size());
  sets_.resize(policy_.rules.size());
  given_.resize(policy_.rules.size());
  given_any_.resize(policy_.rules.size());
  for (std::size_t i = 0; i < policy_.rules.size(); ++i) {
    const Rule& rule = policy_.rules[i];
    for (const std::string& name : rule.sets) sets_[i].push_back(fact_index(name));
    for (const std::string& name : rule.given) given_[i].push_back(fact_index(name));
    for (const std::string& name : rule.given_any) given_any_[i].push_back(fact_index(name));
  }
  for (const Rule& rule : policy_.rules) {
    if (std::any_of(rule.events.begin(), rule.events.end(), has_glob_characters)) {
      (rule.action == Action::allow ? glob_bucket_.allows : glob_bucket_.rules).push_back(&rule);
    }
  }
  if (!glob_bucket_.rules.empty() || !glob_bucket_.allows.empty()) {
    for (const EventSignature& signature : event_catalog()) by_event_[signature.name].signature = &signature;
  }
  // Rules in policy order, so alerts are reported in file order.
  auto add = [](Bucket& bucket, const Rule* rule) {
    auto& list = rule->action == Action::allow ? bucket.allows : bucket.rules;
    if (list.empty() || list.back() != rule) list.push_back(rule);
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
  for (auto& [event, bucket] : by_event_) add_glob_screens(bucket);
}

const PolicyEngine::Bucket* PolicyEngine::candidates(std::string_view event) const {
  auto empty = [](const Bucket& bucket) { return bucket.rules.empty() && bucket.allows.empty(); };
  auto found = by_event_.find(event);
  if (found != by_event_.end()) return empty(found->second) ? nullptr : &found->second;
  return empty(glob_bucket_) ? nullptr : &glob_bucket_;
}

void Verdict::add(const Rule& rule, std::string subject) {
  // A record that raises an alert is never thinned.
  suppressed = false;
  if (alert_count < kMaxReported) {
    subjects[alert_count] = std::move(subject);
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

bool PolicyEngine::applies(std::size_t index, const Bucket& bucket, ArgumentSource& arguments, SiteSource& site,
                           std::int64_t& now_ms) const {
  const Rule& rule = policy_.rules[index];
  if (!after_[index].empty() || !given_[index].empty() || !given_any_[index].empty()) {
    if (now_ms < 0) now_ms = monotonic_ms();
    if (!follows_its_prerequisites(index, now_ms) || !given_facts_hold(index, now_ms)) return false;
  }
  return failing_condition(rule.conditions, bucket.signature, arguments, site) < 0 &&
         (rule.exceptions.empty() || matching_exception(rule, bucket.signature, arguments, site) < 0);
}

const Rule* PolicyEngine::cancelling_allow(const Verdict& verdict, const Rule& rule) const {
  // Vigil's own rules (vigil.refused_children, the kernel's securebits)
  // are no policy's: no allow names them.
  if (policy_.rules.empty() || &rule < &policy_.rules.front() || &rule > &policy_.rules.back()) return nullptr;
  for (const Rule* allow : cancelled_by_[rule_index(policy_, rule)]) {
    if (std::find(verdict.allows.begin(), verdict.allows.begin() + verdict.allow_count, allow) !=
        verdict.allows.begin() + verdict.allow_count) {
      return allow;
    }
  }
  return nullptr;
}

namespace {

void note_cancelled(Verdict& verdict, const Rule& rule, const Rule& allow) {
  // A rule on two names of one event (`open` and `vigil.open_code`) is cancelled once.
  for (std::size_t i = 0; i < verdict.cancelled_count; ++i) {
    if (verdict.cancelled[i].rule == &rule) return;
  }
  if (verdict.cancelled_count < Verdict::kMaxReported) {
    verdict.cancelled[verdict.cancelled_count++] = {&rule, &allow};
  } else {
    ++verdict.cancelled_not_reported;
  }
}

}  // namespace

void PolicyEngine::add_finding(Verdict& verdict, const Rule& rule, std::string_view detail) const {
  if (const Rule* allow = cancelling_allow(verdict, rule)) {
    note_cancelled(verdict, rule, *allow);
    return;
  }
  verdict.add(rule);
  verdict.detailed = &rule;
  verdict.detail = detail;
}

Verdict PolicyEngine::evaluate(std::span<const Lookup> lookups, ArgumentSource& arguments, SiteSource& site) {
  Verdict verdict;
  verdict.enforced = enforcing();
  const Rule* limiting = nullptr;
  std::int64_t now_ms = -1;
  // Allow rules first: a rule they cancel must not count toward its
  // threshold, mark the moment for `after` or set facts.
  for (const Lookup& lookup : lookups) {
    if (lookup.bucket == nullptr) continue;
    bool from_globs = lookup.bucket == &glob_bucket_;
    ArgumentSource& own = lookup.arguments != nullptr ? *lookup.arguments : arguments;
    for (const Rule* allow : lookup.bucket->allows) {
      if (from_globs && !names_event(*allow, lookup.event)) continue;
      if (verdict.allow_count == Verdict::kMaxReported ||
          std::find(verdict.allows.begin(), verdict.allows.begin() + verdict.allow_count, allow) !=
              verdict.allows.begin() + verdict.allow_count) {
        continue;
      }
      if (applies(rule_index(policy_, *allow), *lookup.bucket, own, site, now_ms)) {
        verdict.allows[verdict.allow_count++] = allow;
      }
    }
  }
  for (const Lookup& lookup : lookups) {
    if (lookup.bucket == nullptr) continue;
    bool from_globs = lookup.bucket == &glob_bucket_;
    ArgumentSource& own = lookup.arguments != nullptr ? *lookup.arguments : arguments;
    std::uint64_t screened = screened_out(*lookup.bucket, own);
    for (std::size_t position = 0; position < lookup.bucket->rules.size(); ++position) {
      const Rule* rule = lookup.bucket->rules[position];
      if (position < 64 && (screened >> position & 1) != 0) continue;
      if (from_globs && !names_event(*rule, lookup.event)) continue;
      std::size_t index = rule_index(policy_, *rule);
      if (!applies(index, *lookup.bucket, own, site, now_ms)) continue;
      if (verdict.allow_count != 0) {
        if (const Rule* allow = cancelling_allow(verdict, *rule)) {
          note_cancelled(verdict, *rule, *allow);
          continue;
        }
      }
      if (rule->threshold_count != 0) {
        if (now_ms < 0) now_ms = monotonic_ms();
        if (!reaches_threshold(index, now_ms)) continue;
      }
      if (prerequisite_[index] && verdict.prerequisite_count < Verdict::kMaxReported) {
        verdict.prerequisites[verdict.prerequisite_count++] = rule;
      }
      std::string subject;
      bool alerts = rule->action != Action::log;
      if (rule->subject && (alerts || !sets_[index].empty())) {
        ArgValue scratch;
        subject = subject_text(subject_value(rule->subject->subject, rule->subject->field, rule->subject->position,
                                             lookup.bucket->signature, own, site, scratch));
      }
      if (!sets_[index].empty() && verdict.establishing_count < Verdict::kMaxReported) {
        verdict.established_subjects[verdict.establishing_count] = alerts ? subject : std::move(subject);
        verdict.establishing[verdict.establishing_count++] = rule;
      }
      if (!alerts) {
        if (rule->limit.active() && limiting == nullptr) limiting = rule;
        continue;
      }
      verdict.add(*rule, std::move(subject));
    }
  }
  // Only a plain record may be thinned; the first limiting rule decides.
  // A record whose rules an allow cancelled is kept: an allow never hides
  // the event.
  if (limiting != nullptr && !verdict.decided()) verdict.suppressed = !keeps_record(*limiting);
  return verdict;
}

int PolicyEngine::failing_condition(const Rule& rule, std::string_view event, ArgumentSource& arguments,
                                   SiteSource& site) const {
  return failing_condition(rule.conditions, find_event_signature(event), arguments, site);
}

int PolicyEngine::matching_exception(const Rule& rule, std::string_view event, ArgumentSource& arguments,
                                     SiteSource& site) const {
  return matching_exception(rule, find_event_signature(event), arguments, site);
}

int PolicyEngine::matching_exception(const Rule& rule, const EventSignature* signature, ArgumentSource& arguments,
                                     SiteSource& site) const {
  for (std::size_t index = 0; index < rule.exceptions.size(); ++index) {
    if (failing_condition(rule.exceptions[index], signature, arguments, site) < 0) return static_cast<int>(index);
  }
  return -1;
}

const ArgValue& PolicyEngine::subject_value(Subject subject, const std::string& field,
                                            std::optional<std::size_t> position, const EventSignature* signature,
                                            ArgumentSource& arguments, SiteSource& site, ArgValue& scratch) const {
  static const ArgValue kMissing;
  switch (subject) {
    case Subject::argument: {
      std::size_t at = argument_position(field, position, signature);
      return at < arguments.count() ? arguments.value(at) : kMissing;
    }
    case Subject::site_file:
      return site.file();
    case Subject::site_verified:
      scratch = ArgValue::of_boolean(site.verified());
      return scratch;
    case Subject::site_entry:
      scratch = ArgValue::of_boolean(site_is_entry(site.file()));
      return scratch;
    case Subject::process_uid:
      return uid_value_;
    case Subject::process_script:
      return script_value_;
    case Subject::process_entry:
      return entry_value_;
    case Subject::process_socket_stdio:
      scratch = ArgValue::of_boolean(standard_stream_is_socket());
      return scratch;
  }
  return kMissing;
}

int PolicyEngine::failing_condition(const std::vector<Condition>& conditions, const EventSignature* signature,
                                    ArgumentSource& arguments, SiteSource& site) const {
  for (std::size_t index = 0; index < conditions.size(); ++index) {
    const Condition& condition = conditions[index];
    ArgValue scratch;  // a value read when the rule asks
    const ArgValue& value =
        subject_value(condition.subject, condition.field, condition.position, signature, arguments, site, scratch);
    if (!condition.matches(value)) return static_cast<int>(index);
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

bool PolicyEngine::fact_holds(std::size_t fact, long long within_seconds, std::int64_t now_ms) const {
  std::int64_t at = facts_[fact].at_ms;
  return at >= 0 && (within_seconds == 0 || now_ms - at <= within_seconds * 1000);
}

bool PolicyEngine::reaches_threshold(std::size_t rule, std::int64_t now_ms) {
  RuleCounters& counters = counters_[rule];
  const Rule& definition = policy_.rules[rule];
  std::int64_t start = counters.burst_start_ms.load(std::memory_order_relaxed);
  if (start < 0 || now_ms - start > definition.threshold_seconds * 1000) {
    counters.burst_start_ms.store(now_ms, std::memory_order_relaxed);
    counters.burst_count.store(0, std::memory_order_relaxed);
  }
  return counters.burst_count.fetch_add(1, std::memory_order_relaxed) + 1 == definition.threshold_count;
}

bool PolicyEngine::given_facts_hold(std::size_t rule, std::int64_t now_ms) const {
  long long within = policy_.rules[rule].within_seconds;
  for (std::size_t fact : given_[rule]) {
    if (!fact_holds(fact, within, now_ms)) return false;
  }
  if (given_any_[rule].empty()) return true;
  return std::any_of(given_any_[rule].begin(), given_any_[rule].end(),
                     [&](std::size_t fact) { return fact_holds(fact, within, now_ms); });
}

std::size_t PolicyEngine::fact_index(std::string_view name) const {
  return static_cast<std::size_t>(std::lower_bound(fact_names_.begin(), fact_names_.end(), name) - fact_names_.begin());
}

void PolicyEngine::append_because(JsonText& json, const Rule& rule) const {
  std::size_t index = rule_index(policy_, rule);
  if (given_[index].empty() && given_any_[index].empty()) return;
  std::int64_t now_ms = monotonic_ms();
  json.key("because");
  json.begin_array();
  for (const auto* list : {&given_[index], &given_any_[index]}) {
    for (std::size_t fact : *list) {
      if (!fact_holds(fact, rule.within_seconds, now_ms)) continue;
      const FactState& state = facts_[fact];
      json.begin_object();
      json.key("fact");
      json.string(fact_names_[fact]);
      json.key("pid");
      json.integer(state.pid);
      json.key("seq");
      json.unsigned_integer(state.seq);
      if (!state.subject.empty()) {
        json.key("subject");
        json.string(state.subject);
      }
      json.end_object();
    }
  }
  json.end_array();
}

namespace {

std::optional<std::string> unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string text;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = digit(hex[i]);
    int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    text += static_cast<char>(high * 16 + low);
  }
  return text;
}

template <typename Number>
std::optional<Number> number_of(std::string_view text) {
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A subject travels in the environment, which has a size limit: it names,
// it does not carry a payload.
constexpr std::size_t kInheritedSubjectBytes = 120;
constexpr std::size_t kMaxInheritedFacts = 64;

}  // namespace

std::string PolicyEngine::inheritable_facts() const {
  if (!facts_held_) return {};
  std::string text = std::to_string(getpid());
  for (std::size_t i = 0; i < facts_.size(); ++i) {
    const FactState& state = facts_[i];
    if (state.at_ms < 0) continue;
    text += ';';
    text += fact_names_[i];
    text += ',';
    text += std::to_string(state.pid);
    text += ',';
    text += std::to_string(state.seq);
    text += ',';
    append_hex(text, std::string_view(state.subject).substr(0, kInheritedSubjectBytes));
  }
  return text;
}

std::vector<InheritedFact> PolicyEngine::parse_inherited_facts(std::string_view text,
                                                               bool (*accept_writer)(long long pid)) {
  std::vector<InheritedFact> facts;
  std::size_t separator = text.find(';');
  auto writer = number_of<long long>(text.substr(0, separator));
  if (!writer || !accept_writer(*writer)) return facts;
  while (separator != std::string_view::npos && facts.size() < kMaxInheritedFacts) {
    text.remove_prefix(separator + 1);
    separator = text.find(';');
    std::string_view entry = text.substr(0, separator);
    std::string_view parts[4];
    std::size_t count = 0;
    for (; count < 4; ++count) {
      std::size_t comma = entry.find(',');
      parts[count] = entry.substr(0, comma);
      if (comma == std::string_view::npos) break;
      entry.remove_prefix(comma + 1);
    }
    if (count != 3) continue;
    auto pid = number_of<long long>(parts[1]);
    auto seq = number_of<std::uint64_t>(parts[2]);
    auto subject = unhex(parts[3].substr(0, kInheritedSubjectBytes * 2));
    if (parts[0].empty() || parts[0].size() > 64 || !pid || !seq || !subject) continue;
    facts.push_back({std::string(parts[0]), *pid, *seq, std::move(*subject)});
  }
  return facts;
}

void PolicyEngine::inherit(const std::vector<InheritedFact>& facts) {
  std::int64_t now_ms = monotonic_ms();
  for (const InheritedFact& inherited : facts) {
    std::size_t index = fact_index(inherited.fact);
    if (index >= fact_names_.size() || fact_names_[index] != inherited.fact) continue;
    facts_[index] = {now_ms, inherited.seq, inherited.pid, inherited.subject};
    facts_held_ = true;
  }
}

void PolicyEngine::note(const Verdict& verdict, std::uint64_t seq) {
  if (verdict.prerequisite_count == 0 && verdict.establishing_count == 0) return;
  std::int64_t now_ms = monotonic_ms();
  for (std::size_t i = 0; i < verdict.establishing_count; ++i) {
    for (std::size_t fact : sets_[rule_index(policy_, *verdict.establishing[i])]) {
      facts_[fact] = {now_ms, seq, getpid(), verdict.established_subjects[i]};
      facts_held_ = true;
    }
  }
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

namespace {

// At most `limit` bytes, not cutting a UTF-8 sequence in two.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

std::string subject_text(const ArgValue& value) {
  constexpr std::size_t kMaxBytes = 300;
  switch (value.kind) {
    case ValueKind::text:
    case ValueKind::bytes:
      return std::string(utf8_prefix(value.text, kMaxBytes));
    case ValueKind::integer:
    case ValueKind::boolean:
      return std::to_string(value.integer);
    case ValueKind::sequence:
      if (value.items.size() == 2 && value.items[0].kind == ValueKind::text &&
          value.items[1].kind == ValueKind::integer) {
        return std::string(utf8_prefix(value.items[0].text, kMaxBytes)) + ":" + std::to_string(value.items[1].integer);
      }
      return std::string(value.type);
    case ValueKind::missing:
      return {};
    default:
      return std::string(value.type);
  }
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
