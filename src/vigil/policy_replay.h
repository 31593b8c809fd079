// Judging recorded runs with a policy, without running anything: the core
// of `vigil policy replay` and `vigil policy learn` (docs/policy.md,
// "Replaying and learning"). Each `event` record is judged the way
// vigil-python would have judged it, from what the record says: its
// arguments, its call site, the process facts of its pid's `start` record,
// its `trust` member (checked again against the policy's trust database)
// and its `provenance` member (taken as recorded: it depends on the
// process's memory).
#pragma once

#include "logs/log_lines.h"
#include "logs/record_filter.h"
#include "logs/repeated_values.h"
#include "policy.h"
#include "policy_engine.h"
#include "trust_database.h"

#include <simdjson.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace vigil {

// An event record's `args`, rebuilt into what a rule sees from the
// rendering the hook wrote (docs/records.md, "How values are rendered").
class RecordedArguments final : public ArgumentSource {
 public:
  // `args`: an object by the catalogue's names, or an array by position.
  void reset(const EventSignature* signature, simdjson::dom::element args);
  std::size_t count() const override { return elements_.size(); }
  const ArgValue& value(std::size_t position) override;
  // The recorded value of a named argument, if there is one.
  bool element(std::string_view name, simdjson::dom::element& found) const;

 private:
  const EventSignature* signature_ = nullptr;
  std::vector<simdjson::dom::element> elements_;
  std::vector<char> present_;
  ArgValue value_;
  std::array<ArgValue, 2> items_;
  std::string storage_;
  std::array<std::string, 2> item_storage_;
};

// How vigil-python's verdict on a recorded event is known.
enum class Basis {
  replayed,  // judged again now, from the record
  recorded,  // taken from the record: the process's memory or the kernel decided
};

// One rule the event would meet with a deny or kill.
struct Finding {
  std::string rule;  // the rule's id (trust.* for the [trust] rules)
  Action action = Action::deny;
  Severity severity = Severity::high;
  std::string message;
  std::string detail;  // a trust rule's file and reason
  Basis basis = Basis::replayed;
};

// What replay knows of one process from its records.
struct RecordedProcess {
  ProcessFacts facts;
  long long ppid = 0;
  bool started = false;  // its start record was read
  // Code files it read as code, and those the policy's sources vouch for
  // (canonical paths and the paths as opened), for site.verified.
  std::unordered_set<std::string> code_files;
  std::unordered_set<std::string> verified_files;
  // File names of compiles replay judged verified: exec of their code.
  std::unordered_set<std::string> verified_compiles;
  PolicyEngine* engine = nullptr;
  bool saw_trust = false;  // an event carried a trust member: the run had [trust]
  bool pth_refused = false;  // the last .pth file it opened would be refused
};

// One judged event record, as the callers see it.
struct JudgedEvent {
  std::string_view log;
  long line = 0;
  long long pid = 0;
  std::uint64_t seq = 0;
  std::string_view ts;
  std::string_view event;
  simdjson::dom::object record;
  RecordedArguments* arguments = nullptr;
  std::string_view site_file;  // empty when no Python code ran
  bool has_site = false;
  bool site_verified = false;
  const RecordedProcess* process = nullptr;
  std::vector<Finding> findings;
};

// Why parts of a policy or of a log could not be judged.
struct ReplayGaps {
  // Rules that depend on history or on the live process: after, given,
  // given_any, threshold, process.socket_stdio, and views only
  // vigil-python computes. Each with the reason.
  std::map<std::string, std::string> rules_not_judged;
  long events_without_start = 0;  // their pid's start record was not read
  // Events site raised for the lines of a .pth file the policy refuses:
  // in enforce mode they never happen.
  long after_refused_pth = 0;
  long compiles_without_provenance = 0;
  long xattr_verdicts_reused = 0;  // the attribute cannot be read again
  long kernel_verdicts_reused = 0;
  long recorded_findings = 0;  // rules not judged, taken from the record's decision
};

class PolicyReplay {
 public:
  // `database`: the policy's trust database, loaded by the caller; null
  // when the policy counts none.
  PolicyReplay(Policy policy, std::unique_ptr<TrustDatabase> database);

  const Policy& policy() const { return policy_; }
  const ReplayGaps& gaps() const { return gaps_; }
  long records() const { return records_; }
  long events() const { return events_; }
  long bad_lines() const { return bad_lines_; }
  std::size_t processes() const { return processes_.size() + stopped_; }
  // Processes whose records carry no trust member (their run had no
  // [trust] table): trust and provenance are not judged for them.
  std::size_t processes_without_trust() const;

  // Reads one log, oldest first; `on_event` gets every event record with
  // at least one finding, in order, and `on_alert` every alert record.
  template <class OnEvent, class OnAlert>
  void read(LogLines& lines, OnEvent&& on_event, OnAlert&& on_alert) {
    for_each_record(
        lines, parser_,
        [&](simdjson::dom::object record, std::string_view line) {
          repeated_values_.resolve(record, line);
          JudgedEvent* judged = take(record, lines.path(), lines.line_number());
          if (judged != nullptr && !judged->findings.empty()) on_event(*judged);
          if (judged == nullptr && string_member(record, "kind") == "alert") on_alert(record);
        },
        [&] { ++bad_lines_; });
  }
  template <class OnEvent>
  void read(LogLines& lines, OnEvent&& on_event) {
    read(lines, on_event, [](simdjson::dom::object) {});
  }

  // The judgement of one event record made up for another policy: what
  // `learn` uses to check a proposal against the attack-detection rules.
  // Alerts of every action, by this engine and facts.
  static std::vector<const Rule*> matching_rules(PolicyEngine& engine, const JudgedEvent& judged);

 private:
  JudgedEvent* take(simdjson::dom::object record, std::string_view log, long line);
  void start(simdjson::dom::object record, long long pid, const std::string& host);
  void judge_trust(simdjson::dom::object trust, RecordedProcess& process);
  void judge_provenance(RecordedProcess& process);
  void take_recorded_decision();
  PolicyEngine& engine_for(const ProcessFacts& facts);

  Policy policy_;
  std::unique_ptr<TrustDatabase> database_;
  std::set<std::string> not_judged_;
  // Engines by process facts: process.* conditions differ between them.
  std::map<std::tuple<long long, std::string, std::string>, std::unique_ptr<PolicyEngine>> engines_;
  std::unordered_map<std::string, RecordedProcess> processes_;  // by host and pid
  simdjson::dom::parser parser_;
  RepeatedValues repeated_values_;
  RecordedArguments arguments_;
  RecordedArguments open_code_arguments_;
  JudgedEvent judged_;
  ReplayGaps gaps_;
  long records_ = 0;
  long events_ = 0;
  std::size_t stopped_ = 0;  // processes whose stop record was read
  std::size_t stopped_without_trust_ = 0;
  long bad_lines_ = 0;
};

// The [entry] restrictions that Python's own start-up meets and goes on
// from silently (.pth files, sitecustomize, usercustomize, PYTHON*
// variables): a policy that sets them refuses them in every run.
bool is_startup_restriction(std::string_view rule);

// Events only vigil-python computes from live events (policy.md, "Views").
bool is_view_event(std::string_view event);

// A rule's events, conditions and state that replay cannot judge: the
// reason, or empty when it can.
std::string replay_limit(const Rule& rule);

// The [trust] database a policy counts, loaded; null with `error` empty
// when it counts none, null with `error` set when it cannot be read.
std::unique_ptr<TrustDatabase> load_policy_database(const Policy& policy, std::string& error);

// The argument that names what an event acts on (socket.connect's
// address, open's path, import's module), or empty when none does.
std::string_view identifying_argument(std::string_view event);

// What a judged event acts on, as short text for people: its identifying
// argument ("10.1.2.3:443", a path), terminal-safe, at most 200 bytes.
std::string recorded_subject(const JudgedEvent& judged);

// A recorded value as text: a string as it is, a (host, port) address as
// host:port, anything else as compact JSON.
std::string element_text(simdjson::dom::element value);

// A recorded socket address, `[host, port, …]`.
struct RecordedAddress {
  std::string_view host;
  std::int64_t port = 0;
};
std::optional<RecordedAddress> recorded_address(simdjson::dom::element value);

}  // namespace vigil
