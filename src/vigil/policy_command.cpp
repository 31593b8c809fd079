#include "policy_command.h"

#include "event_catalog.h"
#include "logs/safe_text.h"
#include "policy_engine.h"
#include "policy_loader.h"
#include "policy_selection.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <deque>
#include <iostream>

namespace vigil {
namespace {

using json = nlohmann::json;

// Event arguments given as JSON, described the way the runtime describes
// Python objects.
class JsonArguments final : public ArgumentSource {
 public:
  JsonArguments(std::vector<json> values) {
    for (const json& value : values) values_.push_back(describe(value, 0));
  }
  std::size_t count() const override { return values_.size(); }
  const ArgValue& value(std::size_t position) override { return values_[position]; }

 private:
  ArgValue describe(const json& value, int depth) {
    ArgValue out;
    switch (value.type()) {
      case json::value_t::null:
        out = ArgValue::of_none();
        break;
      case json::value_t::boolean:
        out = ArgValue::of_boolean(value.get<bool>());
        break;
      case json::value_t::number_integer:
      case json::value_t::number_unsigned:
        out = ArgValue::of_integer(value.get<long long>());
        break;
      case json::value_t::number_float:
        out.kind = ValueKind::real;
        out.type = "float";
        out.real = value.get<double>();
        break;
      case json::value_t::string:
        out = ArgValue::of_text(texts_.emplace_back(value.get<std::string>()));
        break;
      case json::value_t::array: {
        out.kind = depth == 0 ? ValueKind::sequence : ValueKind::other;
        out.type = "tuple";
        if (depth > 0) break;
        auto& items = items_.emplace_back();
        for (std::size_t i = 0; i < value.size() && i < 2; ++i) items.push_back(describe(value[i], depth + 1));
        out.items = items;
        std::string& names = texts_.emplace_back();
        for (const json& item : value) {
          if (item.is_string()) append_environment_name(names, item.get_ref<const std::string&>(), false);
        }
        out.names = names;
        break;
      }
      default: {
        out.kind = depth == 0 && value.is_object() ? ValueKind::mapping : ValueKind::other;
        out.type = "dict";
        std::string& names = texts_.emplace_back();
        if (depth == 0 && value.is_object()) {
          for (const auto& [key, item] : value.items()) append_environment_name(names, key, true);
        }
        out.names = names;
        break;
      }
    }
    return out;
  }

  std::vector<ArgValue> values_;
  // Stable addresses for the views values_ hold.
  std::deque<std::string> texts_;
  std::deque<std::vector<ArgValue>> items_;
};

class GivenSite final : public SiteSource {
 public:
  GivenSite(const std::optional<std::string>& file, bool verified)
      : file_(file ? ArgValue::of_text(*file) : ArgValue()), verified_(verified) {}
  const ArgValue& file() override { return file_; }
  bool verified() override { return verified_; }

 private:
  ArgValue file_;
  bool verified_;
};

std::string subject_name(const Condition& condition) {
  switch (condition.subject) {
    case Subject::argument: return "args." + condition.field;
    case Subject::site_file: return "site.file";
    case Subject::site_verified: return "site.verified";
    case Subject::site_entry: return "site.entry";
    case Subject::process_uid: return "process.uid";
    case Subject::process_script: return "process.script";
    case Subject::process_entry: return "process.entry";
    case Subject::process_socket_stdio: return "process.socket_stdio";
  }
  return condition.field;
}

// Orders JSON object members by the event's catalogued argument names.
bool positional_arguments(const std::string& event, const json& given, std::vector<json>& values) {
  if (given.is_array()) {
    values.assign(given.begin(), given.end());
    return true;
  }
  if (!given.is_object()) {
    std::cerr << "vigil policy explain: arguments must be a JSON array or object\n";
    return false;
  }
  const EventSignature* signature = find_event_signature(event);
  if (signature == nullptr) {
    std::cerr << "vigil policy explain: \"" << event
              << "\" is not catalogued, so its arguments have no names; give them as a JSON array\n";
    return false;
  }
  for (const auto& [name, value] : given.items()) {
    if (std::find(signature->fields.begin(), signature->fields.end(), name) == signature->fields.end()) {
      std::cerr << "vigil policy explain: \"" << event << "\" has no argument `" << name << "`\n";
      return false;
    }
  }
  for (auto field : signature->fields) {
    auto found = given.find(std::string(field));
    values.push_back(found == given.end() ? json(nullptr) : *found);
  }
  return true;
}

// The trust rule of `policy` that judges `event`, or null.
const Rule* trust_rule_judging(const Policy& policy, std::string_view event) {
  for (const TrustRuleEvents& judged : kTrustRuleEvents) {
    if (judged.judges(event)) return find_rule(policy, judged.rule);
  }
  return nullptr;
}

const char* python_outcome(const Rule& rule, const std::string& event) {
  if (rule.action == Action::kill) return "the process is killed (SIGKILL) after the records are written";
  if (event == "sys.addaudithook") return "sys.addaudithook raises vigil.AuditHookDenied (a BaseException)";
  if (rule.refusal == Refusal::module_not_found) return "the import fails with ModuleNotFoundError";
  if (event == "import") return "the import fails with ImportError";
  return "the operation fails with PermissionError";
}

}  // namespace

int policy_check_command(const PolicyCheckOptions& options) {
  bool failed = false;
  for (const std::string& file : options.files) {
    std::string error;
    auto text = read_policy_text(file, error);
    if (!text) {
      std::cerr << error << "\n";
      failed = true;
      continue;
    }
    LoadResult result = load_policy(*text, file);
    // A message quotes the file's text, which may hold anything ("\u001b").
    for (const Diagnostic& diagnostic : result.diagnostics) {
      std::cout << terminal_safe(format_diagnostic(diagnostic, file)) << "\n";
    }
    if (!result.policy) {
      failed = true;
      continue;
    }
    const Policy& policy = *result.policy;
    std::size_t entry_rules = 0;
    for (const Rule& rule : policy.rules) entry_rules += rule.id.starts_with(kEntryRulePrefix) ? 1 : 0;
    std::cout << file << ": ok: policy \"" << policy.name << "\", " << to_string(policy.mode) << " mode"
              << (policy.locked ? ", locked" : "") << ", " << policy.rules.size() - entry_rules << " rules and "
              << entry_rules << " entry restrictions; sha256 " << policy.sha256 << "\n";
    // The precedence the allow rules set (docs/policy.md, Precedence).
    for (const Rule& allow : policy.rules) {
      if (allow.action != Action::allow) continue;
      std::cout << "  allow " << allow.id << " overrides";
      for (const Rule& target : policy.rules) {
        bool taken = std::any_of(allow.overrides.begin(), allow.overrides.end(),
                                 [&](const std::string& pattern) { return overrides(pattern, target); });
        if (taken) std::cout << " " << target.id << " (" << to_string(target.action) << ")";
      }
      std::cout << "\n";
    }
  }
  return failed ? 1 : 0;
}

int policy_list_command() {
  for (const BuiltinPolicy& builtin : builtin_policies()) {
    Policy policy = decode_builtin_policy(builtin);
    std::cout << builtin.name << " (" << to_string(policy.mode) << " mode): " << policy.description << "\n"
              << "  breaks: " << builtin.breaks << "\n";
  }
  return 0;
}

int policy_explain_command(const PolicyExplainOptions& options) {
  std::string error;
  auto policy = read_policy(options.file, error);
  if (!policy) {
    std::cerr << error << "\n";
    return 1;
  }
  json given = json::parse(options.args_json, nullptr, false);
  if (given.is_discarded()) {
    std::cerr << "vigil policy explain: the arguments are not valid JSON\n";
    return 2;
  }
  std::vector<json> values;
  if (!positional_arguments(options.event, given, values)) return 2;
  JsonArguments arguments(values);
  GivenSite site(options.site_file, options.site_verified);
  std::string script = options.entry == "file" ? options.script : "";
  PolicyEngine engine(std::move(*policy), {options.uid, script, options.entry});

  const Rule* untrusted = options.untrusted ? trust_rule_judging(engine.policy(), options.event) : nullptr;
  if (options.untrusted && untrusted == nullptr) {
    std::cerr << "vigil policy explain: --untrusted: no trust rule of this policy judges " << options.event << "\n";
    return 2;
  }
  std::cout << "policy \"" << engine.policy().name << "\" (" << to_string(engine.policy().mode) << " mode), event "
            << options.event << "\n";
  // Why a rule does or does not match the event, as far as its own
  // conditions and exceptions say (not its history).
  auto judged = [&](const Rule& rule) -> std::string {
    int failing = engine.failing_condition(rule, options.event, arguments, site);
    if (failing >= 0) return "does not match: " + subject_name(rule.conditions[static_cast<std::size_t>(failing)]) + " fails";
    int exception = engine.matching_exception(rule, options.event, arguments, site);
    if (exception >= 0) {
      std::string tests;
      for (const Condition& condition : rule.exceptions[static_cast<std::size_t>(exception)]) {
        tests += (tests.empty() ? "" : ", ") + subject_name(condition);
      }
      return "does not match: excepted by its except table " + std::to_string(exception + 1) + " (" + tests + ")";
    }
    return "matches";
  };
  auto where = [](const Rule& rule) { return rule.line > 0 ? ", line " + std::to_string(rule.line) : std::string(); };
  Verdict verdict = engine.evaluate(options.event, arguments, site);
  if (untrusted != nullptr) engine.add_finding(verdict, *untrusted, "(assumed untrusted: --untrusted)");
  auto cancelled_by = [&](const Rule& rule) -> const Rule* {
    for (std::size_t i = 0; i < verdict.cancelled_count; ++i) {
      if (verdict.cancelled[i].rule == &rule) return verdict.cancelled[i].allowed_by;
    }
    return nullptr;
  };
  const auto* bucket = engine.candidates(options.event);
  if (bucket == nullptr && untrusted == nullptr) std::cout << "  no rule names this event\n";
  if (bucket != nullptr) {
    for (const Rule* allow : bucket->allows) {
      std::cout << "  allow " << allow->id << " (" << (allow->line > 0 ? "line " + std::to_string(allow->line) + ", " : "")
                << "overrides";
      for (const std::string& pattern : allow->overrides) std::cout << " " << pattern;
      std::cout << "): " << judged(*allow) << "\n";
    }
    for (const Rule* rule : bucket->rules) {
      std::cout << "  rule " << rule->id << " (" << to_string(rule->action) << ", " << to_string(rule->severity)
                << where(*rule) << "): " << judged(*rule);
      if (const Rule* allow = cancelled_by(*rule)) std::cout << ", cancelled by allow " << allow->id;
      std::cout << "\n";
    }
  }
  if (untrusted != nullptr) {
    std::cout << "  rule " << untrusted->id << " (" << to_string(untrusted->action) << ", "
              << to_string(untrusted->severity) << ", [trust]): assumed broken (--untrusted)";
    if (const Rule* allow = cancelled_by(*untrusted)) std::cout << ", cancelled by allow " << allow->id;
    std::cout << "\n";
  }
  if (verdict.suppressed) {
    std::cout << "=> the event record would be dropped by a rate limit (counted in the stop record)\n";
  }
  std::cout << "=> recorded";
  for (std::size_t i = 0; i < verdict.cancelled_count; ++i) {
    std::cout << "; " << verdict.cancelled[i].rule->id << " overridden by " << verdict.cancelled[i].allowed_by->id;
  }
  for (std::size_t i = 0; i < verdict.alert_count; ++i) std::cout << "; alert " << verdict.alerts[i]->id;
  if (verdict.action >= Action::deny) {
    if (verdict.denies()) {
      std::cout << "; " << to_string(verdict.action) << " by " << verdict.decisive->id << ": "
                << python_outcome(*verdict.decisive, options.event) << ": " << verdict.decisive->message;
    } else {
      std::cout << "; would " << to_string(verdict.action) << " by " << verdict.decisive->id
                << " in enforce mode, allowed in audit mode";
    }
  } else {
    std::cout << "; allowed";
  }
  std::cout << "\n";
  return 0;
}

}  // namespace vigil
