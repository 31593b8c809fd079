// How policy decisions appear in records (docs/records.md): an `alert`
// record per rule that raises one, and a `decision` member on the event.
#pragma once

#include "json_text.h"
#include "policy_engine.h"

#include <cstdint>
#include <string_view>

namespace vigil {

// Members of the alert `rule` raises for `event`, the record numbered
// `seq_ref`. `enforced`: whether its deny or kill took effect. `detail`
// ends the message: what the runtime found. `subject`: what the alert is
// about, by the rule's `subject`; left out when empty.
void append_alert_members(JsonText& json, const Rule& rule, std::string_view event, bool enforced,
                          std::uint64_t seq_ref, std::string_view detail = {}, std::string_view subject = {});
// The message of the rule's alert and denial.
std::string rule_message(const Rule& rule, std::string_view event, std::string_view detail);

// The event record's `decision` member, for a verdict beyond `log`.
void append_decision_member(JsonText& json, const Verdict& verdict);

}  // namespace vigil
