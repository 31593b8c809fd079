#include "policy_loader.h"

#include "default_policy.h"
#include "event_catalog.h"
#include "sinks/record.h"
#include "sinks/sink_registry.h"
#include "sinks/syslog_message.h"
#include "glob.h"
#include "sha256.h"
#include "toml_precheck.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <re2/re2.h>
#include <set>
#include <toml++/toml.h>

namespace vigil {
namespace {

// A field named by digits is an argument's position.
bool is_position(const std::string& field) {
  return !field.empty() &&
         std::all_of(field.begin(), field.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// A key as the messages name it: `key`. Built by appending: gcc 12 warns
// falsely about "`" + std::string (GCC bug 105329).
std::string quoted_key(std::string_view key) { return std::string("`").append(key).append("`"); }

// Events CPython raises after the fact: a hook cannot stop them.
constexpr std::string_view kNotificationOnlyEvents[] = {
    "cpython.PyInterpreterState_Clear", "cpython._PySys_ClearAuditHooks"};

class Loader {
 public:
  explicit Loader(std::vector<Diagnostic>& diagnostics) : diagnostics_(diagnostics) {}

  std::optional<Policy> load(const toml::table& root) {
    Policy policy;
    check_no_nul(root);
    check_keys(root, {"version", "name", "description", "mode", "locked", "log", "sink", "entry", "trust", "rule"});
    if (const auto* version = root.get("version")) {
      // value<long long>() would take 1.0 for 1: the version is an integer.
      auto number = version->value<long long>();
      if (!version->is_integer() || !number || *number != kPolicySchemaVersion) {
        error(*version, "unsupported policy version; this Vigil reads version " +
                            std::to_string(kPolicySchemaVersion));
      }
    } else {
      error_at(1, 1, "missing `version = " + std::to_string(kPolicySchemaVersion) + "`");
    }
    policy.name = string_or(root, "name", "");
    if (policy.name.empty()) error_at(1, 1, "missing `name`");
    policy.description = string_or(root, "description", "");
    if (const auto* mode = root.get("mode")) {
      auto text = mode->value<std::string>();
      if (text == "audit") {
        policy.mode = Mode::audit;
      } else if (text == "enforce") {
        policy.mode = Mode::enforce;
      } else {
        error(*mode, "`mode` must be \"audit\" or \"enforce\"");
      }
    }
    policy.locked = bool_or(root, "locked", false);
    if (const auto* log = root.get("log")) {
      if (const auto* table = table_of(*log, "log")) {
        check_keys(*table, {"path", "heartbeat", "chain", "hmac_key"});
        if (const auto* key = table->get("hmac_key")) {
          auto text = key->value<std::string>();
          if (!text || text->empty() || text->front() != '/') {
            error(*key, "`log.hmac_key` must be an absolute path");
          } else {
            policy.hmac_key_path = *text;
          }
        }
        if (const auto* chain = table->get("chain")) {
          if (!chain->is_boolean()) {
            error(*chain, "`log.chain` must be true or false");
          } else {
            policy.chain = chain->value_or(true);
          }
        }
        if (const auto* heartbeat = table->get("heartbeat")) {
          auto seconds = heartbeat->value<long long>();
          if (!heartbeat->is_integer() || !seconds || *seconds < 0 || *seconds > 86400) {
            error(*heartbeat, "`log.heartbeat` must be a whole number of seconds from 0 (none) to 86400");
          } else {
            policy.heartbeat_seconds = static_cast<unsigned>(*seconds);
          }
        }
        if (const auto* path = table->get("path")) {
          auto text = path->value<std::string>();
          if (!text || text->empty() || text->front() != '/') {
            error(*path, "`log.path` must be an absolute path");
          } else {
            policy.log_path = *text;
          }
        }
      }
    }
    if (const auto* sinks = root.get("sink")) {
      const auto* array = sinks->as_array();
      if (array == nullptr || !array->is_array_of_tables()) {
        error(*sinks, "`sink` must be written as [[sink]] tables");
      } else {
        for (const auto& node : *array) load_sink(*node.as_table(), policy.sinks);
      }
    }
    if (const auto* entry = root.get("entry")) {
      if (const auto* table = table_of(*entry, "entry")) load_entry(*table, policy.entry);
    }
    if (const auto* trust = root.get("trust")) {
      if (const auto* table = table_of(*trust, "trust")) load_trust(*table, policy.trust);
    }
    if (const auto* rules = root.get("rule")) {
      const auto* array = rules->as_array();
      if (array == nullptr || !array->is_array_of_tables()) {
        error(*rules, "`rule` must be written as [[rule]] tables");
      } else {
        std::set<std::string> ids;
        // Each rule with `after`, by index, and where `after` is written.
        std::vector<std::pair<std::size_t, const toml::node*>> correlations;
        for (const auto& node : *array) {
          auto rule = load_rule(*node.as_table());
          if (!rule) continue;
          if (!ids.insert(rule->id).second) error(node, "duplicate rule id \"" + rule->id + "\"");
          if (!rule->after.empty()) correlations.emplace_back(policy.rules.size(), node.as_table()->get("after"));
          policy.rules.push_back(std::move(*rule));
        }
        check_correlations(policy.rules, ids, correlations);
        check_facts(policy.rules);
        check_overrides(policy.rules, policy.trust);
      }
    }
    bool failed = std::any_of(diagnostics_.begin(), diagnostics_.end(),
                              [](const Diagnostic& d) { return d.level == Diagnostic::Level::error; });
    if (failed) return std::nullopt;
    return policy;
  }

 private:
  void report(Diagnostic::Level level, const toml::node& node, std::string message) {
    const auto& where = node.source().begin;
    diagnostics_.push_back({level, static_cast<int>(where.line), static_cast<int>(where.column), std::move(message)});
  }
  void error(const toml::node& node, std::string message) {
    report(Diagnostic::Level::error, node, std::move(message));
  }
  void warning(const toml::node& node, std::string message) {
    report(Diagnostic::Level::warning, node, std::move(message));
  }
  void error_at(int line, int column, std::string message) {
    diagnostics_.push_back({Diagnostic::Level::error, line, column, std::move(message)});
  }

  // C strings end at a NUL: a rule id, an event name or a path holding one
  // would mean one thing here and another to open(2) or a reader. TOML
  // allows "\u0000"; no policy value needs it. toml++ bounds the nesting
  // (TOML_MAX_NESTED_VALUES), and so this recursion.
  void check_no_nul(const toml::node& node) {
    if (const auto* table = node.as_table()) {
      for (const auto& [key, value] : *table) {
        if (key.str().find('\0') != std::string_view::npos) error(value, "a key holds a NUL character (\\u0000)");
        check_no_nul(value);
      }
    } else if (const auto* array = node.as_array()) {
      for (const auto& item : *array) check_no_nul(item);
    } else if (const auto* text = node.as_string(); text != nullptr && text->get().find('\0') != std::string::npos) {
      error(node, "a string holds a NUL character (\\u0000)");
    }
  }

  // A glob as the policy's matchers read it, or an error at `node`.
  void check_glob(const toml::node& node, std::string_view pattern) {
    if (std::string problem = glob_problem(pattern); !problem.empty()) {
      error(node, "\"" + std::string(pattern) + "\": " + problem);
    }
  }

  void check_keys(const toml::table& table, std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : table) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        error(value, "unknown key `" + std::string(key.str()) + "`");
      }
    }
  }

  const toml::table* table_of(const toml::node& node, std::string_view what) {
    const auto* table = node.as_table();
    if (table == nullptr) error(node, quoted_key(what) + " must be a table");
    return table;
  }

  std::string string_or(const toml::table& table, std::string_view key, std::string fallback) {
    const auto* node = table.get(key);
    if (node == nullptr) return fallback;
    auto text = node->value<std::string>();
    if (!text || !node->is_string()) {
      error(*node, quoted_key(key) + " must be a string");
      return fallback;
    }
    return *text;
  }

  bool bool_or(const toml::table& table, std::string_view key, bool fallback) {
    const auto* node = table.get(key);
    if (node == nullptr) return fallback;
    if (!node->is_boolean()) {
      error(*node, quoted_key(key) + " must be true or false");
      return fallback;
    }
    return *node->value<bool>();
  }

  // A string or an array of strings.
  std::vector<std::string> strings(const toml::node& node, std::string_view what) {
    std::vector<std::string> result;
    if (node.is_string()) {
      result.push_back(*node.value<std::string>());
    } else if (const auto* array = node.as_array(); array != nullptr) {
      for (const auto& item : *array) {
        if (!item.is_string()) {
          error(item, quoted_key(what) + " must hold strings");
          continue;
        }
        result.push_back(*item.value<std::string>());
      }
    } else {
      error(node, quoted_key(what) + " must be a string or an array of strings");
    }
    return result;
  }

  // A whole number from `low` to `high`, or `fallback` when absent.
  std::uint32_t number_or(const toml::table& table, std::string_view key, std::uint32_t fallback, long long low,
                          long long high) {
    const auto* node = table.get(key);
    if (node == nullptr) return fallback;
    auto number = node->value<long long>();
    if (!node->is_integer() || !number || *number < low || *number > high) {
      error(*node, quoted_key(key) + " must be a whole number from " + std::to_string(low) + " to " +
                       std::to_string(high));
      return fallback;
    }
    return static_cast<std::uint32_t>(*number);
  }

  void load_sink(const toml::table& table, std::vector<SinkSettings>& sinks) {
    SinkSettings sink;
    sink.type = string_or(table, "type", "");
    const SinkType* type = find_sink_type(sink.type);
    if (type == nullptr) {
      std::string names;
      for (const SinkType& known : sink_types()) names += (names.empty() ? "" : ", ") + std::string(known.name);
      error(table, "[[sink]] needs a `type`: one of " + names);
      return;
    }
    for (const auto& [key, value] : table) {
      std::string_view name = key.str();  // clang 14 lambdas cannot capture a structured binding
      auto is_key = [&](std::span<const std::string_view> keys) {
        return std::find(keys.begin(), keys.end(), name) != keys.end();
      };
      if (!is_key(common_sink_keys()) && !is_key(type->keys)) {
        error(value, "unknown key `" + std::string(key.str()) + "` for a " + sink.type + " sink");
      }
    }
    sink.name = string_or(table, "name", sink.type);
    bool plain_name = !sink.name.empty() && sink.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                                                std::string::npos && sink.name.front() != '.';
    if (!plain_name) error(table, "a sink's `name` may hold only letters, digits, '_', '.' and '-'");
    for (const SinkSettings& other : sinks) {
      if (other.name == sink.name) error(table, "two sinks are named \"" + sink.name + "\"; give each a `name`");
    }
    if (const auto* format = table.get("format")) {
      auto chosen = record_format_named(format->value_or(std::string_view{}));
      if (!chosen) {
        error(*format, "`format` must be \"native\", \"ecs\" or \"ocsf\"");
      } else {
        sink.format = *chosen;
      }
    }
    if (const auto* kinds = table.get("kinds")) {
      sink.kinds = strings_of(*kinds, "kinds");
      for (const std::string& kind : sink.kinds) {
        if (std::find(kRecordKinds.begin(), kRecordKinds.end(), kind) == kRecordKinds.end()) {
          error(*kinds, "\"" + kind + "\" is not a record kind (start, event, alert, transcript, heartbeat, "
                        "delivery, stop)");
        }
      }
    }
    if (const auto* events = table.get("events")) {
      sink.events = strings_of(*events, "events");
      for (const std::string& event : sink.events) check_glob(*events, event);
    }
    if (const auto* severity = table.get("min_severity")) {
      sink.min_severity = severity_rank(severity->value_or(std::string_view{}));
      if (sink.min_severity < 0) {
        error(*severity, "`min_severity` must be info, low, medium, high or critical");
        sink.min_severity = 0;
      }
    }
    sink.path = string_or(table, "path", "");
    sink.address = string_or(table, "address", sink.type == "syslog" ? "/dev/log" : "");
    if (const auto* facility = table.get("facility")) {
      sink.facility = syslog_facility_named(facility->value_or(std::string_view{}));
      if (sink.facility < 0) {
        error(*facility, "`facility` must be a syslog facility name (auth, authpriv, daemon, local0 … local7, …)");
        sink.facility = 10;
      }
    }
    sink.tls_ca = string_or(table, "tls_ca", "");
    sink.tls_cert = string_or(table, "tls_cert", "");
    sink.tls_key = string_or(table, "tls_key", "");
    sink.tls_name = string_or(table, "tls_name", "");
    sink.queue = number_or(table, "queue", sink.queue, 1, 1 << 20);
    sink.block_ms = number_or(table, "block_ms", sink.block_ms, 0, 60000);
    sink.flush_ms = number_or(table, "flush_ms", sink.flush_ms, 0, 60000);
    sink.spool = string_or(table, "spool", "");
    if (const auto* when_full = table.get("when_full")) {
      std::string text = when_full->value_or(std::string{});
      if (text == "block") {
        sink.when_full = WhenFull::block;
      } else if (text == "drop") {
        sink.when_full = WhenFull::drop;
      } else {
        error(*when_full, "`when_full` must be \"block\" or \"drop\"");
      }
    }
    if (std::string problem = type->check(sink); !problem.empty()) error(table, "sink \"" + sink.name + "\": " + problem);
    sinks.push_back(std::move(sink));
  }

  void load_trust(const toml::table& table, TrustSettings& trust) {
    check_keys(table, {"sources", "database", "kernel", "pyc", "native", "provenance", "generators"});
    trust.enabled = true;
    if (const auto* sources = table.get("sources")) {
      trust.database = trust.xattr = false;
      for (const std::string& source : strings_of(*sources, "trust.sources")) {
        if (source == "database") {
          trust.database = true;
        } else if (source == "xattr") {
          trust.xattr = true;
        } else {
          error(*sources, "`trust.sources` names \"database\" and \"xattr\"; the kernel is `trust.kernel`");
        }
      }
    }
    trust.database_paths = {kDefaultTrustDirectory};
    if (const auto* database = table.get("database")) {
      trust.database_paths = strings_of(*database, "trust.database");
      for (const std::string& path : trust.database_paths) {
        if (path.empty() || path.front() != '/') error(*database, "`trust.database` paths must be absolute");
      }
    }
    if (const auto* kernel = table.get("kernel")) {
      choose(*kernel, "trust.kernel",
             {{"off", TrustSettings::Kernel::off}, {"script", TrustSettings::Kernel::script},
              {"all", TrustSettings::Kernel::all}},
             trust.kernel);
    }
    if (const auto* pyc = table.get("pyc")) {
      choose(*pyc, "trust.pyc",
             {{"verify", TrustSettings::Bytecode::verify}, {"refuse", TrustSettings::Bytecode::refuse}}, trust.bytecode);
    }
    trust.native = bool_or(table, "native", true);
    trust.provenance = bool_or(table, "provenance", true);
    trust.generators = builtin_generators();
    if (const auto* generators = table.get("generators")) trust.generators = generators_of(*generators);
    if (!trust.database && !trust.xattr && trust.kernel == TrustSettings::Kernel::off) {
      error(table, "[trust] counts no source: name `sources` or set `kernel`");
    }
  }

  // `generators`: globs (code built from the program's own values), tables
  // { files = GLOB, input = KIND }, and "builtin" for the built-in list.
  std::vector<Generator> generators_of(const toml::node& node) {
    std::vector<Generator> generators;
    const auto* array = node.as_array();
    if (array == nullptr) {
      error(node, "`trust.generators` must be a list of globs and { files, input } tables");
      return generators;
    }
    for (const auto& item : *array) {
      Generator generator;
      if (auto text = item.value<std::string>()) {
        if (*text == "builtin") {
          std::vector<Generator> builtin = builtin_generators();
          generators.insert(generators.end(), builtin.begin(), builtin.end());
          continue;
        }
        generator.files = *text;
      } else if (const auto* entry = item.as_table()) {
        check_keys(*entry, {"files", "input"});
        generator.files = string_or(*entry, "files", "");
        if (const auto* input = entry->get("input")) {
          choose(*input, "input",
                 {{generator_input_name(GeneratorInput::program), GeneratorInput::program},
                  {generator_input_name(GeneratorInput::type_expression), GeneratorInput::type_expression},
                  {generator_input_name(GeneratorInput::files), GeneratorInput::files}},
                 generator.input);
        }
      } else {
        error(item, "`trust.generators` must be a list of globs and { files, input } tables");
        continue;
      }
      if (generator.files.empty() || (generator.files.front() != '/' && generator.files.front() != '*')) {
        error(item, "a generator's `files` must be an absolute path or glob");
      } else if (std::string problem = glob_problem(generator.files); !problem.empty()) {
        error(item, "generator glob \"" + generator.files + "\": " + problem);
      }
      generators.push_back(std::move(generator));
    }
    return generators;
  }

  // A string naming one of `choices`; the error lists them, like
  // `trust.kernel` must be "off", "script" or "all".
  template <typename Choice>
  void choose(const toml::node& node, std::string_view key,
              std::initializer_list<std::pair<std::string_view, Choice>> choices, Choice& chosen) {
    auto text = node.value<std::string>();
    std::string names;
    for (const auto& [name, value] : choices) {
      if (text == name) {
        chosen = value;
        return;
      }
      if (!names.empty()) names += &name == &(choices.end() - 1)->first ? " or " : ", ";
      names.append("\"").append(name).append("\"");
    }
    error(node, quoted_key(key) + " must be " + names);
  }

  std::vector<std::string> strings_of(const toml::node& node, std::string_view key) {
    std::vector<std::string> values;
    const auto* array = node.as_array();
    if (array == nullptr) {
      error(node, quoted_key(key) + " must be a list of strings");
      return values;
    }
    for (const auto& item : *array) {
      if (auto text = item.value<std::string>()) {
        values.push_back(*text);
      } else {
        error(item, quoted_key(key) + " must be a list of strings");
      }
    }
    return values;
  }

  void load_entry(const toml::table& table, EntryRestrictions& entry) {
    struct Field {
      std::string_view key;
      bool EntryRestrictions::*member;
    };
    static constexpr Field kFields[] = {
        {"command", &EntryRestrictions::command},
        {"multiprocessing", &EntryRestrictions::multiprocessing},
        {"module", &EntryRestrictions::module},
        {"stdin", &EntryRestrictions::stdin_program},
        {"interactive", &EntryRestrictions::interactive},
        {"startup_file", &EntryRestrictions::startup_file},
        {"pth_files", &EntryRestrictions::pth_files},
        {"sitecustomize", &EntryRestrictions::sitecustomize},
        {"usercustomize", &EntryRestrictions::usercustomize},
        {"environment", &EntryRestrictions::environment},
        {"user_site", &EntryRestrictions::user_site},
        {"write_bytecode", &EntryRestrictions::write_bytecode},
    };
    for (const auto& [key, value] : table) {
      std::string_view name = key.str();  // clang 14 lambdas cannot capture a structured binding
      const auto* field =
          std::find_if(std::begin(kFields), std::end(kFields), [&](const Field& f) { return f.key == name; });
      if (field == std::end(kFields)) {
        error(value, "unknown key `entry." + std::string(key.str()) + "`");
      } else if (!value.is_boolean()) {
        error(value, "`entry." + std::string(key.str()) + "` must be true or false");
      } else {
        entry.*(field->member) = *value.value<bool>();
      }
    }
  }

  std::optional<Rule> load_rule(const toml::table& table) {
    check_keys(table, {"id", "description", "event", "action", "severity", "attack", "message", "args", "site",
                       "process", "max_per_second", "sample_one_in", "after", "within", "sets", "given",
                       "given_any", "subject", "threshold", "except", "overrides"});
    Rule rule;
    rule.line = static_cast<int>(table.source().begin.line);
    rule.id = string_or(table, "id", "");
    if (rule.id.empty()) {
      error(table, "a rule needs an `id`");
      return std::nullopt;
    }
    if (rule.id.starts_with(kEntryRulePrefix) || rule.id.starts_with(kTrustRulePrefix)) {
      error(table, "rule ids starting with \"entry.\" or \"trust.\" are reserved for the rules [entry] and [trust] imply");
    }
    rule.description = string_or(table, "description", "");
    if (const auto* events = table.get("event")) {
      rule.events = strings(*events, "event");
      check_event_names(*events, rule.events);
    }
    if (rule.events.empty()) error(table, "rule \"" + rule.id + "\" needs `event` (a name, a glob or a list)");
    rule.action = action_of(table);
    rule.severity = severity_of(table, rule.action);
    if (const auto* attack = table.get("attack")) rule.attack = strings(*attack, "attack");
    rule.message = string_or(table, "message", rule.description);
    load_conditions(table, rule, rule.conditions);
    if (const auto* exceptions = table.get("except")) load_exceptions(*exceptions, rule);
    if (const auto* overrides = table.get("overrides")) {
      rule.overrides = strings(*overrides, "overrides");
      for (const std::string& pattern : rule.overrides) check_glob(*overrides, pattern);
      if (rule.action != Action::allow) {
        error(*overrides, "rule \"" + rule.id + "\": `overrides` belongs to allow rules (action = \"allow\")");
      }
    }
    if (rule.action == Action::allow && rule.overrides.empty()) {
      error(table, "allow rule \"" + rule.id + "\" needs `overrides`: the ids (or globs) of the rules it carves "
                   "out of; an allow cancels only what it names");
    }
    if (rule.action == Action::allow) {
      for (std::string_view key : {"sets", "threshold", "subject"}) {
        if (table.contains(key)) error(*table.get(key), "allow rule \"" + rule.id + "\" cannot have " + quoted_key(key));
      }
    }
    if (const auto* after = table.get("after")) rule.after = strings(*after, "after");
    if (const auto* sets = table.get("sets")) rule.sets = fact_names(*sets, "sets");
    if (const auto* given = table.get("given")) rule.given = fact_names(*given, "given");
    if (const auto* given_any = table.get("given_any")) rule.given_any = fact_names(*given_any, "given_any");
    if (const auto* subject = table.get("subject")) rule.subject = subject_of(*subject, rule.events);
    if (const auto* threshold = table.get("threshold")) load_threshold(*threshold, rule);
    if (const auto* within = table.get("within")) {
      auto seconds = within->value<long long>();
      if (!within->is_integer() || !seconds || *seconds <= 0) {
        error(*within, "`within` must be a whole number of seconds above 0");
      } else if (rule.after.empty() && !table.contains("given") && !table.contains("given_any")) {
        error(*within, "rule \"" + rule.id + "\": `within` needs `after`, `given` or `given_any`");
      } else {
        rule.within_seconds = *seconds;
      }
    }
    rule.limit.per_second = positive_or_zero(table, "max_per_second");
    rule.limit.sample_one_in = positive_or_zero(table, "sample_one_in");
    if (rule.limit.active() && rule.action != Action::log) {
      error(table, "rule \"" + rule.id + "\": rate limits apply to `log` rules only; alerts and denials are always "
                   "recorded");
    }
    if (rule.action == Action::deny || rule.action == Action::kill) warn_if_notification_only(table, rule);
    return rule;
  }

  // The `args`, `site` and `process` conditions of a rule's table, or of
  // one of its `except` tables.
  void load_conditions(const toml::table& table, const Rule& rule, std::vector<Condition>& conditions) {
    if (const auto* args = table.get("args")) {
      if (const auto* tests = table_of(*args, "args")) {
        for (const auto& [key, value] : *tests) {
          auto condition = load_condition(Subject::argument, std::string(key.str()), value);
          check_field(value, rule.events, condition.field, FieldUse::condition);
          check_view_values(value, rule.events, condition);
          conditions.push_back(std::move(condition));
        }
      }
    }
    load_subject_table(table, "site",
                       {{"file", Subject::site_file}, {"verified", Subject::site_verified}, {"entry", Subject::site_entry}},
                       conditions);
    load_subject_table(table, "process",
                       {{"uid", Subject::process_uid},
                        {"script", Subject::process_script},
                        {"entry", Subject::process_entry},
                        {"socket_stdio", Subject::process_socket_stdio}},
                       conditions);
  }

  // [[rule.except]]: each table holds conditions, as a rule does; the rule
  // does not match when every condition of one table holds.
  void load_exceptions(const toml::node& node, Rule& rule) {
    const auto* array = node.as_array();
    if (array == nullptr || !array->is_array_of_tables()) {
      error(node, "`except` must be written as [[rule.except]] tables (or a list of inline tables)");
      return;
    }
    for (const auto& item : *array) {
      const auto& table = *item.as_table();
      check_keys(table, {"args", "site", "process"});
      std::vector<Condition> conditions;
      load_conditions(table, rule, conditions);
      // An empty exception would hold for every event: the rule would never match.
      if (conditions.empty()) {
        error(item, "rule \"" + rule.id + "\": an `except` table needs a condition (args.*, site.* or process.*)");
      }
      rule.exceptions.push_back(std::move(conditions));
    }
  }

  // A view's fields with a fixed set of values: a value outside it (a
  // misspelt kind) could never match.
  void check_view_values(const toml::node& node, const std::vector<std::string>& events, const Condition& condition) {
    struct Values {
      std::string_view event;
      std::string_view field;
      std::initializer_list<std::string_view> allowed;
    };
    static const Values kValues[] = {
        {"vigil.process_start", "kind", {"shell", "python", "interpreter", "network-tool", "anonymous", "other"}},
        {"vigil.process_start", "command_origin", {"network", "decoded", "unknown"}},
        {"vigil.code", "origin", {"network", "decoded", "file", "text", "syntax-tree"}},
    };
    for (const Values& values : kValues) {
      if (condition.field != values.field ||
          std::find(events.begin(), events.end(), std::string(values.event)) == events.end()) {
        continue;
      }
      for (const Matcher& matcher : condition.matchers) {
        if (matcher.op != Matcher::Op::equals && matcher.op != Matcher::Op::one_of) continue;
        for (const Literal& literal : matcher.literals) {
          const auto* text = std::get_if<std::string>(&literal);
          if (text == nullptr || std::find(values.allowed.begin(), values.allowed.end(), *text) == values.allowed.end()) {
            std::string message = "`args." + condition.field + "` of " + std::string(values.event) + " is one of:";
            for (std::string_view allowed : values.allowed) message.append(" ").append(allowed);
            error(node, message);
            return;
          }
        }
      }
    }
  }

  // Fact names are dotted words ("net.connected"): they travel to child
  // processes in VIGIL_FACTS, whose separators they must not contain.
  std::vector<std::string> fact_names(const toml::node& node, std::string_view key) {
    std::vector<std::string> names = strings(node, key);
    // An empty given_any would hold for nothing and so match everything.
    if (names.empty()) error(node, quoted_key(key) + " lists no fact");
    for (const std::string& name : names) {
      bool valid = !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
      if (!valid) error(node, "fact \"" + name + "\" must be 1 to 64 of a-z, 0-9, '.', '_' and '-'");
    }
    return names;
  }

  // threshold = { count = N, seconds = S }: bursts, such as a port scan or
  // files renamed by the hundred.
  void load_threshold(const toml::node& node, Rule& rule) {
    const auto* table = table_of(node, "threshold");
    if (table == nullptr) return;
    check_keys(*table, {"count", "seconds"});
    auto count = (*table)["count"].value<long long>();
    auto seconds = (*table)["seconds"].value<long long>();
    if (!count || *count < 2 || *count > 1'000'000) {
      error(node, "`threshold.count` must be a whole number from 2 to 1000000");
    } else if (!seconds || *seconds < 1 || *seconds > 86'400) {
      error(node, "`threshold.seconds` must be a whole number of seconds from 1 to 86400");
    } else {
      rule.threshold_count = static_cast<unsigned>(*count);
      rule.threshold_seconds = *seconds;
    }
  }

  // "args.NAME", "args.N", "site.file" or "process.script".
  std::optional<SubjectRef> subject_of(const toml::node& node, const std::vector<std::string>& events) {
    auto text = node.value<std::string>();
    if (!text) {
      error(node, "`subject` must be a string such as \"args.path\"");
      return std::nullopt;
    }
    SubjectRef subject;
    if (text->starts_with("args.") && text->size() > 5) {
      subject.field = text->substr(5);
      if (is_position(subject.field)) {
        subject.position = std::stoul(subject.field);
      } else {
        check_field(node, events, subject.field, FieldUse::subject);
      }
      return subject;
    }
    if (*text == "site.file") {
      subject.subject = Subject::site_file;
      return subject;
    }
    if (*text == "process.script") {
      subject.subject = Subject::process_script;
      return subject;
    }
    error(node, "`subject` is \"args.NAME\", \"site.file\" or \"process.script\"");
    return std::nullopt;
  }

  // Every fact a rule is `given` is set by some rule: a misspelt fact
  // would make the rule never match while `policy check` said ok.
  void check_facts(const std::vector<Rule>& rules) {
    std::set<std::string> established;
    for (const Rule& rule : rules) established.insert(rule.sets.begin(), rule.sets.end());
    for (const Rule& rule : rules) {
      for (const auto* names : {&rule.given, &rule.given_any}) {
        for (const std::string& name : *names) {
          if (!established.contains(name)) {
            error_at(rule.line, 1, "rule \"" + rule.id + "\" is given fact \"" + name + "\", which no rule `sets`");
          }
        }
      }
    }
  }

  // Every `overrides` pattern of an allow rule takes in a rule of this
  // policy that it can cancel; an allow naming no rule, or a misspelt one,
  // would look like an exception and be none.
  void check_overrides(const std::vector<Rule>& rules, const TrustSettings& trust) {
    std::vector<Rule> trust_rules = rules_of_trust(trust);
    for (const Rule& allow : rules) {
      for (const std::string& pattern : allow.overrides) {
        std::string where = "allow rule \"" + allow.id + "\": `overrides` ";
        if (!has_glob_characters(pattern)) {
          const Rule* target = find_rule(rules, pattern);
          if (target == nullptr) {
            auto trusted = std::find_if(trust_rules.begin(), trust_rules.end(), [&](const Rule& r) { return r.id == pattern; });
            target = trusted == trust_rules.end() ? nullptr : &*trusted;
          }
          if (pattern.starts_with(kEntryRulePrefix)) {
            error_at(allow.line, 1, where + "names \"" + pattern + "\": entry restrictions are applied before Python "
                                    "starts and cannot be overridden; change [entry] instead");
          } else if (target == nullptr && pattern.starts_with(kTrustRulePrefix)) {
            error_at(allow.line, 1, where + "names \"" + pattern + "\", which this policy does not have (" +
                                    (trust.enabled ? "[trust] turns it off" : "no [trust] table") + ")");
          } else if (target == nullptr) {
            error_at(allow.line, 1, where + "names no rule of this policy: \"" + pattern + "\"");
          } else if (target == &allow) {
            error_at(allow.line, 1, where + "names the rule itself");
          } else if (!overrides(pattern, *target)) {
            error_at(allow.line, 1, where + "names \"" + pattern + "\", a " + to_string(target->action) +
                                    " rule: an allow cancels alert, deny and kill rules");
          }
          continue;
        }
        auto taken = [&](const Rule& rule) { return overrides(pattern, rule); };
        if (std::none_of(rules.begin(), rules.end(), taken) && std::none_of(trust_rules.begin(), trust_rules.end(), taken)) {
          error_at(allow.line, 1, where + "glob \"" + pattern + "\" takes in no alert, deny or kill rule of this policy");
        }
      }
    }
  }

  static const Rule* find_rule(const std::vector<Rule>& rules, std::string_view id) {
    auto found = std::find_if(rules.begin(), rules.end(), [&](const Rule& rule) { return rule.id == id; });
    return found == rules.end() ? nullptr : &*found;
  }

  // `after` names rules of this file, other than the rule itself.
  void check_correlations(const std::vector<Rule>& rules, const std::set<std::string>& ids,
                          const std::vector<std::pair<std::size_t, const toml::node*>>& correlations) {
    for (const auto& [index, after] : correlations) {
      const std::string& id = rules[index].id;
      for (const std::string& required : rules[index].after) {
        if (required == id) {
          error(*after, "rule \"" + id + "\" cannot come after itself");
        } else if (!ids.contains(required)) {
          error(*after, "rule \"" + id + "\": `after` names no rule of this policy: \"" + required + "\"");
        } else if (find_rule(rules, required)->action == Action::allow) {
          // An allow cancels; it marks no moment.
          error(*after, "rule \"" + id + "\": `after` names the allow rule \"" + required + "\"");
        }
      }
    }
  }

  void load_subject_table(const toml::table& rule_table, std::string_view key,
                          std::initializer_list<std::pair<std::string_view, Subject>> fields,
                          std::vector<Condition>& conditions) {
    const auto* node = rule_table.get(key);
    if (node == nullptr) return;
    const auto* table = table_of(*node, key);
    if (table == nullptr) return;
    for (const auto& [name, value] : *table) {
      std::string_view field_name = name.str();  // clang 14 lambdas cannot capture a structured binding
      const auto* field =
          std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == field_name; });
      if (field == fields.end()) {
        error(value, "unknown key `" + std::string(key) + "." + std::string(name.str()) + "`");
        continue;
      }
      Condition condition = load_condition(field->second, std::string(name.str()), value);
      check_subject_values(value, std::string(key) + "." + std::string(name.str()), condition);
      conditions.push_back(std::move(condition));
    }
  }

  // The site's and the process's facts have one type each (a flag, a uid,
  // an entry mode): a test of another type, or an entry mode that does
  // not exist, could never hold and would only look like protection.
  void check_subject_values(const toml::node& node, const std::string& name, const Condition& condition) {
    static constexpr std::string_view kEntryModes[] = {"file", "command", "module", "stdin", "interactive", "bootstrap"};
    bool flag = condition.subject == Subject::site_verified || condition.subject == Subject::site_entry ||
                condition.subject == Subject::process_socket_stdio;
    for (const Matcher& matcher : condition.matchers) {
      bool compares = matcher.op == Matcher::Op::equals || matcher.op == Matcher::Op::one_of;
      for (const Literal& literal : matcher.literals) {
        if (flag && !(compares && std::holds_alternative<bool>(literal))) {
          error(node, quoted_key(name) + " is true or false");
          return;
        }
        bool number = std::holds_alternative<long long>(literal) || std::holds_alternative<double>(literal);
        if (condition.subject == Subject::process_uid && !number) {
          error(node, quoted_key(name) + " is a number (the real uid)");
          return;
        }
        if (condition.subject == Subject::process_entry && compares) {
          const auto* mode = std::get_if<std::string>(&literal);
          if (mode == nullptr || std::find(std::begin(kEntryModes), std::end(kEntryModes), *mode) == std::end(kEntryModes)) {
            error(node, quoted_key(name) + " is file, command, module, stdin, interactive or bootstrap");
            return;
          }
        }
      }
    }
  }

  unsigned positive_or_zero(const toml::table& table, std::string_view key) {
    const auto* node = table.get(key);
    if (node == nullptr) return 0;
    auto number = node->value<long long>();
    if (!node->is_integer() || *number < 1 || *number > 1'000'000'000) {
      error(*node, quoted_key(key) + " must be a positive integer");
      return 0;
    }
    return static_cast<unsigned>(*number);
  }

  Action action_of(const toml::table& table) {
    std::string text = string_or(table, "action", "log");
    if (text == "log") return Action::log;
    if (text == "alert") return Action::alert;
    if (text == "deny") return Action::deny;
    if (text == "kill") return Action::kill;
    if (text == "allow") return Action::allow;
    error(*table.get("action"), "`action` must be one of log, alert, deny, kill, allow");
    return Action::log;
  }

  Severity severity_of(const toml::table& table, Action action) {
    const auto* node = table.get("severity");
    if (node == nullptr) {
      return action <= Action::log ? Severity::info : action == Action::alert ? Severity::medium : Severity::high;
    }
    int rank = node->is_string() ? severity_rank(node->value_or(std::string_view{})) : -1;
    if (rank >= 0) return static_cast<Severity>(rank);
    error(*node, "`severity` must be one of info, low, medium, high, critical");
    return Severity::medium;
  }

  void check_event_names(const toml::node& node, const std::vector<std::string>& events) {
    for (const std::string& event : events) {
      if (event.empty()) {
        error(node, "empty event name");
      } else if (std::string problem = glob_problem(event); !problem.empty()) {
        error(node, "event \"" + event + "\": " + problem);
      } else if (has_glob_characters(event)) {
        bool any = std::any_of(event_catalog().begin(), event_catalog().end(),
                               [&](const EventSignature& s) { return glob_match(event, s.name); });
        if (!any) warning(node, "event glob \"" + event + "\" matches no catalogued CPython audit event");
      } else if (find_event_signature(event) == nullptr && event.starts_with("vigil.")) {
        // Vigil owns these names: one it does not raise is a typo.
        error(node, "\"" + event + "\" is not one of Vigil's events or views (docs/policy.md)");
      } else if (find_event_signature(event) == nullptr) {
        warning(node, "\"" + event + "\" is not a catalogued CPython audit event (a third-party sys.audit name, or "
                      "a typo?)");
      }
    }
  }

  // The field must be an argument of at least one event the rule names;
  // for a single catalogued event, of that event. A condition's rule never
  // matches the events without it (a missing argument fails every
  // condition, `not` included): each is warned about. A subject is only
  // left out of the alert where it is missing.
  enum class FieldUse { condition, subject };
  void check_field(const toml::node& node, const std::vector<std::string>& events, const std::string& field,
                   FieldUse use) {
    if (is_position(field)) return;
    bool known_events = false;
    bool somewhere = false;
    std::vector<std::string> without;  // events without the field, by the names the rule gives
    for (const std::string& event : events) {
      std::size_t lacking = 0;
      std::size_t matched = 0;
      std::string_view example;
      for (const EventSignature& signature : event_catalog()) {
        if (!glob_match(event, signature.name)) continue;
        known_events = true;
        ++matched;
        if (std::find(signature.fields.begin(), signature.fields.end(), field) != signature.fields.end()) {
          somewhere = true;
        } else {
          if (lacking++ == 0) example = signature.name;
        }
      }
      if (lacking == 0) continue;
      if (!has_glob_characters(event)) {
        without.push_back("\"" + event + "\"");
      } else if (lacking == matched) {
        without.push_back("\"" + event + "\" (none of its " + std::to_string(matched) + " events)");
      } else {
        without.push_back("\"" + event + "\" (" + std::to_string(lacking) + " of its " + std::to_string(matched) +
                          " events, such as " + std::string(example) + ")");
      }
    }
    if (!known_events) return;
    if (somewhere) {
      if (without.empty() || use == FieldUse::subject) return;
      std::string message = "`args." + field + "` is not an argument of";
      for (std::size_t i = 0; i < without.size(); ++i) message += (i == 0 ? " " : ", ") + without[i];
      warning(node, message + ": the rule never matches those events (give them a rule of their own)");
      return;
    }
    bool single = events.size() == 1 && !has_glob_characters(events.front());
    std::string message = "no event of this rule has an argument named `" + field + "`";
    if (single) {
      const EventSignature* signature = find_event_signature(events.front());
      message = "event \"" + events.front() + "\" has no argument `" + field + "`; its arguments are:";
      for (auto name : signature->fields) message += " " + std::string(name);
      error(node, message);
    } else {
      warning(node, message);
    }
  }

  void warn_if_notification_only(const toml::table& table, const Rule& rule) {
    for (const std::string& event : rule.events) {
      for (std::string_view name : kNotificationOnlyEvents) {
        if (glob_match(event, name)) {
          warning(table, "rule \"" + rule.id + "\": CPython ignores a hook's refusal of \"" + std::string(name) +
                             "\"; it can be recorded and alerted, not denied");
        }
      }
    }
  }

  std::optional<Literal> literal_of(const toml::node& node) {
    if (node.is_boolean()) return Literal(*node.value<bool>());
    if (node.is_integer()) return Literal(*node.value<long long>());
    if (node.is_floating_point()) {
      double number = *node.value<double>();
      // NaN compares false with everything: a condition on it never holds.
      if (std::isnan(number)) {
        error(node, "nan is not a value a condition can test");
        return std::nullopt;
      }
      return Literal(number);
    }
    if (node.is_string()) return Literal(*node.value<std::string>());
    error(node, "expected a string, a number or a boolean");
    return std::nullopt;
  }

  Condition load_condition(Subject subject, std::string field, const toml::node& node) {
    Condition condition;
    condition.subject = subject;
    condition.field = std::move(field);
    if (subject == Subject::argument && is_position(condition.field)) condition.position = std::stoul(condition.field);
    const auto* table = node.as_table();
    if (table == nullptr) {
      // A bare value means equality.
      if (auto literal = literal_of(node)) condition.matchers.push_back({Matcher::Op::equals, {*literal}, {}, {}, {}});
      return condition;
    }
    check_keys(*table, {"equals", "prefix", "glob", "except_glob", "regex", "lt", "le", "gt", "ge", "any_bit", "one_of",
                        "cidr", "port", "type", "key", "not"});
    for (const auto& [key, value] : *table) {
      std::string_view op = key.str();
      if (op == "not") {
        if (!value.is_boolean()) error(value, "`not` must be true or false");
        condition.negate = value.value<bool>().value_or(false);
        continue;
      }
      auto matcher = load_matcher(op, value);
      if (matcher) condition.matchers.push_back(std::move(*matcher));
    }
    if (condition.matchers.empty()) error(node, "condition on `" + condition.field + "` tests nothing");
    return condition;
  }

  std::optional<Matcher> load_matcher(std::string_view op, const toml::node& value) {
    Matcher matcher;
    if (op == "equals") {
      matcher.op = Matcher::Op::equals;
      auto literal = literal_of(value);
      if (!literal) return std::nullopt;
      matcher.literals.push_back(*literal);
    } else if (op == "prefix" || op == "glob" || op == "except_glob" || op == "type" || op == "key") {
      matcher.op = op == "prefix"        ? Matcher::Op::prefix
                   : op == "glob"        ? Matcher::Op::glob
                   : op == "except_glob" ? Matcher::Op::except_glob
                   : op == "type"        ? Matcher::Op::type
                                         : Matcher::Op::key;
      for (auto& text : strings(value, op)) {
        if (matcher.op == Matcher::Op::glob || matcher.op == Matcher::Op::except_glob) check_glob(value, text);
        matcher.literals.emplace_back(std::move(text));
      }
    } else if (op == "regex") {
      matcher.op = Matcher::Op::regex;
      auto pattern = value.value<std::string>();
      if (!value.is_string()) {
        error(value, "`regex` must be a string");
        return std::nullopt;
      }
      auto regex = compile_regex(*pattern);
      if (!regex->ok()) {
        error(value, "invalid regular expression: " + regex->error());
        return std::nullopt;
      }
      matcher.regex = std::make_shared<const LazyRegex>(*pattern, std::move(regex));
    } else if (op == "lt" || op == "le" || op == "gt" || op == "ge") {
      matcher.op = op == "lt" ? Matcher::Op::lt : op == "le" ? Matcher::Op::le : op == "gt" ? Matcher::Op::gt : Matcher::Op::ge;
      if (!value.is_number() || (value.is_floating_point() && !std::isfinite(*value.value<double>()))) {
        error(value, quoted_key(op) + " must be a finite number");
        return std::nullopt;
      }
      matcher.literals.push_back(*literal_of(value));
    } else if (op == "any_bit") {
      matcher.op = Matcher::Op::any_bit;
      if (!value.is_integer() || *value.value<long long>() <= 0) {
        error(value, "`any_bit` must be a positive integer (a mask such as 0o6000)");
        return std::nullopt;
      }
      matcher.literals.push_back(*literal_of(value));
    } else if (op == "one_of") {
      matcher.op = Matcher::Op::one_of;
      const auto* array = value.as_array();
      if (array == nullptr) {
        error(value, "`one_of` must be an array");
        return std::nullopt;
      }
      for (const auto& item : *array) {
        if (auto literal = literal_of(item)) matcher.literals.push_back(*literal);
      }
    } else if (op == "cidr") {
      matcher.op = Matcher::Op::cidr;
      for (const auto& text : strings(value, "cidr")) {
        auto network = parse_network(text);
        if (!network) {
          error(value, "\"" + text + "\" is not an address or a network like 10.0.0.0/8 or 2001:db8::/32");
          continue;
        }
        matcher.networks.push_back(*network);
      }
    } else {
      matcher.op = Matcher::Op::port;
      if (!load_ports(value, matcher.ports)) return std::nullopt;
    }
    if (matcher.literals.empty() && matcher.networks.empty() && matcher.ports.empty() && !matcher.regex) {
      // An empty list: `one_of = []` holds for nothing, `key = []` tests nothing.
      error(value, quoted_key(op) + " lists nothing to test");
      return std::nullopt;
    }
    matcher.prepare();
    return matcher;
  }

  // 443, [80, 443] or ["8000-8999", 22]; ports run from 0 to 65535.
  bool load_ports(const toml::node& value, std::vector<PortRange>& ports) {
    auto in_range = [](long long port) { return port >= 0 && port <= 65535; };
    auto one = [&](const toml::node& item) {
      if (item.is_integer() && in_range(*item.value<long long>())) {
        long long port = *item.value<long long>();
        ports.push_back({port, port});
        return true;
      }
      if (item.is_string()) {
        std::string text = *item.value<std::string>();
        auto dash = text.find('-');
        PortRange range;
        if (dash == std::string::npos) {
          auto single = std::from_chars(text.data(), text.data() + text.size(), range.low);
          if (single.ec == std::errc() && single.ptr == text.data() + text.size() && in_range(range.low)) {
            ports.push_back({range.low, range.low});
            return true;
          }
        } else {
          auto first = std::from_chars(text.data(), text.data() + dash, range.low);
          auto second = std::from_chars(text.data() + dash + 1, text.data() + text.size(), range.high);
          if (first.ec == std::errc() && second.ec == std::errc() && first.ptr == text.data() + dash &&
              second.ptr == text.data() + text.size() && range.low <= range.high && in_range(range.low) &&
              in_range(range.high)) {
            ports.push_back(range);
            return true;
          }
        }
      }
      error(item, "a port is a number from 0 to 65535 or a range like \"8000-8999\"");
      return false;
    };
    if (const auto* array = value.as_array(); array != nullptr) {
      bool ok = true;
      for (const auto& item : *array) ok = one(item) && ok;
      return ok;
    }
    return one(value);
  }

  std::vector<Diagnostic>& diagnostics_;
};

Rule entry_rule(std::string_view route, std::vector<std::string> events, std::string message,
                Severity severity = Severity::high) {
  Rule rule;
  rule.id = std::string(kEntryRulePrefix) + std::string(route);
  rule.description = "[entry] " + std::string(route) + " = false";
  rule.events = std::move(events);
  rule.action = Action::deny;
  rule.severity = severity;
  rule.attack = {"T1059.006"};
  rule.message = std::move(message);
  return rule;
}

Condition equals_condition(Subject subject, std::string field, std::string value) {
  Condition condition;
  condition.subject = subject;
  condition.field = std::move(field);
  condition.matchers.push_back({Matcher::Op::equals, {Literal(std::move(value))}, {}, {}, {}});
  return condition;
}

// [entry] as rules, so one engine decides, records and explains them all.
// The launcher also enforces the routes through PyConfig before Python
// starts (docs/policy.md); the rules catch what runs later.
void append_entry_rules(Policy& policy) {
  const EntryRestrictions& entry = policy.entry;
  auto& rules = policy.rules;
  if (!entry.command) {
    rules.push_back(entry_rule("command", {"cpython.run_command"}, "running code given with -c is not allowed"));
    // A process started by multiprocessing's own bootstrap command has the
    // entry "bootstrap" when `multiprocessing` lets it run.
    rules.back().conditions.push_back(equals_condition(Subject::process_entry, "entry", "command"));
  }
  if (!entry.module) {
    rules.push_back(entry_rule("module", {"cpython.run_module"}, "running a module with -m is not allowed"));
  }
  if (!entry.stdin_program) {
    rules.push_back(entry_rule("stdin", {"cpython.run_stdin"}, "running a program read from stdin is not allowed"));
    rules.back().conditions.push_back(equals_condition(Subject::process_entry, "entry", "stdin"));
  }
  if (!entry.interactive) {
    rules.push_back(entry_rule("interactive", {"cpython.run_stdin"},
                               "the interactive interpreter is not allowed"));
    // run_stdin also starts a piped program; that is entry.stdin's call.
    rules.back().conditions.push_back(equals_condition(Subject::process_entry, "entry", "interactive"));
    // The REPL after a program (-i, PYTHONINSPECT) when site installed
    // sys.__interactivehook__; without site only PyConfig stops it.
    rules.push_back(entry_rule("inspect", {"cpython.run_interactivehook"},
                               "the interactive interpreter is not allowed (-i or PYTHONINSPECT)"));
  }
  if (!entry.startup_file) {
    rules.push_back(entry_rule("startup_file", {"cpython.run_startup"}, "PYTHONSTARTUP files are not allowed"));
  }
  if (!entry.pth_files) {
    rules.push_back(entry_rule("pth_files", {"vigil.open_code"}, ".pth files are not read", Severity::medium));
    Condition pth;
    pth.field = "path";
    pth.matchers.push_back({Matcher::Op::glob, {Literal(std::string("*.pth"))}, {}, {}, {}});
    rules.back().conditions.push_back(std::move(pth));
  }
  for (auto [allowed, name] : {std::pair{entry.sitecustomize, "sitecustomize"}, {entry.usercustomize, "usercustomize"}}) {
    if (allowed) continue;
    rules.push_back(entry_rule(name, {"import"}, std::string(name) + " is not run", Severity::medium));
    rules.back().conditions.push_back(equals_condition(Subject::argument, "module", name));
    rules.back().refusal = Refusal::module_not_found;
  }
  // No event: the launcher reports these when it applies them at start.
  if (!entry.environment) {
    rules.push_back(entry_rule("environment", {}, "PYTHON* environment variables are ignored", Severity::low));
  }
}

Rule trust_rule(std::string_view id, std::string description, std::vector<std::string> attack, std::string message) {
  Rule rule;
  rule.id = std::string(id);
  rule.description = std::move(description);
  rule.action = Action::deny;
  rule.severity = Severity::high;
  rule.attack = std::move(attack);
  rule.message = std::move(message);
  return rule;
}

}  // namespace

std::vector<Rule> rules_of_trust(const TrustSettings& trust) {
  std::vector<Rule> rules;
  if (!trust.enabled) return rules;
  rules.push_back(trust_rule(kTrustCodeRule, "[trust] a file opened to run as code is not trusted", {"T1059.006"},
                             "code file is not trusted"));
  if (trust.native) {
    rules.push_back(trust_rule(kTrustNativeRule, "[trust] a native library to be loaded is not trusted", {"T1129"},
                               "native library is not trusted"));
  }
  if (trust.provenance) {
    rules.push_back(trust_rule(kTrustProvenanceRule, "[trust] code that did not come from a verified file",
                               {"T1059.006", "T1620"}, "code did not come from a verified file"));
  }
  return rules;
}

namespace {

// [trust] as rules, so its misses are alerts and denials like any other
// rule's: alerts in audit mode, denials in enforce mode.
void append_trust_rules(Policy& policy) {
  for (Rule& rule : rules_of_trust(policy.trust)) policy.rules.push_back(std::move(rule));
}

}  // namespace

bool overrides(std::string_view pattern, const Rule& target) {
  return target.action >= Action::alert && !target.id.starts_with(kEntryRulePrefix) && glob_match(pattern, target.id);
}

std::vector<Generator> builtin_generators() {
  // Every file here was read for what its generated code is built from;
  // docs/trust.md lists them with the reasons.
  const std::string stdlib = std::string(kStdlibDirectory) + "/";
  const std::string packages = "/usr/lib/python3/dist-packages/";
  using enum GeneratorInput;
  return {
      // namedtuple (its field names must be identifiers), dataclasses,
      // types.coroutine's code.replace.
      {stdlib + "collections/__init__.py", program},
      {stdlib + "dataclasses.py", program},
      {stdlib + "types.py", program},
      // String annotations: typing.ForwardRef, 3.14's annotationlib,
      // inspect.get_annotations(eval_str=True).
      {stdlib + "typing.py", type_expression},
      {stdlib + "annotationlib.py", type_expression},
      {stdlib + "inspect.py", type_expression},
      {packages + "werkzeug/routing/rules.py", program},
      {packages + "jinja2/environment.py", files},
      {packages + "jinja2/debug.py", program},
      {packages + "attr/_make.py", program},
      {packages + "sqlalchemy/util/langhelpers.py", program},
      {packages + "sqlalchemy/util/compat.py", program},
      {packages + "sqlalchemy/orm/instrumentation.py", program},
      {packages + "sqlalchemy/orm/clsregistry.py", program},
      {packages + "sqlalchemy/sql/lambdas.py", program},
      {packages + "sqlalchemy/util/typing.py", type_expression},
      {packages + "_pytest/assertion/rewrite.py", files},
      {packages + "_pytest/mark/expression.py", program},
      {packages + "_pytest/skipping.py", program},
      // exec("do_exec = exec") at import: pytest-xdist's transport. six
      // (and Ansible's copy) defines raise_from by exec of its own text.
      {packages + "execnet/gateway_base.py", program},
      {packages + "six.py", program},
      {packages + "ansible/module_utils/six/__init__.py", program},
  };
}

const Rule* find_rule(const Policy& policy, std::string_view id) {
  for (const Rule& rule : policy.rules) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

const Rule* find_entry_rule(const Policy& policy, std::string_view route) {
  return find_rule(policy, std::string(kEntryRulePrefix) + std::string(route));
}

const char* to_string(Mode mode) { return mode == Mode::audit ? "audit" : "enforce"; }

const char* to_string(Action action) {
  switch (action) {
    case Action::log: return "log";
    case Action::alert: return "alert";
    case Action::deny: return "deny";
    case Action::kill: return "kill";
    case Action::allow: return "allow";
  }
  return "log";
}

const char* to_string(Severity severity) {
  auto rank = static_cast<std::size_t>(severity);
  // The names are literals, so their data ends in a NUL.
  return rank < kSeverityNames.size() ? kSeverityNames[rank].data() : "medium";
}

LoadResult load_policy(std::string_view text, const std::string& source, std::string_view sha256) {
  LoadResult result;
  if (auto unreadable = find_character_toml_cannot_read(text)) {
    result.diagnostics.push_back(std::move(*unreadable));
    return result;
  }
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& failure) {
    const auto& where = failure.source().begin;
    result.diagnostics.push_back({Diagnostic::Level::error, static_cast<int>(where.line),
                                  static_cast<int>(where.column), std::string(failure.description())});
    return result;
  }
  Loader loader(result.diagnostics);
  result.policy = loader.load(root);
  if (result.policy) {
    append_entry_rules(*result.policy);
    append_trust_rules(*result.policy);
    result.policy->source = source;
    result.policy->sha256 = sha256.empty() ? Sha256::hex_of(text) : std::string(sha256);
  }
  return result;
}

std::string format_diagnostic(const Diagnostic& diagnostic, const std::string& source) {
  return source + ":" + std::to_string(diagnostic.line) + ":" + std::to_string(diagnostic.column) + ": " +
         (diagnostic.level == Diagnostic::Level::error ? "error: " : "warning: ") + diagnostic.message;
}

}  // namespace vigil
