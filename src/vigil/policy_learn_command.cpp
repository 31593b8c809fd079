// `vigil policy learn`: the rules that would let what the logs show run
// under enforcement of a base policy, proposed for review.
#include "file_io.h"
#include "logs/record_filter.h"
#include "logs/safe_text.h"
#include "policy_loader.h"
#include "policy_replay.h"
#include "policy_replay_command.h"
#include "policy_selection.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

namespace vigil {
namespace {

struct Seen {
  long count = 0;
  std::string first_ts;
  std::string last_ts;
  std::string first_at;  // log:line pid seq

  void add(const JudgedEvent& judged) {
    if (count++ == 0) {
      first_ts = std::string(judged.ts);
      first_at = std::string(judged.log) + ":" + std::to_string(judged.line) + " pid " + std::to_string(judged.pid) +
                 " seq " + std::to_string(judged.seq);
    }
    last_ts = std::string(judged.ts);
  }
  std::string comment() const {
    return std::to_string(count) + (count == 1 ? " event" : " events") + ", first " + first_ts + ", last " + last_ts +
           "; first at " + first_at;
  }
};

// One proposed allow rule.
struct Proposal {
  std::string event;
  std::vector<std::string> overrides;
  std::vector<std::pair<std::string, std::string>> conditions;  // key, TOML value
  std::vector<std::string> notes;      // what could not be pinned, and why
  std::vector<std::string> criticals;  // attack-detection rules of severity critical it meets
  bool commented_out = false;          // proposed only for an administrator to enable
  std::string warning;                 // why it is commented out
  Seen seen;
  std::size_t order = 0;
};

// A TOML basic string. Controls, C1 controls and bidirectional overrides
// are escaped: a proposal is read by a person, whose terminal or editor
// they would drive or reorder.
std::string toml_string(std::string_view text) {
  std::string out = "\"";
  char escaped[12];
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(escaped, sizeof escaped, "\\u%04X", c);
      out += escaped;
    } else if (unsigned code = invisible_control_at(text, i, length)) {
      std::snprintf(escaped, sizeof escaped, "\\u%04X", code);
      out += escaped;
      i += length - 1;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A comment's text on one line, harmless in a terminal.
std::string comment_text(std::string_view text) { return bounded_text(text, 300); }

bool is_ip_literal(std::string_view host, bool& v6) {
  auto network = parse_address(host);
  v6 = network && network->family != 2;  // AF_INET
  return network.has_value();
}

// The TOML value that pins `value` to what was seen, or empty with `note`
// saying why it cannot be pinned.
std::string pinned_value(simdjson::dom::element value, std::string& note) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) return toml_string(text);
  bool flag = false;
  if (value.get_bool().get(flag) == simdjson::SUCCESS) return flag ? "true" : "false";
  std::int64_t number = 0;
  if (value.get_int64().get(number) == simdjson::SUCCESS) return std::to_string(number);
  if (auto address = recorded_address(value)) {
    bool v6 = false;
    if (is_ip_literal(address->host, v6)) {
      return "{ cidr = " + toml_string(std::string(address->host) + (v6 ? "/128" : "/32")) +
             ", port = " + std::to_string(address->port) + " }";
    }
    note = "the host " + std::string(address->host) + " is a name, which no cidr matches: only the port is pinned";
    return "{ port = " + std::to_string(address->port) + " }";
  }
  simdjson::dom::object object;
  if (value.get_object().get(object) == simdjson::SUCCESS) {
    for (const char* name : {"bytes", "bytearray"}) {
      if (object.at_key(name).get_string().get(text) == simdjson::SUCCESS) return toml_string(text);
    }
    if (object.at_key("str").get_string().get(text) == simdjson::SUCCESS) {
      note = "the value was cut when recorded: pinned by its first " + std::to_string(text.size()) + " bytes";
      return "{ prefix = " + toml_string(text) + " }";
    }
  }
  note = "its recorded value " + bounded_text(simdjson::minify(value), 80) + " cannot be pinned";
  return {};
}

// The argument fields a rule's conditions test.
void tested_fields(const Rule& rule, std::set<std::string>& fields) {
  for (const Condition& condition : rule.conditions) {
    if (condition.subject == Subject::argument) fields.insert(condition.field);
  }
}

bool is_entry_rule(std::string_view id) { return id.starts_with(kEntryRulePrefix); }

// Inserts (or replaces) `generators` in the [trust] table of a policy's
// text. The old key's lines are kept, commented out. Nothing when the text
// has no [trust] header (a table written with dotted keys).
std::optional<std::string> with_generators(const std::string& text, const std::string& generators_line) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto trimmed = [](const std::string& line) {
    std::size_t first = line.find_first_not_of(" \t");
    return first == std::string::npos ? std::string() : line.substr(first);
  };
  std::size_t header = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string line = trimmed(lines[i]);
    if (line.starts_with("[trust]")) header = i;
  }
  if (header == lines.size()) return std::nullopt;
  std::vector<std::string> out(lines.begin(), lines.begin() + static_cast<long>(header) + 1);
  out.push_back(generators_line);
  std::size_t i = header + 1;
  for (; i < lines.size(); ++i) {
    std::string line = trimmed(lines[i]);
    if (line.starts_with('[')) break;
    if (!line.starts_with("generators") || line.find('=') == std::string::npos) {
      out.push_back(lines[i]);
      continue;
    }
    // The old value, to the bracket that closes it (outside strings).
    int depth = 0;
    bool seen_open = false;
    for (; i < lines.size(); ++i) {
      char quote = 0;
      bool escaped = false;
      for (char c : lines[i]) {
        if (quote != 0) {
          if (escaped) {
            escaped = false;
          } else if (quote == '"' && c == '\\') {
            escaped = true;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '#') {
          break;
        } else if (c == '[') {
          ++depth;
          seen_open = true;
        } else if (c == ']') {
          --depth;
        }
      }
      out.push_back("# replaced by vigil policy learn: " + lines[i]);
      if (seen_open && depth <= 0) break;
    }
  }
  for (; i < lines.size(); ++i) out.push_back(lines[i]);
  std::string joined;
  for (const std::string& line : out) joined += line + "\n";
  return joined;
}

std::string now_text() {
  char stamp[32];
  std::time_t now = std::time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return stamp;
}

class Learner {
 public:
  // Files listed by name in the proposal's head.
  static constexpr std::size_t kListed = 20;

  explicit Learner(const Policy& base) : base_(base), detection_(builtin_default_policy()) {
    for (const Rule& rule : base.rules) taken_ids_.insert(rule.id);
  }

  void take(const JudgedEvent& judged) {
    std::vector<const Finding*> rules;
    for (const Finding& finding : judged.findings) {
      std::string file = finding.detail.substr(0, finding.detail.find(": "));
      if (finding.rule == kTrustNativeRule && file.find('/') == std::string::npos) {
        // A library by bare name: no file to pin, so a rule on the name.
        rules.push_back(&finding);
      } else if (finding.rule == kTrustCodeRule || finding.rule == kTrustNativeRule) {
        untrusted_[file].add(judged);
      } else if (finding.rule == kTrustProvenanceRule) {
        take_provenance(judged, finding);
      } else if (is_entry_rule(finding.rule)) {
        entry_[finding.rule].add(judged);
      } else {
        rules.push_back(&finding);
      }
    }
    if (!rules.empty()) propose_allow(judged, rules);
  }

  std::string text(const std::string& base_text, const std::vector<std::string>& logs) {
    std::string out = "# Proposed by `vigil policy learn` on " + now_text() + " from";
    for (const std::string& log : logs) out += " " + comment_text(log);
    out += "\n# over the base policy \"" + comment_text(base_.name) + "\" (" + comment_text(base_.source) +
           ", sha256 " + base_.sha256 + ").\n";
    out +=
        "# REVIEW BEFORE ENFORCING (docs/policy.md, \"Replaying and learning\"): every learned rule lets something\n"
        "# the base policy denies run. Check that each is what the application must do, that its conditions\n"
        "# are as narrow as they look, and that nothing below a \"!!!\" line is enabled without a reason.\n";
    if (!untrusted_.empty()) {
      out += "#\n# " + std::to_string(untrusted_.size()) +
             " code files ran without trust: no rule is proposed for them; `vigil trust learn` proposes\n"
             "# their trust entries, which pin their exact bytes:\n";
      std::size_t listed = 0;
      for (const auto& [path, seen] : untrusted_) {
        if (listed++ == kListed) {
          out += "#   and " + std::to_string(untrusted_.size() - kListed) + " more\n";
          break;
        }
        out += "#   " + comment_text(path) + " (" + seen.comment() + ")\n";
      }
    }
    for (const auto& [id, seen] : entry_) {
      out += "#\n# " + comment_text(id) + " was met (" + seen.comment() + "):\n";
      out += is_startup_restriction(id)
                 ? "# Python's start-up goes on without it in every run; if the application needs it, change the\n"
                   "# [entry] key (no rule can carve out an [entry] restriction).\n"
                 : "# the run is refused before the program starts; if the application needs this way in, change\n"
                   "# the [entry] key (no rule can carve out an [entry] restriction).\n";
    }
    out += "\n";
    std::string body = base_text;
    if (!generators_.empty()) {
      // The base's generators written back in their order (the first that
      // matches a file decides): "builtin" where the built-in list starts,
      // when the base has it whole, and each other one as a glob or, for
      // another input than the program's, a table.
      std::set<std::string> listed;
      std::string line = "generators = [";
      bool first = true;
      std::vector<Generator> builtin = builtin_generators();
      auto in = [](const std::vector<Generator>& list, const Generator& generator) {
        return std::find(list.begin(), list.end(), generator) != list.end();
      };
      bool has_builtin = std::all_of(builtin.begin(), builtin.end(),
                                     [&](const Generator& known) { return in(base_.trust.generators, known); });
      bool builtin_written = false;
      for (const Generator& known : base_.trust.generators) {
        listed.insert(known.files);
        std::string entry;
        if (has_builtin && in(builtin, known)) {
          if (builtin_written) continue;
          builtin_written = true;
          entry = "\"builtin\"";
        } else if (known.input == GeneratorInput::program) {
          entry = toml_string(known.files);
        } else {
          entry = "{ files = " + toml_string(known.files) + ", input = \"" +
                  std::string(generator_input_name(known.input)) + "\" }";
        }
        line += (first ? "" : ", ") + entry;
        first = false;
      }
      for (const auto& [path, seen] : generators_) {
        if (listed.count(path)) continue;
        line += (first ? "" : ", ") + toml_string(path);
        first = false;
      }
      line += "]";
      std::string comments =
          "# Learned generators (vigil policy learn): code these files generate counts as verified when the\n"
          "# file itself is. Only name generators that check their input (docs/trust.md, \"Provenance\").\n";
      for (const auto& [path, seen] : generators_) {
        comments += "#   " + comment_text(path) + ": " + seen.comment() + "\n";
      }
      if (auto edited = with_generators(base_text, comments + line)) {
        body = std::move(*edited);
      } else {
        out += comments + "# !!! The base has no [trust] header to add them under: set by hand\n# " + line + "\n";
        std::fprintf(stderr, "vigil policy learn: the base has no [trust] header: the generators are proposed in "
                             "a comment, to set by hand\n");
      }
    }
    out += body;
    if (!body.empty() && body.back() != '\n') out += "\n";
    out += "\n# ---- Learned rules (vigil policy learn): review each before enforcing ----\n";
    std::vector<const Proposal*> ordered;
    for (const auto& [key, proposal] : proposals_) ordered.push_back(&proposal);
    std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->order < b->order; });
    int number = 0;
    for (const Proposal* proposal : ordered) out += rule_text(*proposal, next_id(number));
    if (ordered.empty()) out += "# (none: nothing the logs show needs a rule)\n";
    return out;
  }

  std::size_t rule_count() const { return proposals_.size(); }
  std::size_t generator_count() const { return generators_.size(); }
  std::size_t untrusted_count() const { return untrusted_.size(); }
  std::size_t entry_count() const { return entry_.size(); }
  std::size_t commented_count() const {
    return std::count_if(proposals_.begin(), proposals_.end(),
                         [](const auto& item) { return item.second.commented_out; });
  }

 private:
  std::string next_id(int& number) {
    std::string id;
    do {
      id = "learned-" + std::to_string(++number);
    } while (taken_ids_.count(id));
    return id;
  }

  std::string rule_text(const Proposal& proposal, const std::string& id) const {
    std::string rule;
    rule += "[[rule]]\n";
    rule += "id = " + toml_string(id) + "\n";
    rule += "event = " + toml_string(proposal.event) + "\n";
    rule += "action = \"allow\"\n";
    rule += "overrides = [";
    for (std::size_t i = 0; i < proposal.overrides.size(); ++i) {
      rule += (i == 0 ? "" : ", ") + toml_string(proposal.overrides[i]);
    }
    rule += "]\n";
    for (const auto& [key, value] : proposal.conditions) rule += key + " = " + value + "\n";
    std::string out = "\n# " + proposal.seen.comment() + "\n";
    for (const std::string& note : proposal.notes) out += "# note: " + comment_text(note) + "\n";
    if (proposal.commented_out) {
      out += "# !!! " + comment_text(proposal.warning) + "\n";
      for (const std::string& critical : proposal.criticals) {
        out += "# !!! the attack-detection rule " + comment_text(critical) + "\n";
      }
      out += "# !!! Proposed commented out: enable it only if you are sure.\n";
      for (std::size_t start = 0; start < rule.size();) {
        std::size_t end = rule.find('\n', start);
        out += "# " + rule.substr(start, end - start + 1);
        start = end + 1;
      }
      return out;
    }
    return out + rule;
  }

  // Code generated by a file the process read as code: the file becomes a
  // generator (its own trust comes from `vigil trust learn`). Anything
  // else would need a rule on a call site's name, which code can forge.
  void take_provenance(const JudgedEvent& judged, const Finding& finding) {
    std::string site(judged.site_file);
    bool code_file = judged.has_site && (judged.site_verified || judged.process->code_files.count(site) != 0);
    if (code_file && !site.starts_with("<frozen ")) {
      generators_[site].add(judged);
      return;
    }
    Proposal candidate;
    candidate.event = std::string(judged.event);
    candidate.overrides = {finding.rule};
    if (judged.has_site) candidate.conditions.emplace_back("site.file", toml_string(judged.site_file));
    pin_script(candidate, judged);
    if (builds_empty_code(judged)) {
      // Cython and other extension modules build empty code objects for
      // their tracebacks while they load: no bytecode, nothing to run.
      candidate.conditions.emplace_back("args.code", "\"\"");
      simdjson::dom::element filename;
      std::string note;
      if (judged.arguments->element("filename", filename)) {
        if (std::string pinned = pinned_value(filename, note); !pinned.empty()) {
          candidate.conditions.emplace_back("args.filename", pinned);
        }
      }
      candidate.notes.push_back("an empty code object (no bytecode), as extension modules build for tracebacks");
      add(std::move(candidate), judged);
      return;
    }
    candidate.commented_out = true;
    candidate.warning = site.starts_with("<frozen ")
                            ? "generated code from CPython's own frozen " + site +
                                  ", which compiles whatever it is given (importlib compiles any loader's "
                                  "source): neither a generator entry nor this rule is narrow"
                        : judged.has_site
                            ? "generated code from a call site that is not a verified code file (" +
                                  std::string(judged.site_file) +
                                  "): a call site's file name can be forged (compile() takes any), so this rule "
                                  "would let any code that claims the name run unverified code"
                            : "generated code with no Python call site: nothing narrows this rule";
    add(std::move(candidate), judged);
  }

  // The call site is often the standard library's (socket.py for
  // create_connection): the program that ran narrows a rule to this one.
  static void pin_script(Proposal& candidate, const JudgedEvent& judged) {
    if (!judged.process->facts.script.empty()) {
      candidate.conditions.emplace_back("process.script", toml_string(judged.process->facts.script));
    }
  }

  static bool builds_empty_code(const JudgedEvent& judged) {
    simdjson::dom::element code;
    simdjson::dom::object object;
    std::string_view bytes;
    return judged.event == "code.__new__" && judged.arguments->element("code", code) &&
           code.get_object().get(object) == simdjson::SUCCESS &&
           object.at_key("bytes").get_string().get(bytes) == simdjson::SUCCESS && bytes.empty();
  }

  void propose_allow(const JudgedEvent& judged, const std::vector<const Finding*>& findings) {
    Proposal candidate;
    candidate.event = std::string(judged.event);
    std::set<std::string> fields;
    std::string_view identifying = identifying_argument(judged.event);
    if (!identifying.empty()) fields.emplace(identifying);
    std::set<std::string> overrides;
    for (const Finding* finding : findings) {
      overrides.insert(finding->rule);
      if (const Rule* rule = find_rule(base_, finding->rule)) tested_fields(*rule, fields);
    }
    candidate.overrides.assign(overrides.begin(), overrides.end());
    for (const std::string& field : fields) {
      simdjson::dom::element value;
      if (!judged.arguments->element(field, value)) continue;
      std::string note;
      std::string pinned = pinned_value(value, note);
      if (!note.empty()) candidate.notes.push_back("args." + field + ": " + note);
      if (!pinned.empty()) candidate.conditions.emplace_back("args." + field, pinned);
    }
    if (judged.has_site) {
      candidate.conditions.emplace_back("site.file", toml_string(judged.site_file));
    } else {
      candidate.notes.push_back("no Python code ran (start-up or shutdown): the rule names no call site");
    }
    pin_script(candidate, judged);
    // What the attack-detection rules say of the same event.
    ProcessFacts facts = judged.process->facts;
    auto key = std::make_tuple(facts.uid, facts.script, facts.entry);
    auto& engine = detection_engines_[key];
    if (!engine) engine = std::make_unique<PolicyEngine>(detection_, facts);
    for (const Rule* rule : PolicyReplay::matching_rules(*engine, judged)) {
      if (rule->severity != Severity::critical) continue;
      candidate.criticals.push_back(rule->id + " (critical): " + rule->message);
    }
    if (!candidate.criticals.empty()) {
      candidate.commented_out = true;
      candidate.warning = "CRITICAL: what this rule allows is what an attack looks like";
    }
    add(std::move(candidate), judged);
  }

  void add(Proposal candidate, const JudgedEvent& judged) {
    std::string key = candidate.event + '\n';
    for (const std::string& id : candidate.overrides) key += id + ',';
    for (const auto& [name, value] : candidate.conditions) key += '\n' + name + '=' + value;
    auto [at, inserted] = proposals_.try_emplace(key, std::move(candidate));
    if (inserted) at->second.order = proposals_.size();
    at->second.seen.add(judged);
    last_proposal_ = {judged.pid, judged.seq, &at->second};
  }

 public:
  // An alert the run itself recorded: one of severity critical about the
  // event a proposal was just made for (alerts follow their event) makes
  // that proposal one to enable only knowingly. Views' rules (reverse
  // shells, downloaded code) are seen this way only.
  void take_alert(simdjson::dom::object alert) {
    if (last_proposal_.proposal == nullptr || string_member(alert, "severity") != "critical" ||
        integer_member(alert, "pid", -1) != last_proposal_.pid ||
        integer_member(alert, "seq_ref", -1) != static_cast<long long>(last_proposal_.seq)) {
      return;
    }
    Proposal& proposal = *last_proposal_.proposal;
    std::string critical = std::string(string_member(alert, "rule")) + " (critical, recorded): " +
                           std::string(text_member(alert, "message"));
    if (std::find(proposal.criticals.begin(), proposal.criticals.end(), critical) != proposal.criticals.end()) return;
    proposal.criticals.push_back(std::move(critical));
    proposal.commented_out = true;
    proposal.warning = "CRITICAL: what this rule allows is what an attack looks like";
  }

 private:
  struct LastProposal {
    long long pid = 0;
    std::uint64_t seq = 0;
    Proposal* proposal = nullptr;
  } last_proposal_;

  const Policy& base_;
  Policy detection_;
  std::map<std::tuple<long long, std::string, std::string>, std::unique_ptr<PolicyEngine>> detection_engines_;
  std::set<std::string> taken_ids_;
  std::map<std::string, Proposal> proposals_;
  std::map<std::string, Seen> generators_;
  std::map<std::string, Seen> untrusted_;
  std::map<std::string, Seen> entry_;
};

}  // namespace

int policy_learn_command(const PolicyLearnOptions& options) {
  std::string error;
  // The proposal is the base's text with the proposals added, so the base
  // is loaded from that text: a policy named, not a file, from where the
  // shipped policies are installed.
  std::string text_path = options.base;
  if (options.base.find('/') == std::string::npos && access(options.base.c_str(), F_OK) != 0) {
    text_path = std::string(VIGIL_SHIPPED_POLICIES) + "/" + options.base + ".toml";
  }
  auto base_text = read_policy_text(text_path, error);
  if (!base_text) {
    std::fprintf(stderr, "vigil policy learn: %s; give --base FILE\n", error.c_str());
    return 2;
  }
  LoadResult loaded = load_policy(*base_text, text_path);
  if (!loaded.policy) {
    for (const Diagnostic& diagnostic : loaded.diagnostics) {
      std::fprintf(stderr, "%s\n", terminal_safe(format_diagnostic(diagnostic, text_path)).c_str());
    }
    return 2;
  }
  auto& base = loaded.policy;
  auto database = load_policy_database(*base, error);
  if (!error.empty()) {
    std::fprintf(stderr, "vigil policy learn: %s\n", error.c_str());
    return 2;
  }
  Policy kept = *base;
  PolicyReplay replay(std::move(*base), std::move(database));
  Learner learner(kept);
  for (const std::string& path : options.logs) {
    LogLines lines(path);
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil policy learn: %s\n", error.c_str());
      return 2;
    }
    replay.read(
        lines, [&](const JudgedEvent& judged) { learner.take(judged); },
        [&](simdjson::dom::object alert) { learner.take_alert(alert); });
    if (std::string what = lines.unread(); !what.empty()) {
      std::fprintf(stderr, "vigil policy learn: %s: %s\n", path.c_str(), what.c_str());
    }
  }
  std::string text = learner.text(*base_text, options.logs);
  if (!write_atomically(options.output, text, error)) {
    std::fprintf(stderr, "vigil policy learn: %s\n", error.c_str());
    return 2;
  }
  std::fprintf(stderr,
               "vigil policy learn: %ld records read; proposed %zu rules (%zu commented out for review), %zu "
               "generators; %zu code files need trust (vigil trust learn); %zu entry restrictions met\n",
               replay.records(), learner.rule_count(), learner.commented_count(), learner.generator_count(),
               learner.untrusted_count(), learner.entry_count());
  for (const auto& [id, reason] : replay.gaps().rules_not_judged) {
    std::fprintf(stderr, "vigil policy learn: rule %s not judged: %s\n", id.c_str(), reason.c_str());
  }
  return 0;
}

}  // namespace vigil
