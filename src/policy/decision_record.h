// How policy decisions appear in records (docs/records.md): an `alert`
// record per rule that raises one, and a `decision` member on the event.
#pragma once

#include "json_text.h"
#include "policy_engine.h"

#include <cstdint>
#include <string_view>

namespace vigil {

// Members of the alert `rule` raises for `event`, the record numbered
// `seq_ref`. `enforced`: whether its deny or kill took effect.
void append_alert_members(JsonText& json, const Rule& rule, std::string_view event, bool enforced,
                          std::uint64_t seq_ref);

// The event record's `decision` member, for a verdict beyond `log`.
void append_decision_member(JsonText& json, const Verdict& verdict);

}  // namespace vigil
