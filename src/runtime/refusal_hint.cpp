#include "refusal_hint.h"

#include <unistd.h>

namespace vigil {
namespace {

// A word the shell reads back as it is: quoted unless it is plain.
std::string shell_word(std::string_view text) {
  bool plain = !text.empty();
  for (char c : text) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("/._-+:,@%=").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return std::string(text);
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string policy_argument(const Policy& policy) {
  return policy.source == "built-in" ? std::string("default") : shell_word(policy.source);
}

}  // namespace

std::string refusal_hint(const Policy& policy, const Rule& rule, std::string_view event,
                         std::string_view untrusted_file) {
  if (!untrusted_file.empty()) {
    return "vigil trust status --policy " + policy_argument(policy) + " " + shell_word(untrusted_file);
  }
  // Vigil's own rules are not in the policy: the alerts of this process
  // and its children say what happened.
  if (rule.id.starts_with("vigil.")) return "vigil log -k alert --tree " + std::to_string(getpid());
  std::string hint = "vigil policy explain " + policy_argument(policy);
  // An [entry] rule is explained on its own event, whether it refused the
  // start (vigil.start) or a child's start in the parent.
  if (rule.id.starts_with(kEntryRulePrefix) && !rule.events.empty()) {
    std::string_view route = std::string_view(rule.id).substr(kEntryRulePrefix.size());
    event = rule.events.front();
    if (route == "command" || route == "module" || route == "stdin" || route == "interactive") {
      hint += " --entry " + std::string(route);
    }
  }
  return hint + " -- " + shell_word(event);
}

std::string with_rule_and_hint(std::string_view message, const Rule& rule, std::string_view hint) {
  return std::string(message) + " (rule " + rule.id + "); see `" + std::string(hint) + "`";
}

}  // namespace vigil
