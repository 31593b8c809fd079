#include "decision_record.h"

namespace vigil {

std::string rule_message(const Rule& rule, std::string_view event, std::string_view detail) {
  std::string message = rule.message.empty() ? std::string(event) + " is denied" : rule.message;
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return message;
}

void append_alert_members(JsonText& json, const Rule& rule, std::string_view event, bool enforced,
                          std::uint64_t seq_ref, std::string_view detail, std::string_view subject) {
  json.key("rule");
  json.string(rule.id);
  json.key("severity");
  json.string(to_string(rule.severity));
  json.key("attack");
  json.begin_array();
  for (const std::string& technique : rule.attack) json.string(technique);
  json.end_array();
  json.key("message");
  json.string(rule.message.empty() && detail.empty() ? "rule " + rule.id + " matched"
                                                    : rule_message(rule, event, detail));
  json.key("seq_ref");
  json.unsigned_integer(seq_ref);
  json.key("event");
  json.string(event);
  json.key("action");
  json.string(to_string(rule.action));
  json.key("enforced");
  json.boolean(enforced && rule.action >= Action::deny);
  if (!subject.empty()) {
    json.key("subject");
    json.string(subject);
  }
}

void append_decision_member(JsonText& json, const Verdict& verdict) {
  json.key("decision");
  json.begin_object();
  json.key("action");
  // An allow that cancelled every rule that would have acted decided.
  json.string(verdict.action == Action::log ? to_string(Action::allow) : to_string(verdict.action));
  json.key("enforced");
  json.boolean(verdict.denies());
  json.key("rules");
  json.begin_array();
  for (std::size_t i = 0; i < verdict.alert_count; ++i) json.string(verdict.alerts[i]->id);
  json.end_array();
  if (verdict.alerts_not_reported != 0) {
    json.key("rules_not_listed");
    json.unsigned_integer(verdict.alerts_not_reported);
  }
  if (verdict.cancelled_count != 0 || verdict.cancelled_not_reported != 0) {
    json.key("overridden");
    json.begin_array();
    for (std::size_t i = 0; i < verdict.cancelled_count; ++i) {
      json.begin_object();
      json.key("rule");
      json.string(verdict.cancelled[i].rule->id);
      json.key("allowed_by");
      json.string(verdict.cancelled[i].allowed_by->id);
      json.end_object();
    }
    json.end_array();
    if (verdict.cancelled_not_reported != 0) {
      json.key("overridden_not_listed");
      json.unsigned_integer(verdict.cancelled_not_reported);
    }
  }
  json.end_object();
}

}  // namespace vigil
