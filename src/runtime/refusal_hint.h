// What a refusal tells the person who meets it (docs/operation.md,
// "Refusals"): the command that says more, for the message on stderr, the
// PermissionError and the alert record's `hint`.
#pragma once

#include "policy.h"

#include <string>
#include <string_view>

namespace vigil {

// `vigil trust status --policy P FILE` when `untrusted_file` is the file a
// trust rule refused; `vigil policy explain P [--entry MODE] -- EVENT` for
// any other rule of the policy (an [entry] rule on its own event, with the
// entry it needs); `vigil log -k alert --tree PID` for Vigil's own (vigil.*).
std::string refusal_hint(const Policy& policy, const Rule& rule, std::string_view event,
                         std::string_view untrusted_file = {});

// A refusal's message with its hint: "MESSAGE (rule ID); see `HINT`".
std::string with_rule_and_hint(std::string_view message, const Rule& rule, std::string_view hint);

}  // namespace vigil
