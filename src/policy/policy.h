// A loaded policy: what Vigil records, flags and forbids. Built by
// load_policy() (policy_loader.h), evaluated by PolicyEngine
// (policy_engine.h). The schema is documented in docs/policy.md.
#pragma once

#include "condition.h"
#include "sinks/sink_settings.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

inline constexpr int kPolicySchemaVersion = 1;

// audit: rules that would deny or kill raise alerts instead; nothing that
// changes how Python runs is applied. enforce: everything is applied.
enum class Mode { audit, enforce };

// log, alert, deny and kill are ordered by strength: when several rules
// match, the strongest decides. allow stands apart, below them all: it
// raises nothing of its own and cancels the rules it `overrides`
// (docs/policy.md, Precedence).
enum class Action { allow, log, alert, deny, kill };

// In the order of kSeverityNames (sinks/record.h): a severity's value is its rank.
enum class Severity { info, low, medium, high, critical };

const char* to_string(Mode mode);
const char* to_string(Action action);
const char* to_string(Severity severity);

// Per-rule thinning of records for noisy, benign events (`log` rules only).
struct RateLimit {
  unsigned per_second = 0;     // at most this many records per second; 0: no cap
  unsigned sample_one_in = 0;  // keep one record in this many; 0: keep all
  bool active() const { return per_second != 0 || sample_one_in != 0; }
  bool operator==(const RateLimit&) const = default;
};

// How a denial surfaces in Python.
enum class Refusal {
  permission_error,  // PermissionError with the rule's message
  // ModuleNotFoundError for the module, which site treats as "there is no
  // sitecustomize": the start-up hook is skipped without a traceback.
  module_not_found,
};

// Prefixes of the rules load_policy() derives from [entry] and [trust];
// reserved.
inline constexpr std::string_view kEntryRulePrefix = "entry.";
inline constexpr std::string_view kTrustRulePrefix = "trust.";
// The rules [trust] implies. The runtime applies them; they name no event.
inline constexpr std::string_view kTrustCodeRule = "trust.code";
inline constexpr std::string_view kTrustNativeRule = "trust.native";
inline constexpr std::string_view kTrustProvenanceRule = "trust.provenance";

// The events each trust rule judges: the runtime finds the file or code
// they are about untrusted (src/runtime/code_verifier.cpp). An allow rule
// that overrides one must name some of them; `vigil policy explain
// --untrusted` judges an event as these rules would.
struct TrustRuleEvents {
  std::string_view rule;
  std::array<std::string_view, 5> events;  // the unused ones empty
  bool judges(std::string_view event) const {
    return !event.empty() && std::find(events.begin(), events.end(), event) != events.end();
  }
};
inline constexpr TrustRuleEvents kTrustRuleEvents[] = {
    {kTrustCodeRule, {"open", "vigil.open_code"}},
    {kTrustNativeRule, {"import", "ctypes.dlopen", "sqlite3.load_extension"}},
    {kTrustProvenanceRule, {"compile", "exec", "marshal.loads", "marshal.load", "code.__new__"}},
};

// A value a rule names its alert and its facts by: an event argument, the
// call site's file or the script (`subject = "args.path"`).
struct SubjectRef {
  Subject subject = Subject::argument;
  std::string field;
  std::optional<std::size_t> position;
  bool operator==(const SubjectRef&) const = default;
};

struct Rule {
  std::string id;
  std::string description;
  std::vector<std::string> events;  // exact names or globs
  std::vector<Condition> conditions;  // all must hold
  // `[[rule.except]]` tables: the rule does not match an event for which
  // every condition of one of them holds.
  std::vector<std::vector<Condition>> exceptions;
  Action action = Action::log;
  // An allow rule's `overrides`: ids or globs of the rules it cancels,
  // `trust.*` included; resolved by the engine.
  std::vector<std::string> overrides;
  Severity severity = Severity::medium;
  std::vector<std::string> attack;  // MITRE ATT&CK technique ids
  std::string message;
  RateLimit limit;
  // Correlation: the rule matches only once each of these rules has matched
  // an earlier event of the process (or of the process it was forked from),
  // within `within_seconds` of now when that is not 0.
  std::vector<std::string> after;
  long long within_seconds = 0;
  // Facts (docs/policy.md): names this rule establishes when it matches,
  // and facts that must hold (all of `given`, one of `given_any`) for it
  // to match. `within` bounds their age too.
  std::vector<std::string> sets;
  std::vector<std::string> given;
  std::vector<std::string> given_any;
  // The rule matches once per window: on the `threshold_count`th event
  // that meets its conditions within `threshold_seconds` of the first.
  unsigned threshold_count = 0;
  long long threshold_seconds = 0;
  // What the alert and the facts this rule sets are about.
  std::optional<SubjectRef> subject;
  Refusal refusal = Refusal::permission_error;
  int line = 0;  // where the rule starts in its file; 0 for entry rules
  bool operator==(const Rule&) const = default;
};

// How the interpreter may be entered and what may run before the program.
// true keeps python3's behaviour.
struct EntryRestrictions {
  bool command = true;        // -c
  // With command = false: multiprocessing's own -c bootstrap commands
  // (bootstrap_command.h) still run.
  bool multiprocessing = true;
  bool module = true;         // -m
  bool stdin_program = true;  // a program read from stdin that is not a terminal
  bool interactive = true;    // the REPL, -i and PYTHONINSPECT
  bool startup_file = true;   // PYTHONSTARTUP
  bool pth_files = true;      // .pth files read by site
  bool sitecustomize = true;
  bool usercustomize = true;
  bool environment = true;    // PYTHON* environment variables (use_environment)
  bool user_site = true;      // the user's site-packages
  bool write_bytecode = true;
  bool operator==(const EntryRestrictions&) const = default;
};

// What a code generator's output may be built from ([trust] generators,
// docs/trust.md). Whatever the kind, text that came from the network, a
// decoder or the environment is never the generator's own.
enum class GeneratorInput {
  // The program's own values (class and field names, routes): any text.
  program,
  // An annotation: names, attributes, subscripts and literals, no call.
  type_expression,
  // Templates or sources read from files: the name the code is compiled
  // under must be a file the trust sources vouch for.
  files,
};

// The name a policy gives an input kind (`input = "type-expression"`).
constexpr std::string_view generator_input_name(GeneratorInput input) {
  switch (input) {
    case GeneratorInput::program:
      return "program";
    case GeneratorInput::type_expression:
      return "type-expression";
    case GeneratorInput::files:
      return "files";
  }
  return "program";
}

struct Generator {
  std::string files;  // a glob over the generator's own (verified) file
  GeneratorInput input = GeneratorInput::program;
  bool operator==(const Generator&) const = default;
};

// The generators vigil-python knows of: the standard library's and those of
// Debian's packages in /usr/lib/python3/dist-packages. `builtin` in a
// `generators` list stands for them.
std::vector<Generator> builtin_generators();

// Which files count as code the administrator approved ([trust]).
struct TrustSettings {
  bool enabled = false;  // a [trust] table is present
  bool database = true;  // the trust database counts
  bool xattr = true;     // the security.vigil.sha256 attribute counts
  std::vector<std::string> database_paths;  // files, and directories of *.trust files
  // Which code files the kernel's AT_EXECVE_CHECK must allow: none, the
  // script run directly, or every file opened as code.
  enum class Kernel { off, script, all } kernel = Kernel::off;
  // .pyc files are verified like any other file, or refused so imports
  // fall back to the verified source.
  enum class Bytecode { verify, refuse } bytecode = Bytecode::verify;
  bool native = true;      // extension modules, ctypes.dlopen, sqlite3 extensions
  bool provenance = true;  // compile, marshal.loads, exec and code.__new__
  // Verified files whose own compile() and exec() of generated code count
  // as verified (dataclasses, namedtuple, Werkzeug), each with what its
  // code may be built from (docs/trust.md).
  std::vector<Generator> generators;
  bool operator==(const TrustSettings&) const = default;
};

inline constexpr unsigned kDefaultHeartbeatSeconds = 60;

struct Policy {
  int version = kPolicySchemaVersion;
  std::string name;
  std::string description;
  Mode mode = Mode::audit;
  // Only meaningful in the system policy: no environment variable or
  // option may replace or weaken it, and its file must be root's alone.
  bool locked = false;
  std::optional<std::string> log_path;
  // Seconds between `heartbeat` records, so silence shows; 0: none.
  unsigned heartbeat_seconds = kDefaultHeartbeatSeconds;
  // Records carry `prev`, the SHA-256 of the process's line before them.
  bool chain = true;
  // A file only root may read and write whose bytes key the records' `hmac`.
  std::optional<std::string> hmac_key_path;
  // Where records go beside the log file ([[sink]]).
  std::vector<SinkSettings> sinks;
  EntryRestrictions entry;
  TrustSettings trust;
  // The file's rules, then one `entry.*` rule per restriction in [entry],
  // then the `trust.*` rules when [trust] is present.
  std::vector<Rule> rules;
  std::string source;  // file it was read from, or "built-in"
  std::string sha256;  // of the file's bytes
  bool operator==(const Policy&) const = default;
};

// Whether one of an allow rule's `overrides` patterns (an id or a glob)
// takes in `target`: a rule that alerts, denies or kills, other than an
// entry restriction, which the launcher enforces before Python starts.
bool overrides(std::string_view pattern, const Rule& target);

// The rule with this id, or null.
const Rule* find_rule(const Policy& policy, std::string_view id);
// The entry rule for a route ("command" finds entry.command), or null when the policy
// does not restrict that route.
const Rule* find_entry_rule(const Policy& policy, std::string_view id);

}  // namespace vigil
