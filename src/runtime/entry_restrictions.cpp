#include "entry_restrictions.h"

#include "decision_record.h"
#include "python_internals.h"
#include "refusal_hint.h"

#include <unistd.h>

extern char** environ;

namespace vigil {
namespace {

constexpr std::string_view kStartEvent = "vigil.start";


void write_alert(Recorder& recorder, const Rule& rule, bool enforced, std::uint64_t start_seq,
                 std::string_view hint = {}, std::string_view detail = {}) {
  std::string members;
  JsonText json(members, true);
  append_alert_members(json, rule, kStartEvent, enforced, start_seq, detail);
  if (!hint.empty()) {
    json.key("hint");
    json.string(hint);
  }
  recorder.emit("alert", members, {kStartEvent, rule.id, static_cast<int>(rule.severity)});
}

std::string python_variables_set() {
  std::string names;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    std::string_view text(*variable);
    if (!text.starts_with("PYTHON")) continue;
    if (!names.empty()) names += ", ";
    names += text.substr(0, text.find('='));
  }
  return names;
}

}  // namespace

const Rule* refused_entry(const Policy& policy, const EntryPoint& entry) {
  const Rule* route = nullptr;
  if (entry.mode == "command" && entry.bootstrap.empty()) route = find_entry_rule(policy, "command");
  if (entry.mode == "module") route = find_entry_rule(policy, "module");
  if (entry.mode == "stdin") route = find_entry_rule(policy, "stdin");
  if (entry.mode == "interactive") route = find_entry_rule(policy, "interactive");
  if (route == nullptr && entry.inspect) route = find_entry_rule(policy, "inspect");
  return route;
}

std::string apply_entry_restrictions(const PolicyEngine& engine, const EntryPoint& entry, PyConfig& config,
                                     Recorder& recorder, std::uint64_t start_seq) {
  const Policy& policy = engine.policy();
  bool enforcing = engine.enforcing();
  // In audit mode the routes are left open; the entry rules alert when
  // their cpython.run_* events fire.
  if (enforcing) {
    if (const Rule* route = refused_entry(policy, entry)) {
      std::string hint = refusal_hint(policy, *route, kStartEvent);
      write_alert(recorder, *route, true, start_seq, hint);
      return with_rule_and_hint(route->message, *route, hint);
    }
  }
  if (const Rule* environment = find_entry_rule(policy, "environment")) {
    std::string names = python_variables_set();
    if (!names.empty()) {
      Rule reported = *environment;
      reported.message = (enforcing ? "ignored PYTHON* environment variables: "
                                    : "PYTHON* environment variables the policy would ignore: ") + names;
      write_alert(recorder, reported, enforcing, start_seq);
    }
  }
  if (!enforcing) return {};
  if (!policy.entry.environment) config.use_environment = 0;
  if (!policy.entry.user_site) config.user_site_directory = 0;
  if (!policy.entry.write_bytecode) config.write_bytecode = 0;
  return {};
}

void restrict_running_interpreter(const PolicyEngine& engine) {
  if (engine.enforcing() && !engine.policy().entry.interactive) vigil_ignore_environment_from_now_on();
}

void report_start_refusal(const PolicyEngine& engine, std::string_view rule_id, std::string_view detail,
                          std::string_view hint, Recorder& recorder, std::uint64_t start_seq) {
  if (const Rule* rule = find_rule(engine.policy(), rule_id)) write_alert(recorder, *rule, true, start_seq, hint, detail);
}

void report_ignored_overrides(const PolicyIdentity& policy, Recorder& recorder, std::uint64_t start_seq) {
  if (policy.ignored_overrides.empty()) return;
  Rule rule;
  rule.id = "vigil.locked_policy";
  rule.action = Action::alert;
  rule.severity = Severity::medium;
  rule.attack = {"T1562.001"};
  rule.message = "the system policy is locked; ignored:";
  for (const std::string& name : policy.ignored_overrides) rule.message += " " + name;
  write_alert(recorder, rule, false, start_seq);
}

}  // namespace vigil
