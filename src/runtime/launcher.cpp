#include "launcher.h"

#include "audit_hook.h"
#include "bootstrap_command.h"
#include "child_refusals.h"
#include "code_verifier.h"
#include "default_policy.h"
#include "entry_restrictions.h"
#include "exit_status.h"
#include "file_io.h"
#include "import_plumbing.h"
#include "integrity_alerts.h"
#include "kernel_exec_restrictions.h"
#include "open_code_hook.h"
#include "python_internals.h"
#include "policy_selection.h"
#include "python_compat.h"
#include "recorder.h"
#include "settings.h"
#include "sinks/sink_registry.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>

namespace vigil {
namespace {

// Owns a PyConfig for the launcher's lifetime.
class Config {
 public:
  Config() { PyConfig_InitPythonConfig(&config_); }
  ~Config() { PyConfig_Clear(&config_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;
  PyConfig* get() { return &config_; }

 private:
  PyConfig config_;
};

void exit_on_failure(PyStatus status) {
  // Usage errors, --help and --version end here exactly as in python3.
  if (PyStatus_Exception(status)) Py_ExitStatusException(status);
}

std::string narrow(const wchar_t* text) {
  if (text == nullptr) return {};
  // The inverse of how CPython decoded argv, so the original bytes return.
  char* bytes = vigil_encode_locale_raw(text);
  if (bytes == nullptr) return {};
  std::string result(bytes);
  PyMem_RawFree(bytes);
  return result;
}

EntryPoint entry_point(const PyConfig& config) {
  EntryPoint entry;
  entry.inspect = config.inspect != 0;
  if (config.run_command != nullptr) {
    entry.mode = "command";
    entry.target = narrow(config.run_command);
    // CPython appends a newline to the -c text; record what was typed.
    if (!entry.target.empty() && entry.target.back() == '\n') entry.target.pop_back();
  } else if (config.run_module != nullptr) {
    entry.mode = "module";
    entry.target = narrow(config.run_module);
  } else if (config.run_filename != nullptr) {
    entry.mode = "file";
    entry.target = narrow(config.run_filename);
  } else {
    // CPython's own test for "stdin is interactive".
    entry.mode = config.interactive || isatty(STDIN_FILENO) ? "interactive" : "stdin";
  }
  return entry;
}

// Runs for every exit() of this process or of a forked child that returns:
// the status is the one the process really exits with.
// Why vigil-python refused to run this program, once it has.
std::string g_refusal;

void write_stop_at_exit(int exit_status, void* recorder) {
  AuditHook::check_liveness("at exit");
  static_cast<Recorder*>(recorder)->write_stop(exit_status);
  // A run a refusal ended: refused at start, or failed after a denial.
  const std::string& denial = AuditHook::first_denial();
  bool refused = exit_status == kRefusedExitStatus || (exit_status != 0 && !denial.empty());
  tally_for_parent(refused, g_refusal.empty() ? std::string_view(denial) : std::string_view(g_refusal));
  forget_own_tally();
}

PolicyIdentity identity_of(const PolicySelection& selection) {
  const Policy& policy = selection.policy;
  return {policy.name, policy.sha256, policy.source, to_string(policy.mode), selection.locked,
          selection.ignored_overrides};
}

// Whether `pid` is this process (which exec'd itself) or one of its
// ancestors: facts are taken only from the line of processes that led here
// (a shell or env between them included), not from a variable some
// unrelated process once set.
bool is_self_or_ancestor(long long pid) {
  constexpr int kMaxGenerations = 8;
  long long current = getpid();
  for (int generation = 0; generation <= kMaxGenerations && current > 1; ++generation) {
    if (current == pid) return true;
    std::string stat;
    std::string error;
    if (!read_regular_file_up_to("/proc/" + std::to_string(current) + "/stat", 4096, stat, error)) return false;
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    std::size_t close = stat.rfind(')');
    if (close == std::string::npos || close + 4 > stat.size()) return false;
    current = std::atoll(stat.c_str() + close + 4);
  }
  return false;
}

// Facts the parent passed on (docs/detection.md), taken out of the
// environment before Python starts, so this program's own children get
// this process's facts and not a stale copy.
std::vector<InheritedFact> take_inherited_facts() {
  const char* text = std::getenv(kInheritedFactsVariable);
  if (text == nullptr) return {};
  std::vector<InheritedFact> facts = PolicyEngine::parse_inherited_facts(text, is_self_or_ancestor);
  unsetenv(kInheritedFactsVariable);
  return facts;
}

void append_suppressed_counts(const PolicyEngine& engine, JsonText& json) {
  auto counts = engine.suppressed_counts();
  if (counts.empty()) return;
  json.key("suppressed");
  json.begin_object();
  for (const auto& [rule, count] : counts) {
    json.key(rule);
    json.unsigned_integer(count);
  }
  json.end_object();
}

// Opens the first log from `next` on that opens, into `path`; adds why
// each before it could not be used to `unusable`, and leaves `next` after it.
std::unique_ptr<FileSink> open_next_log(std::vector<LogChoice>::const_iterator& next,
                                        std::vector<LogChoice>::const_iterator end, std::string& path,
                                        std::vector<UnusableLog>& unusable, std::string& error) {
  for (; next != end; ++next) {
    if (auto sink = open_log(*next, error)) {
      path = (next++)->path;
      return sink;
    }
    unusable.push_back({next->path, error});
  }
  return nullptr;
}

// The logs after the one in use take the records when the log file is
// taken away while the program runs (see FileSink::set_fallback).
void fall_back_to(FileSink& sink, std::vector<LogChoice> rest) {
  sink.set_fallback([rest = std::move(rest)](std::string& path) {
    std::string error;
    for (const LogChoice& choice : rest) {
      if (auto other = open_log(choice, error)) {
        path = choice.path;
        return other->release_descriptor();
      }
    }
    return -1;
  });
}

// Under enforcement, trust sources that vouch for none of the standard
// library make CPython die in init_fs_encoding with a fatal error and a
// traceback that says nothing of Vigil. Found before it starts: the
// encodings package (its source, or its .pyc where bytecode is verified)
// is not trusted. Empty `file` when it is, or is not found.
struct UntrustedStandardLibrary {
  std::string file;
  std::string reason;
  std::string build_command;  // what to run
};

UntrustedStandardLibrary untrusted_standard_library(const CodeVerifier& verifier) {
  // PyConfig_Read no longer computes the search path (3.11); the standard
  // library is where the CPython vigil-python embeds keeps it.
  std::string source = std::string(kStdlibDirectory) + "/encodings/__init__.py";
  if (access(source.c_str(), F_OK) != 0) return {};
  FileTrust trust = verifier.check_code_path(source);
  if (trust.trusted) return {};
  std::string bytecode = std::string(kStdlibDirectory) + "/encodings/__pycache__/__init__.cpython-" + std::to_string(PY_MAJOR_VERSION) +
                         std::to_string(PY_MINOR_VERSION) + ".pyc";
  if (!verifier.refuses_bytecode(bytecode) && access(bytecode.c_str(), F_OK) == 0 &&
      verifier.check_code_path(bytecode).trusted) {
    return {};
  }
  const TrustSettings& settings = verifier.settings();
  std::string output = "/etc/vigil/trust.d/stdlib.trust";
  if (settings.database && !settings.database_paths.empty()) {
    const std::string& first = settings.database_paths.front();
    output = first.ends_with(".trust") ? first : first + "/stdlib.trust";
  }
  return {source, trust.reason, "vigil trust build -o " + output + " " + kStdlibDirectory};
}

int refuse(const std::string& why) {
  g_refusal = why;
  std::fprintf(stderr, "vigil-python: refusing to run: %s\n", why.c_str());
  return kRefusedExitStatus;
}

}  // namespace

int run_python(int argc, char** argv) {
  PyPreConfig preconfig;
  PyPreConfig_InitPythonConfig(&preconfig);
  exit_on_failure(Py_PreInitializeFromBytesArgs(&preconfig, argc, argv));

  // The start record describes the entry before anything runs, so the
  // command line is parsed once up front. PyConfig_Read runs no Python code
  // and raises no audit event. It reads a copy: CPython 3.11 loses
  // -X warn_default_encoding when the config it initialises from has
  // already been read, so the interpreter gets an unread one, as in python3.
  EntryPoint entry;
  std::vector<std::string> search_paths;
  {
    Config parsed;
    exit_on_failure(PyConfig_SetBytesArgv(parsed.get(), argc, argv));
    exit_on_failure(PyConfig_Read(parsed.get()));
    entry = entry_point(*parsed.get());
    search_paths = standard_library_search(parsed.get()->use_environment != 0);
  }
  Config config;
  exit_on_failure(PyConfig_SetBytesArgv(config.get(), argc, argv));

  std::string error;
  auto selection = select_policy(error);
  if (!selection) return refuse(error);
  PolicyIdentity identity = identity_of(*selection);
  if (entry.mode == "command" && selection->policy.entry.multiprocessing) {
    entry.bootstrap = multiprocessing_bootstrap(entry.target).value_or("");
  }
  StartInfo start;
  start.argv.assign(argv, argv + argc);
  start.exe = current_executable();
  start.entry = entry;
  // The interpreter's own, which follows python3.X's updates (the copy is
  // remade by the package's trigger), not the headers' this was built with.
  start.python_version = std::string(Py_GetVersion(), std::strcspn(Py_GetVersion(), " "));
  start.policy = identity;
  if (!read_kernel_exec_restrictions(start.securebits, error)) return refuse(error);
  start.heartbeat_seconds = selection->policy.heartbeat_seconds;
  start.chain = selection->policy.chain;
  std::optional<std::string> hmac_key;
  if (selection->policy.hmac_key_path) {
    hmac_key = read_root_only_key(*selection->policy.hmac_key_path, error);
    // A process that may not read the key (not root) still records, and
    // its start record says why its records carry no `hmac`.
    start.hmac = hmac_key.has_value();
    if (!hmac_key) start.hmac_error = error;
  }
  const std::vector<LogChoice> choices = log_choices(selection->log_path);
  auto next_choice = choices.begin();
  std::unique_ptr<FileSink> sink = open_next_log(next_choice, choices.end(), start.log, start.unusable_logs, error);
  if (!sink) return refuse("no audit log can be opened; last: " + error);
  fall_back_to(*sink, {next_choice, choices.end()});
  const bool enforcing = selection->policy.mode == Mode::enforce;
  for (const SinkSettings& settings : selection->policy.sinks) start.sinks.push_back(settings.name);
  assess_protections(start, selection->policy.sinks);
  std::string log_path = start.log;
  std::string log_directory = parent_directory(log_path);
  set_tally_directory(log_directory);
  // The engine and the recorder live as long as the process: SystemExit
  // leaves through exit() from inside Py_RunMain, and the stop record is
  // written by the exit handler.
  // The trust database is read before anything runs; a locked policy's
  // must be root's alone, like the policy.
  CodeVerifier* verifier = nullptr;
  if (selection->policy.trust.enabled) {
    const TrustSettings& trust = selection->policy.trust;
    auto database = TrustDatabase::load(trust.database ? trust.database_paths : std::vector<std::string>{},
                                        selection->locked, error);
    if (!database) return refuse(error);
    verifier = new CodeVerifier(trust, std::move(database));
    if (!entry.bootstrap.empty()) verifier->expect_bootstrap_command(entry.target);
    // Bytecode written now would be untrusted: it never counts, so it is
    // never written.
    config.get()->write_bytecode = 0;
  }
  start.inherited_facts = take_inherited_facts();
  ProcessFacts process{static_cast<long long>(getuid()), entry.mode == "file" ? entry.target : "",
                       entry.bootstrap.empty() ? entry.mode : "bootstrap"};
  auto* engine = new PolicyEngine(std::move(selection->policy), std::move(process));
  engine->inherit(start.inherited_facts);
  auto* recorder = new Recorder(std::move(sink), std::move(start), std::move(hmac_key));
  for (const SinkSettings& settings : engine->policy().sinks) {
    recorder->add_sink(settings, find_sink_type(settings.type)->make(settings, log_directory));
  }
  recorder->set_stop_details([engine](JsonText& json) { append_suppressed_counts(*engine, json); });
  recorder->set_heartbeat_check([] { AuditHook::check_liveness("by the heartbeat"); });
  std::uint64_t start_seq = recorder->write_start();
  // A run with no start record is a run with no record: under an enforcing
  // policy it does not happen; under audit the next log takes its place.
  while (recorder->log_error() != 0) {
    std::string reason = std::strerror(recorder->log_error());
    if (enforcing) return refuse("the start record cannot be written to " + log_path + ": " + reason);
    std::fprintf(stderr, "vigil-python: WARNING: cannot write the start record to %s: %s; recording to the next log\n",
                 log_path.c_str(), reason.c_str());
    std::vector<UnusableLog> unusable{{log_path, "cannot write the start record: " + reason}};
    sink = open_next_log(next_choice, choices.end(), log_path, unusable, error);
    if (!sink) return refuse("no audit log can take the start record; last: " + error);
    fall_back_to(*sink, {next_choice, choices.end()});
    start_seq = recorder->write_start_in(std::move(sink), log_path, std::move(unusable));
  }
  on_exit(write_stop_at_exit, recorder);
  recorder->start_heartbeat();
  report_ignored_overrides(identity, *recorder, start_seq);

  std::string kernel_refusal = refuse_start_under_securebits(entry, search_paths, *recorder, start_seq);
  if (!kernel_refusal.empty()) {
    recorder->set_stop_reason("refused by the kernel's securebits");
    return refuse(kernel_refusal);
  }
  std::string refusal = apply_entry_restrictions(*engine, entry, *config.get(), *recorder, start_seq);
  if (!refusal.empty()) {
    recorder->set_stop_reason("entry refused by the policy");
    return refuse(refusal);
  }
  if (enforcing && verifier != nullptr) {
    UntrustedStandardLibrary untrusted = untrusted_standard_library(*verifier);
    if (!untrusted.file.empty()) {
      std::string detail = "the policy's trust sources vouch for none of the standard library (" + untrusted.file +
                           ": " + untrusted.reason + ")";
      report_start_refusal(*engine, kTrustCodeRule, detail, untrusted.build_command, *recorder, start_seq);
      recorder->set_stop_reason("the trust sources vouch for none of the standard library");
      return refuse(detail + "; build the trust database first: " + untrusted.build_command);
    }
  }
  if (!AuditHook::install(*recorder, *engine, verifier, RenderLimits{}) || !OpenCodeHook::install()) {
    recorder->set_stop_reason("hooks could not be installed");
    return refuse("the audit hooks could not be installed");
  }

  if (entry.mode == "stdin") capture_standard_input();
  PyStatus status = Py_InitializeFromConfig(config.get());
  if (PyStatus_Exception(status)) {
    recorder->set_stop_reason("interpreter initialisation failed");
    Py_ExitStatusException(status);
  }
  if (!AuditHook::probe_is_live()) {
    // Something removed the hook during start-up (.pth, sitecustomize):
    // nothing it would have recorded may run, so finalisation is skipped.
    recorder->set_stop_reason("audit hook is not live after initialisation");
    return refuse("the audit hook did not receive its probe event after start-up; it has been removed");
  }
  if (!AuditHook::watch_liveness()) {
    recorder->set_stop_reason("the audit hook's sentinel could not be installed");
    return refuse("the audit hook's sentinel could not be installed on the interpreter's hook list");
  }
  // Only start-up code that removed builtins, io or importlib's modules
  // leaves nothing to compare with: that is said, and the program runs.
  if (!ImportPlumbing::snapshot()) {
    emit_integrity_alert(*recorder, kImportPlumbing, {},
                         "the import plumbing was not found after start-up; replacements of it go unseen",
                         start_seq);
  }
  if (verifier != nullptr) verifier->interpreter_ready();
  AuditHook::forget_start_up_denials();
  restrict_running_interpreter(*engine);
  keep_interactive_input_closed();
  return Py_RunMain();
}

}  // namespace vigil
