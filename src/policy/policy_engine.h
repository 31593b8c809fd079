// A policy compiled for evaluation: rules indexed by event name, so an
// event no rule names costs one hash lookup and no allocation.
#pragma once

#include "argument_value.h"
#include "event_catalog.h"
#include "json_text.h"
#include "policy.h"
#include "start_info.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil {

// Facts about the process, fixed at start.
// The environment variable facts cross exec in.
inline constexpr const char* kInheritedFactsVariable = "VIGIL_FACTS";

struct ProcessFacts {
  long long uid = 0;
  std::string script;  // the file run, for entry mode "file"; empty otherwise
  std::string entry;   // file, command, module, stdin, interactive or bootstrap
};

struct Verdict {
  static constexpr std::size_t kMaxReported = 8;
  // The strongest action of the matching rules.
  Action action = Action::log;
  // Whether that action takes effect (enforce mode); in audit mode deny
  // and kill only raise alerts.
  bool enforced = false;
  // Matching rules that raise an alert (alert, deny, kill), in policy
  // order; at most kMaxReported, the rest are counted.
  std::array<const Rule*, kMaxReported> alerts{};
  std::size_t alert_count = 0;
  std::size_t alerts_not_reported = 0;
  // What each reported alert is about, by the rule's `subject`; empty
  // for rules without one.
  std::array<std::string, kMaxReported> subjects;
  const Rule* decisive = nullptr;  // the rule whose action is `action`
  // Allow rules that matched, in policy order (docs/policy.md, Precedence).
  std::array<const Rule*, kMaxReported> allows{};
  std::size_t allow_count = 0;
  // Rules that matched but were cancelled, each with the allow rule that
  // cancelled it; beyond kMaxReported they are counted.
  struct Cancelled {
    const Rule* rule = nullptr;
    const Rule* allowed_by = nullptr;
  };
  std::array<Cancelled, kMaxReported> cancelled{};
  std::size_t cancelled_count = 0;
  std::size_t cancelled_not_reported = 0;
  // A `log` rule's rate limit or sampling dropped this event's record.
  bool suppressed = false;

  // What the runtime found that made `detailed` match (a trust rule's
  // file and reason); its alert's message ends with it.
  const Rule* detailed = nullptr;
  std::string_view detail;
  // Matching rules that other rules come `after`: PolicyEngine::note()
  // remembers them once the event's record has its seq.
  std::array<const Rule*, kMaxReported> prerequisites{};
  std::size_t prerequisite_count = 0;
  // Matching rules that set facts, and each one's subject: note()
  // establishes the facts once the event's record has its seq.
  std::array<const Rule*, kMaxReported> establishing{};
  std::array<std::string, kMaxReported> established_subjects;
  std::size_t establishing_count = 0;
  bool denies() const { return enforced && action >= Action::deny; }
  // The event record carries a `decision`: a rule alerted, denied or
  // killed, or an allow cancelled one.
  bool decided() const { return action != Action::log || cancelled_count != 0 || cancelled_not_reported != 0; }
  // Counts a matching rule that raises an alert (alert, deny or kill).
  void add(const Rule& rule, std::string subject = {});
  std::string_view detail_of(const Rule& rule) const { return &rule == detailed ? detail : std::string_view(); }
};

class PolicyEngine {
 public:
  PolicyEngine(Policy policy, ProcessFacts process);
  // The index views the policy's own strings.
  PolicyEngine(const PolicyEngine&) = delete;
  PolicyEngine& operator=(const PolicyEngine&) = delete;

  const Policy& policy() const { return policy_; }
  const ProcessFacts& process() const { return process_; }
  bool enforcing() const { return policy_.mode == Mode::enforce; }

  // Rules among the first 64 of a bucket that apply only when one argument
  // matches one of their glob lists: when it matches none of the patterns
  // of them all, one automaton says so and none of those rules is judged.
  struct GlobScreen {
    std::size_t position = 0;  // the argument
    std::shared_ptr<const LazyRegex> automaton;
    std::uint64_t rules = 0;  // bit i: the bucket's rules[i]
  };
  // The rules that may match one event, and its argument names.
  struct Bucket {
    const EventSignature* signature = nullptr;
    std::vector<const Rule*> rules;   // every rule but the allow rules
    std::vector<const Rule*> allows;  // judged first
    std::vector<GlobScreen> screens;
  };
  // Null when no rule can match `event`: the fast path.
  const Bucket* candidates(std::string_view event) const;

  // One event may be judged under more than one name: a code file's
  // `open` also meets the rules on vigil.open_code.
  struct Lookup {
    std::string_view event;
    const Bucket* bucket;  // from candidates(event); may be null
    // The arguments of this name when they are not the event's own: a
    // view such as vigil.process_start, which the runtime derives.
    ArgumentSource* arguments = nullptr;
  };
  Verdict evaluate(std::span<const Lookup> lookups, ArgumentSource& arguments, SiteSource& site);
  // candidates() and evaluate() together.
  Verdict evaluate(std::string_view event, ArgumentSource& arguments, SiteSource& site);

  // Adds to a verdict a rule the runtime found broken for the event (a
  // `trust.*` rule, with what it found) unless an allow rule that matched
  // the event cancels it.
  void add_finding(Verdict& verdict, const Rule& rule, std::string_view detail) const;

  // The first allow rule among the verdict's that cancels `rule`, or null.
  const Rule* cancelling_allow(const Verdict& verdict, const Rule& rule) const;

  // For explaining a decision: the index of the first of `rule`'s
  // `except` tables whose conditions all hold for this event, or -1.
  int matching_exception(const Rule& rule, std::string_view event, ArgumentSource& arguments, SiteSource& site) const;
  // For explaining a decision: the index of the first of `rule`'s
  // conditions that fails for this event, or -1 when the rule matches.
  int failing_condition(const Rule& rule, std::string_view event, ArgumentSource& arguments, SiteSource& site) const;

  // Remembers the verdict's prerequisite matches and establishes its
  // facts: now, by this process, in the record numbered `seq`.
  void note(const Verdict& verdict, std::uint64_t seq);
  // For an alert of a rule with `given` or `given_any`: `"because":
  // [{"fact", "pid", "seq", "subject"}]`, the facts it followed.
  void append_because(JsonText& json, const Rule& rule) const;

  // Facts cross exec in the environment (docs/detection.md):
  // "PID;FACT,SEQ,HEXSUBJECT;…" for the facts this process holds, or empty.
  std::string inheritable_facts() const;
  // The facts in the text of inheritable_facts(), when the process that
  // wrote it is `accept_writer(pid)`; malformed entries are skipped.
  static std::vector<InheritedFact> parse_inherited_facts(std::string_view text,
                                                          bool (*accept_writer)(long long pid));
  // Takes facts a parent passed on; facts this policy does not name are
  // left out.
  void inherit(const std::vector<InheritedFact>& facts);
  bool holds_facts() const { return facts_held_; }
  // For the alert of a rule with `after`: `"after": [{"rule", "pid",
  // "seq_ref"}]`, the matches it followed.
  void append_prerequisites(JsonText& json, const Rule& rule) const;

  // Records each rate-limited rule has dropped, for the stop record.
  std::vector<std::pair<std::string, std::uint64_t>> suppressed_counts() const;
  // A forked child counts its own.
  void reset_counters();

 private:
  struct RuleCounters {
    std::atomic<std::uint64_t> seen{0};
    std::atomic<std::int64_t> window_second{-1};
    std::atomic<std::uint64_t> in_window{0};
    std::atomic<std::uint64_t> suppressed{0};
    // The last match of a rule others come after; kept across fork, as the
    // child continues the parent's history.
    std::atomic<std::int64_t> matched_at_ms{-1};
    std::atomic<std::uint64_t> matched_seq{0};
    std::atomic<std::int64_t> matched_pid{0};
    // threshold: when the current window began, and its matches so far.
    std::atomic<std::int64_t> burst_start_ms{-1};
    std::atomic<std::uint64_t> burst_count{0};
  };

  int failing_condition(const std::vector<Condition>& conditions, const EventSignature* signature,
                        ArgumentSource& arguments, SiteSource& site) const;
  int matching_exception(const Rule& rule, const EventSignature* signature, ArgumentSource& arguments,
                         SiteSource& site) const;
  // A rule's history (`after`, `given`), conditions and exceptions hold;
  // its threshold is not counted here.
  bool applies(std::size_t index, const Bucket& bucket, ArgumentSource& arguments, SiteSource& site,
               std::int64_t& now_ms) const;
  bool keeps_record(const Rule& rule);
  bool follows_its_prerequisites(std::size_t rule, std::int64_t now_ms) const;
  bool given_facts_hold(std::size_t rule, std::int64_t now_ms) const;
  bool reaches_threshold(std::size_t rule, std::int64_t now_ms);
  bool fact_holds(std::size_t fact, long long within_seconds, std::int64_t now_ms) const;
  const ArgValue& subject_value(Subject subject, const std::string& field, std::optional<std::size_t> position,
                                const EventSignature* signature, ArgumentSource& arguments, SiteSource& site,
                                ArgValue& scratch) const;
  bool site_is_entry(const ArgValue& file) const;

  Policy policy_;
  ProcessFacts process_;
  ArgValue uid_value_;
  ArgValue script_value_;
  ArgValue entry_value_;
  // With glob rules, every catalogued event has a bucket, empty or not,
  // so one lookup settles it; names outside the catalogue try the globs.
  std::unordered_map<std::string_view, Bucket> by_event_;
  Bucket glob_bucket_;
  std::unique_ptr<RuleCounters[]> counters_;
  // By rule index: the rules it comes after, and whether any rule comes
  // after it.
  std::vector<std::vector<std::size_t>> after_;
  // By rule index: the allow rules whose `overrides` take it in.
  std::vector<std::vector<const Rule*>> cancelled_by_;
  std::vector<char> prerequisite_;

  // Facts by index; names sorted.
  struct FactState {
    std::int64_t at_ms = -1;  // monotonic; -1: not established
    std::uint64_t seq = 0;
    std::int64_t pid = 0;
    std::string subject;
  };
  std::vector<std::string> fact_names_;
  std::vector<FactState> facts_;
  bool facts_held_ = false;
  // By rule index: the facts it sets, needs all of, needs one of.
  std::vector<std::vector<std::size_t>> sets_;
  std::vector<std::vector<std::size_t>> given_;
  std::vector<std::vector<std::size_t>> given_any_;
  std::size_t fact_index(std::string_view name) const;
};

// How an alert or a fact names a value: text as it is (at most 300 bytes),
// a socket address as host:port, a number in digits.
std::string subject_text(const ArgValue& value);

}  // namespace vigil
