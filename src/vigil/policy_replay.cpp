#include "policy_replay.h"

#include "event_catalog.h"
#include "glob.h"
#include "logs/record_filter.h"
#include "logs/safe_text.h"

#include <algorithm>
#include <climits>

namespace vigil {
namespace {

// The Python type's name a rule's `type` test sees: records name a type
// by module and qualified name ("pathlib.PosixPath"); CPython's tp_name,
// which the runtime reads, is the class's own name for classes written in
// Python.
std::string_view type_name_of(std::string_view recorded) {
  std::size_t dot = recorded.rfind('.');
  return dot == std::string_view::npos ? recorded : recorded.substr(dot + 1);
}

bool unhex_into(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int high = digit(hex[i]);
    int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return false;
    out += static_cast<char>(high * 16 + low);
  }
  return true;
}

// One recorded value as the hook described the live object. Containers
// keep their first two items, as the runtime's do (socket addresses).
void describe(simdjson::dom::element value, ArgValue& out, std::string& storage, ArgValue* items,
              std::string* item_storage, std::size_t item_slots) {
  out = {};
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      out = ArgValue::of_none();
      return;
    case simdjson::dom::element_type::BOOL:
      out = ArgValue::of_boolean(value.get_bool().value_unsafe());
      return;
    case simdjson::dom::element_type::INT64:
      out = ArgValue::of_integer(value.get_int64().value_unsafe());
      return;
    case simdjson::dom::element_type::UINT64: {
      std::uint64_t number = value.get_uint64().value_unsafe();
      out = ArgValue::of_integer(number > static_cast<std::uint64_t>(LLONG_MAX) ? LLONG_MAX
                                                                               : static_cast<long long>(number));
      out.integer_fits = number <= static_cast<std::uint64_t>(LLONG_MAX);
      return;
    }
    case simdjson::dom::element_type::DOUBLE:
      out.kind = ValueKind::real;
      out.type = "float";
      out.real = value.get_double().value_unsafe();
      return;
    case simdjson::dom::element_type::STRING:
      out = ArgValue::of_text(value.get_string().value_unsafe());
      return;
    case simdjson::dom::element_type::ARRAY: {
      // A record does not tell a tuple from a list; CPython's audit
      // arguments are tuples where it matters (socket addresses).
      out.kind = ValueKind::sequence;
      out.type = "tuple";
      std::size_t kept = 0;
      storage.clear();
      simdjson::dom::array array = value.get_array().value_unsafe();
      for (simdjson::dom::element item : array) {
        if (kept < item_slots) {
          describe(item, items[kept], item_storage[kept], nullptr, nullptr, 0);
          if (items[kept].kind == ValueKind::sequence) items[kept].kind = ValueKind::other;
          ++kept;
        }
        std::string_view text;
        if (item.get_string().get(text) == simdjson::SUCCESS) append_environment_name(storage, text, false);
      }
      out.items = std::span<const ArgValue>(items, kept);
      out.names = storage;
      return;
    }
    case simdjson::dom::element_type::OBJECT:
      break;
    default:
      // A bare number beyond 64 bits (newer simdjson's BIGINT): Vigil
      // writes those as {"int": …}, so only a hand-made log holds one.
      out.kind = ValueKind::other;
      out.type = "int";
      return;
  }
  simdjson::dom::object object = value.get_object().value_unsafe();
  std::string_view text;
  std::string_view hex;
  if (object.at_key("raw_hex").get_string().get(hex) == simdjson::SUCCESS && unhex_into(hex, storage)) {
    out = ArgValue::of_text(storage);  // a str with lone surrogates: the bytes the OS sees
    return;
  }
  for (const char* name : {"bytes", "bytearray"}) {
    if (object.at_key(name).get_string().get(text) == simdjson::SUCCESS) {
      out.kind = ValueKind::bytes;
      out.type = name;
      out.text = text;
      return;
    }
  }
  for (auto [name, type] : {std::pair{"bytes_hex", "bytes"}, std::pair{"bytearray_hex", "bytearray"}}) {
    if (object.at_key(name).get_string().get(hex) == simdjson::SUCCESS && unhex_into(hex, storage)) {
      out.kind = ValueKind::bytes;
      out.type = type;
      out.text = storage;
      return;
    }
  }
  if (object.at_key("str").get_string().get(text) == simdjson::SUCCESS) {
    out = ArgValue::of_text(text);  // a cut str: its prefix
    return;
  }
  if (object.at_key("int").get_string().get(text) == simdjson::SUCCESS) {
    out = ArgValue::of_integer(text.starts_with('-') ? LLONG_MIN : LLONG_MAX);
    out.integer_fits = false;
    return;
  }
  if (object.at_key("float").get_string().get(text) == simdjson::SUCCESS) {
    out.kind = ValueKind::real;
    out.type = "float";
    out.real = text == "nan" ? std::numeric_limits<double>::quiet_NaN()
               : text.starts_with('-') ? -std::numeric_limits<double>::infinity()
                                       : std::numeric_limits<double>::infinity();
    return;
  }
  for (auto [name, kind, type] : {std::tuple{"list", ValueKind::sequence, "list"},
                                  std::tuple{"tuple", ValueKind::sequence, "tuple"},
                                  std::tuple{"dict", ValueKind::mapping, "dict"}}) {
    simdjson::dom::element kept;
    if (object.at_key(name).get(kept) == simdjson::SUCCESS && object.at_key("cut").error() == simdjson::SUCCESS) {
      out.kind = kind;
      out.type = type;
      return;
    }
  }
  if (object.at_key("type").get_string().get(text) == simdjson::SUCCESS) {
    out.kind = ValueKind::other;
    out.type = type_name_of(text);
    return;
  }
  // A dict: its keys name an environment's variables.
  out.kind = ValueKind::mapping;
  out.type = "dict";
  storage.clear();
  for (auto field : object) append_environment_name(storage, field.key, true);
  out.names = storage;
}

constexpr std::string_view kViewEvents[] = {"vigil.process_start", "vigil.code",        "vigil.file_write",
                                            "vigil.file_delete",   "vigil.egress",      "vigil.file_read"};

std::string process_key(std::string_view host, long long pid) {
  std::string key(host);
  key += '\0';
  key += std::to_string(pid);
  return key;
}

bool conditions_test(const Rule& rule, Subject subject) {
  return std::any_of(rule.conditions.begin(), rule.conditions.end(),
                     [&](const Condition& condition) { return condition.subject == subject; });
}

bool is_frozen(std::string_view file) { return file.starts_with("<frozen "); }

// The source a cached .pyc holds the code of (dir/__pycache__/m.TAG.pyc
// for dir/m.py): code loaded from it carries the source's name.
std::string source_of_bytecode(std::string_view path) {
  constexpr std::string_view kCache = "/__pycache__/";
  std::size_t cache = path.rfind(kCache);
  if (!path.ends_with(".pyc") || cache == std::string_view::npos) return {};
  std::string_view name = path.substr(cache + kCache.size());
  std::size_t dot = name.find('.');
  return std::string(path.substr(0, cache + 1)) + std::string(name.substr(0, dot)) + ".py";
}

// A code file a process read, under the names its code carries.
void remember_code_file(std::unordered_set<std::string>& files, const std::string& path) {
  files.insert(path);
  if (std::string source = source_of_bytecode(path); !source.empty()) files.insert(std::move(source));
}

}  // namespace

bool is_startup_restriction(std::string_view rule) {
  return rule == "entry.pth_files" || rule == "entry.sitecustomize" || rule == "entry.usercustomize" ||
         rule == "entry.environment";
}

std::size_t PolicyReplay::processes_without_trust() const {
  if (!policy_.trust.enabled) return 0;
  return stopped_without_trust_ +
         static_cast<std::size_t>(std::count_if(processes_.begin(), processes_.end(), [](const auto& item) {
           return item.second.started && !item.second.saw_trust;
         }));
}

bool is_view_event(std::string_view event) {
  return std::find(std::begin(kViewEvents), std::end(kViewEvents), event) != std::end(kViewEvents);
}

std::string replay_limit(const Rule& rule) {
  if (!rule.after.empty()) return "it follows other rules' matches (after): replay keeps no history";
  if (!rule.given.empty() || !rule.given_any.empty()) return "it depends on facts (given): replay keeps no history";
  if (rule.threshold_count != 0) return "it counts bursts (threshold): replay keeps no clock";
  if (conditions_test(rule, Subject::process_socket_stdio)) {
    return "it tests process.socket_stdio, which only the live process has";
  }
  if (!rule.events.empty()) {
    bool only_views = std::all_of(rule.events.begin(), rule.events.end(), [](const std::string& pattern) {
      return std::any_of(std::begin(kViewEvents), std::end(kViewEvents),
                         [&](std::string_view view) { return glob_match(pattern, view); });
    });
    if (only_views) return "it names views, which only vigil-python computes from live events";
  }
  return {};
}

void RecordedArguments::reset(const EventSignature* signature, simdjson::dom::element args) {
  signature_ = signature;
  elements_.clear();
  present_.clear();
  simdjson::dom::array array;
  simdjson::dom::object object;
  if (args.get_array().get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : array) {
      elements_.push_back(item);
      present_.push_back(1);
    }
  } else if (signature != nullptr && args.get_object().get(object) == simdjson::SUCCESS) {
    for (std::string_view field : signature->fields) {
      simdjson::dom::element item;
      bool found = object.at_key(field).get(item) == simdjson::SUCCESS;
      elements_.push_back(item);
      present_.push_back(found ? 1 : 0);
    }
  }
}

const ArgValue& RecordedArguments::value(std::size_t position) {
  static const ArgValue kMissing;
  if (position >= elements_.size() || !present_[position]) return kMissing;
  describe(elements_[position], value_, storage_, items_.data(), item_storage_.data(), items_.size());
  return value_;
}

bool RecordedArguments::element(std::string_view name, simdjson::dom::element& found) const {
  if (signature_ == nullptr) return false;
  const auto& fields = signature_->fields;
  auto at = std::find(fields.begin(), fields.end(), name);
  if (at == fields.end()) return false;
  std::size_t position = static_cast<std::size_t>(at - fields.begin());
  if (position >= elements_.size() || !present_[position]) return false;
  found = elements_[position];
  return true;
}

namespace {

// What a rule's site.* conditions test: the recorded call site, verified
// when this process read that file as code from bytes the policy's
// sources vouch for (replay's own judgement), or a frozen module.
class RecordedSite final : public SiteSource {
 public:
  RecordedSite(const JudgedEvent& judged)
      : file_(judged.has_site ? ArgValue::of_text(judged.site_file) : ArgValue()), verified_(judged.site_verified) {}
  const ArgValue& file() override { return file_; }
  bool verified() override { return verified_; }

 private:
  ArgValue file_;
  bool verified_;
};

Finding finding_of(const Rule& rule, std::string detail, Basis basis) {
  return {rule.id, rule.action, rule.severity, rule.message, std::move(detail), basis};
}

}  // namespace

PolicyReplay::PolicyReplay(Policy policy, std::unique_ptr<TrustDatabase> database)
    : policy_(std::move(policy)), database_(std::move(database)) {
  for (const Rule& rule : policy_.rules) {
    if (rule.action < Action::deny) continue;
    if (std::string reason = replay_limit(rule); !reason.empty()) {
      gaps_.rules_not_judged[rule.id] = reason;
      not_judged_.insert(rule.id);
    }
  }
}

PolicyEngine& PolicyReplay::engine_for(const ProcessFacts& facts) {
  auto key = std::make_tuple(facts.uid, facts.script, facts.entry);
  auto found = engines_.find(key);
  if (found != engines_.end()) return *found->second;
  // The engine judges what replay can: the rules it cannot are left out,
  // so the engine's clock and this process's streams never decide.
  Policy judged = policy_;
  std::erase_if(judged.rules, [&](const Rule& rule) { return !replay_limit(rule).empty(); });
  auto engine = std::make_unique<PolicyEngine>(std::move(judged), facts);
  return *engines_.emplace(key, std::move(engine)).first->second;
}

void PolicyReplay::start(simdjson::dom::object record, long long pid, const std::string& host) {
  RecordedProcess process;
  process.started = true;
  process.ppid = integer_member(record, "ppid", 0);
  process.facts.uid = integer_member(record, "uid", 0);
  simdjson::dom::object entry;
  if (record.at_key("entry").get_object().get(entry) == simdjson::SUCCESS) {
    process.facts.entry = std::string(string_member(entry, "mode"));
    if (process.facts.entry == "file") process.facts.script = std::string(text_member(entry, "target"));
  }
  // A forked child goes on with what its parent had read and verified.
  if (string_member(record, "origin") == "fork") {
    auto parent = processes_.find(process_key(host, process.ppid));
    if (parent != processes_.end()) {
      process.code_files = parent->second.code_files;
      process.verified_files = parent->second.verified_files;
      process.verified_compiles = parent->second.verified_compiles;
    }
  }
  process.engine = &engine_for(process.facts);
  processes_[process_key(host, pid)] = std::move(process);
}

JudgedEvent* PolicyReplay::take(simdjson::dom::object record, std::string_view log, long line) {
  ++records_;
  std::string_view kind = string_member(record, "kind");
  long long pid = integer_member(record, "pid", -1);
  std::string host(string_member(record, "host"));
  if (kind == "start") {
    start(record, pid, host);
    return nullptr;
  }
  if (kind == "stop") {
    // Its children have started (and copied what they inherit): memory
    // stays bounded by the processes running at once, not by the log.
    auto found = processes_.find(process_key(host, pid));
    if (found != processes_.end()) {
      ++stopped_;
      if (found->second.started && !found->second.saw_trust) ++stopped_without_trust_;
      processes_.erase(found);
    }
    return nullptr;
  }
  if (kind != "event") return nullptr;
  ++events_;
  auto found = processes_.find(process_key(host, pid));
  if (found == processes_.end()) {
    ++gaps_.events_without_start;
    RecordedProcess unknown;
    unknown.engine = &engine_for(unknown.facts);
    found = processes_.emplace(process_key(host, pid), std::move(unknown)).first;
  } else if (!found->second.started) {
    ++gaps_.events_without_start;
  }
  RecordedProcess& process = found->second;

  JudgedEvent& judged = judged_;
  judged.findings.clear();
  judged.event = string_member(record, "event");
  if (judged.event.empty()) return nullptr;  // not an event vigil-python wrote
  judged.log = log;
  judged.line = line;
  judged.pid = pid;
  judged.seq = static_cast<std::uint64_t>(integer_member(record, "seq", 0));
  judged.ts = string_member(record, "ts");
  judged.record = record;
  judged.process = &process;
  judged.has_site = false;
  judged.site_file = {};
  simdjson::dom::object site;
  if (record.at_key("site").get_object().get(site) == simdjson::SUCCESS) {
    judged.has_site = true;
    judged.site_file = text_member(site, "file");
  }
  judged.site_verified = judged.has_site && (is_frozen(judged.site_file) ||
                                             process.verified_files.count(std::string(judged.site_file)) != 0);
  const EventSignature* signature = find_event_signature(judged.event);
  simdjson::dom::element args;
  if (record.at_key("args").get(args) != simdjson::SUCCESS) args = simdjson::dom::element();
  arguments_.reset(signature, args);
  judged.arguments = &arguments_;

  simdjson::dom::object trust;
  bool has_trust = record.at_key("trust").get_object().get(trust) == simdjson::SUCCESS;
  if (has_trust && policy_.trust.enabled) judge_trust(trust, process);
  process.saw_trust |= has_trust;
  if (policy_.trust.enabled && policy_.trust.provenance) judge_provenance(process);

  // The policy's own rules, with vigil.open_code for an open of code.
  RecordedSite recorded_site(judged);
  PolicyEngine& engine = *process.engine;
  std::array<PolicyEngine::Lookup, 2> lookups{};
  std::size_t count = 0;
  lookups[count++] = {judged.event, engine.candidates(judged.event)};
  if (has_trust && judged.event == "open") {
    open_code_arguments_.reset(find_event_signature("vigil.open_code"), args);
    lookups[count++] = {"vigil.open_code", engine.candidates("vigil.open_code"), &open_code_arguments_};
  }
  if (lookups[0].bucket != nullptr || (count > 1 && lookups[1].bucket != nullptr)) {
    Verdict verdict = engine.evaluate(std::span(lookups.data(), count), arguments_, recorded_site);
    // The verdict's action decides, as in vigil-python: a rule that carves
    // out what another denies leaves the event allowed.
    for (std::size_t i = 0; verdict.action >= Action::deny && i < verdict.alert_count; ++i) {
      const Rule& rule = *verdict.alerts[i];
      if (rule.action >= Action::deny) judged.findings.push_back(finding_of(rule, {}, Basis::replayed));
    }
  }
  take_recorded_decision();
  if (judged.event == "open" && has_trust && text_member(trust, "path").ends_with(".pth")) {
    process.pth_refused = !judged.findings.empty();
  } else if (process.pth_refused) {
    // A refused .pth file is never read: site runs none of its lines, nor
    // what they import, until site moves on or the program starts.
    bool site_moved_on = (judged.site_file == "<frozen site>" && string_member(site, "function") != "addpackage") ||
                         (judged.has_site && judged.site_file == process.facts.script) ||
                         judged.event.starts_with("cpython.run_");
    if (site_moved_on) {
      process.pth_refused = false;
    } else {
      if (!judged.findings.empty()) ++gaps_.after_refused_pth;
      judged.findings.clear();
    }
  }
  return &judged;
}

void PolicyReplay::judge_trust(simdjson::dom::object trust, RecordedProcess& process) {
  JudgedEvent& judged = judged_;
  bool native = judged.event != "open";
  const Rule* rule = find_rule(policy_, native ? kTrustNativeRule : kTrustCodeRule);
  std::string_view verdict = string_member(trust, "verdict");
  std::string path(text_member(trust, "path"));
  // Bytecode refused unread is not run and not a finding; a member
  // without a verdict and a file is not one vigil-python wrote.
  if ((verdict != "trusted" && verdict != "untrusted") || path.empty()) return;
  if (!native) remember_code_file(process.code_files, path);
  std::string_view sha256 = string_member(trust, "sha256");
  long long size = integer_member(trust, "size", -1);
  bool trusted = false;
  Basis basis = Basis::replayed;
  std::string reason;
  const TrustSettings& settings = policy_.trust;
  if (settings.database && database_ != nullptr && size >= 0 && !sha256.empty() &&
      database_->vouches_for(path, static_cast<std::uint64_t>(size), sha256)) {
    trusted = true;
  } else if (settings.xattr && string_member(trust, "by") == "xattr") {
    // The attribute was read from the live file; replay takes the record's word.
    trusted = true;
    basis = Basis::recorded;
    ++gaps_.xattr_verdicts_reused;
  } else if (sha256.empty()) {
    reason = std::string(text_member(trust, "reason"));
    basis = Basis::recorded;
  } else {
    reason = "no trust database entry vouches for its SHA-256";
  }
  if (trusted && settings.kernel != TrustSettings::Kernel::off) {
    std::string_view kernel = string_member(trust, "kernel");
    bool asked = settings.kernel == TrustSettings::Kernel::all || process.facts.script == path;
    if (asked) {
      ++gaps_.kernel_verdicts_reused;
      if (kernel != "allowed") {
        trusted = false;
        basis = Basis::recorded;
        reason = kernel.empty() ? "the kernel was not asked when it ran"
                                : "the kernel's answer: " + std::string(kernel);
      }
    }
  }
  if (trusted) {
    remember_code_file(process.verified_files, path);
    simdjson::dom::element opened;
    std::string_view as_opened;
    if (!native && arguments_.element("path", opened) && opened.get_string().get(as_opened) == simdjson::SUCCESS) {
      remember_code_file(process.verified_files, std::string(as_opened));
    }
    return;
  }
  if (rule != nullptr) judged.findings.push_back(finding_of(*rule, path + ": " + reason, basis));
}

void PolicyReplay::judge_provenance(RecordedProcess& process) {
  JudgedEvent& judged = judged_;
  simdjson::dom::object provenance;
  if (judged.record.at_key("provenance").get_object().get(provenance) != simdjson::SUCCESS) {
    if (judged.event == "compile") ++gaps_.compiles_without_provenance;
    return;
  }
  bool verified = false;
  if (provenance.at_key("verified").get_bool().get(verified) != simdjson::SUCCESS) verified = false;
  // Only a compile or exec whose alert fired is a finding: vigil-python
  // does not alert twice for code whose source already raised one.
  simdjson::dom::object decision;
  bool alerted = false;
  if (judged.record.at_key("decision").get_object().get(decision) == simdjson::SUCCESS) {
    simdjson::dom::array rules;
    if (decision.at_key("rules").get_array().get(rules) == simdjson::SUCCESS) {
      for (simdjson::dom::element id : rules) {
        std::string_view text;
        if (id.get_string().get(text) == simdjson::SUCCESS && text == kTrustProvenanceRule) alerted = true;
      }
    }
  }
  std::string how;
  if (!verified && judged.has_site && judged.site_verified) {
    // A generator the policy names, at a call site replay verified.
    bool generator = std::any_of(policy_.trust.generators.begin(), policy_.trust.generators.end(),
                                 [&](const Generator& known) { return glob_match(known.files, judged.site_file); });
    if (generator) verified = true;
  }
  simdjson::dom::element value;
  std::string_view filename;
  if (!verified && judged.event == "exec" && arguments_.element("code_object", value)) {
    simdjson::dom::object code;
    if (value.get_object().get(code) == simdjson::SUCCESS) {
      filename = text_member(code, "filename");
      verified = !filename.empty() && process.verified_compiles.count(std::string(filename)) != 0;
    }
  }
  if (verified) {
    if (judged.event == "compile" && arguments_.element("filename", value) &&
        value.get_string().get(filename) == simdjson::SUCCESS) {
      process.verified_compiles.emplace(filename);
    }
    return;
  }
  if (!alerted) return;
  const Rule* rule = find_rule(policy_, kTrustProvenanceRule);
  if (rule == nullptr) return;
  std::string_view origin = string_member(provenance, "origin");
  std::string detail = "unverified code";
  if (!origin.empty()) detail += " (origin " + std::string(origin) + ")";
  if (judged.has_site) detail += " from " + std::string(judged.site_file);
  judged.findings.push_back(finding_of(*rule, detail, Basis::recorded));
}

// Rules replay cannot judge, when the record's own decision names them.
void PolicyReplay::take_recorded_decision() {
  if (not_judged_.empty()) return;
  JudgedEvent& judged = judged_;
  simdjson::dom::object decision;
  simdjson::dom::array rules;
  if (judged.record.at_key("decision").get_object().get(decision) != simdjson::SUCCESS ||
      decision.at_key("rules").get_array().get(rules) != simdjson::SUCCESS) {
    return;
  }
  for (simdjson::dom::element id : rules) {
    std::string_view text;
    if (id.get_string().get(text) != simdjson::SUCCESS || !not_judged_.count(std::string(text))) continue;
    const Rule* rule = find_rule(policy_, text);
    judged.findings.push_back(finding_of(*rule, "as the run's own policy decided", Basis::recorded));
    ++gaps_.recorded_findings;
  }
}

std::vector<const Rule*> PolicyReplay::matching_rules(PolicyEngine& engine, const JudgedEvent& judged) {
  RecordedSite site(judged);
  std::vector<const Rule*> rules;
  Verdict verdict = engine.evaluate(judged.event, *judged.arguments, site);
  for (std::size_t i = 0; i < verdict.alert_count; ++i) rules.push_back(verdict.alerts[i]);
  return rules;
}

std::string_view identifying_argument(std::string_view event) {
  static const std::unordered_map<std::string_view, std::string_view> kArguments = {
      {"socket.connect", "address"}, {"socket.bind", "address"},    {"socket.sendto", "address"},
      {"socket.getaddrinfo", "host"}, {"open", "path"},              {"import", "module"},
      {"subprocess.Popen", "executable"}, {"os.system", "command"}, {"os.exec", "path"},
      {"os.posix_spawn", "path"},     {"os.spawn", "path"},          {"ctypes.dlopen", "name"},
      {"compile", "filename"},        {"exec", "code_object"},       {"os.remove", "path"},
      {"os.rename", "src"},           {"shutil.copyfile", "src"},    {"urllib.Request", "url"},
      {"sqlite3.connect", "database"}, {"os.chmod", "path"},         {"os.listdir", "path"},
  };
  auto found = kArguments.find(event);
  if (found != kArguments.end()) return found->second;
  const EventSignature* signature = find_event_signature(event);
  if (signature == nullptr || signature->fields.empty()) return {};
  return signature->fields.front();
}

std::optional<RecordedAddress> recorded_address(simdjson::dom::element value) {
  simdjson::dom::array array;
  RecordedAddress address;
  if (value.get_array().get(array) != simdjson::SUCCESS || array.size() < 2 ||
      array.at(0).get_string().get(address.host) != simdjson::SUCCESS ||
      array.at(1).get_int64().get(address.port) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return address;
}

std::string element_text(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  if (auto address = recorded_address(value)) return std::string(address->host) + ":" + std::to_string(address->port);
  simdjson::dom::object object;
  if (value.get_object().get(object) == simdjson::SUCCESS) {
    if (std::string_view shown = text_member(object, "filename"); !shown.empty()) return std::string(shown);
    if (std::string_view shown = text_member(object, "text"); !shown.empty()) return std::string(shown);
  }
  return simdjson::minify(value);
}

std::string recorded_subject(const JudgedEvent& judged) {
  std::string_view name = identifying_argument(judged.event);
  simdjson::dom::element value;
  if (name.empty() || !judged.arguments->element(name, value)) return {};
  return bounded_text(element_text(value), 200);
}

std::unique_ptr<TrustDatabase> load_policy_database(const Policy& policy, std::string& error) {
  error.clear();
  if (!policy.trust.enabled || !policy.trust.database) return nullptr;
  return TrustDatabase::load(policy.trust.database_paths, false, error);
}

}  // namespace vigil
