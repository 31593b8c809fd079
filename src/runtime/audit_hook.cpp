#include "audit_hook.h"

#include "audited_wrappers.h"
#include "child_entry.h"
#include "code_verifier.h"
#include "content_origins.h"
#include "decision_record.h"
#include "event_views.h"
#include "event_catalog.h"
#include "import_plumbing.h"
#include "integrity_alerts.h"
#include "kernel_exec_restrictions.h"
#include "open_code_hook.h"
#include "open_target.h"
#include "py_ref.h"
#include "python_arguments.h"
#include "python_internals.h"
#include "refusal_hint.h"
#include "repeated_values.h"
#include "site_lines.h"
#include "transcripts.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <new>
#include <pthread.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace vigil {
namespace {

struct Registration {
  Recorder* recorder = nullptr;
  PolicyEngine* engine = nullptr;
  RenderLimits limits;
  Transcripts* transcripts = nullptr;
  // Null when the policy has no [trust] table.
  CodeVerifier* verifier = nullptr;
  const Rule* trust_code_rule = nullptr;
  const Rule* trust_native_rule = nullptr;
  const Rule* trust_provenance_rule = nullptr;
  // vigil.AuditHookDenied, made the first time a late hook is denied.
  PyObject* hook_denied_type = nullptr;
  unsigned long long probe_nonce = 0;
  bool probe_seen = false;
  bool wrappers_installed = false;
  // VIGIL_FACTS is in the environment (facts_in_environment).
  bool facts_in_environment = false;
  // Bumped in every forked child, so per-thread caches know to refresh.
  unsigned fork_generation = 0;
  // Vigil's entry on the runtime's list of native hooks, found at install.
  const void* hook_entry = nullptr;
  // The sentinel on the interpreter's list of Python-level hooks, and that
  // list (see install_sentinel()).
  PyObject* sentinel = nullptr;
  PyObject* sentinel_list = nullptr;
  // The lines of recent call sites' code (site_lines.h).
  SiteLines site_lines;
  // Set when CPython empties the runtime's list while it finalises: from
  // then on an empty list is no tampering.
  std::atomic<bool> hooks_cleared = false;
  // One alert per window in which the hook does not run; the hook running
  // again opens the way for the next one.
  std::atomic<bool> unlinked_reported = false;
  // One alert per process for an altered entry or sentinel list while the
  // hook still runs.
  std::atomic<bool> altered_reported = false;
};

// The only global: what the hook and the fork handlers act on.
Registration* g_registration = nullptr;
// The registration the heartbeat checks, once its entry is known: the
// heartbeat thread reads it, so it is published atomically.
std::atomic<Registration*> g_watched = nullptr;

// How many events Vigil's hook (or its sentinel, standing in for it)
// recorded on this thread; compared before and after an event that Vigil
// raises or sees by another path, it tells whether the hook received it.
thread_local std::uint64_t t_hook_calls = 0;
// t_hook_calls when the sentinel last ran on this thread.
thread_local std::uint64_t t_hook_calls_at_sentinel = 0;
// The seq of the last event record written on this thread.
thread_local std::uint64_t t_last_event_seq = 0;

// Set by the os.fork audit event, read in the child: tells a fork that
// continues running Python from the fork inside subprocess, whose child
// only execs.
thread_local bool t_python_fork_pending = false;

// Set by the open-code hook around the `open` event it raises.
struct OpeningCodeState {
  bool active = false;
  const FileTrust* trust = nullptr;
  const ExecCheck* exec_check = nullptr;
};
thread_local OpeningCodeState t_opening_code;
// The messages of the first and the last denial raised (with the GIL held).
std::string g_first_denial;
std::string g_last_denial;
constexpr std::string_view kOpenCodeEvent = "vigil.open_code";

struct ThreadId {
  pid_t tid = 0;
  unsigned fork_generation = ~0U;
};
thread_local ThreadId t_thread_id;

pid_t current_tid(unsigned fork_generation) {
  if (t_thread_id.fork_generation != fork_generation) {
    t_thread_id = {static_cast<pid_t>(syscall(SYS_gettid)), fork_generation};
  }
  return t_thread_id.tid;
}

constexpr std::size_t kMaxEventName = 256;

void append_site(JsonText& json, const RenderLimits& limits, SiteLines& lines) {
  PyFrameObject* frame = compat::current_frame();
  if (frame == nullptr) {
    json.null();
    return;
  }
  PyCodeObject* code = compat::frame_code(frame);
  ValueRenderer renderer(json, limits);
  json.begin_object();
  json.key("file");
  renderer.render_text_or_null(compat::code_filename(code));
  json.key("line");
  json.integer(lines.line(code, compat::frame_last_instruction(frame)));
  json.key("function");
  renderer.render_text_or_null(compat::code_display_name(code));
  json.end_object();
  Py_DECREF(code);
}

void append_args(JsonText& json, std::string_view event, PyObject* args, const RenderLimits& limits) {
  begin_repeated_values();
  ValueRenderer renderer(json, limits);
  const EventSignature* signature = find_event_signature(event);
  if (signature == nullptr || args == nullptr || !PyTuple_CheckExact(args)) {
    if (args == nullptr) {
      json.null();
    } else {
      renderer.render(args);
    }
    return;
  }
  Py_ssize_t count = PyTuple_GET_SIZE(args);
  auto named = static_cast<Py_ssize_t>(signature->fields.size());
  json.begin_object();
  for (Py_ssize_t i = 0; i < count && i < named; ++i) {
    auto field = static_cast<std::size_t>(i);
    json.key(signature->fields[field]);
    if (signature->is_recorded_once_per_change(field)) {
      append_repeated_value(json, renderer, *signature, field, PyTuple_GET_ITEM(args, i));
    } else {
      renderer.render(PyTuple_GET_ITEM(args, i));
    }
  }
  if (count > named) {
    // Another CPython version passes more than the catalogue names.
    json.key("_extra");
    json.begin_array();
    for (Py_ssize_t i = named; i < count; ++i) renderer.render(PyTuple_GET_ITEM(args, i));
    json.end_array();
  }
  json.end_object();
}

// CPython opens the script and PYTHONSTARTUP right after announcing them.
void expect_code_file_open_after(const char* event, PyObject* args) {
  bool script = std::strcmp(event, "cpython.run_file") == 0;
  if (!script && std::strcmp(event, "cpython.run_startup") != 0) return;
  if (PyTuple_Check(args) && PyTuple_GET_SIZE(args) == 1) expect_code_file_open(PyTuple_GET_ITEM(args, 0), script);
}

bool is_probe(const char* event, PyObject* args, unsigned long long nonce) {
  if (std::strcmp(event, kProbeEvent) != 0 || !PyTuple_CheckExact(args) || PyTuple_GET_SIZE(args) != 1) return false;
  PyObject* value = PyTuple_GET_ITEM(args, 0);
  if (!PyLong_CheckExact(value)) return false;
  unsigned long long received = PyLong_AsUnsignedLongLong(value);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  return received == nonce;
}

// A denied operation fails with the rule's message. sys.addaudithook is
// the exception: CPython swallows any Exception a hook raises for it and
// returns None, so the caller would never learn; a BaseException that is
// not an Exception reaches it. A denied import fails with ImportError,
// which is what programs that can do without a module catch (3.14's
// concurrent.futures does without _interpreters, optional C accelerators
// fall back to Python): the denial still stands, and the program goes on.
void raise_denial(Registration& registration, std::string_view event, PyObject* args, const Rule& rule,
                  std::string_view detail, std::string_view hint) {
  std::string message = "vigil: " + with_rule_and_hint(rule_message(rule, event, detail), rule, hint);
  if (g_first_denial.empty()) g_first_denial = message;
  g_last_denial = message;
  if (event == "sys.addaudithook") {
    if (registration.hook_denied_type == nullptr) {
      registration.hook_denied_type = PyErr_NewException("vigil.AuditHookDenied", PyExc_BaseException, nullptr);
    }
    PyErr_SetString(registration.hook_denied_type != nullptr ? registration.hook_denied_type : PyExc_SystemExit,
                    message.c_str());
    return;
  }
  if (rule.refusal == Refusal::module_not_found && PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0 &&
      PyUnicode_CheckExact(PyTuple_GET_ITEM(args, 0))) {
    PyRef text = PyRef::steal(PyUnicode_FromString(message.c_str()));
    if (text) PyErr_SetImportErrorSubclass(PyExc_ModuleNotFoundError, text.get(), PyTuple_GET_ITEM(args, 0), nullptr);
    return;
  }
  if (event == "import") {
    PyRef text = PyRef::steal(PyUnicode_FromString(message.c_str()));
    PyObject* module = PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0 && PyUnicode_CheckExact(PyTuple_GET_ITEM(args, 0))
                           ? PyTuple_GET_ITEM(args, 0)
                           : nullptr;
    if (text) PyErr_SetImportError(text.get(), module, nullptr);
    return;
  }
  PyErr_SetString(PyExc_PermissionError, message.c_str());
}

// What verification found about one event, for its record.
struct Findings {
  // What the compile() call behind a `compile` event was given.
  const CompileCall* compile_call = nullptr;
  const FileTrust* code_file = nullptr;  // from the open-code hook
  // The kernel's answer under SECBIT_EXEC_RESTRICT_FILE: from the
  // open-code hook, or for the native library the event loads.
  const ExecCheck* exec_check = nullptr;
  std::optional<ExecCheck> native_exec_check;
  std::optional<FileTrust> native;
  std::optional<Provenance> provenance;
  std::string detail;  // the alert's and the denial's explanation
  // The file an open, mmap or truncate acts on, however it was named.
  std::optional<OpenTarget> target;
  bool writes = false;
  bool opening_code = false;
};

// The file a trust rule refused, for the refusal's hint.
std::string_view untrusted_file(const Registration& registration, const Rule& rule, const Findings& findings) {
  if (&rule == registration.trust_code_rule && findings.code_file != nullptr) return findings.code_file->path;
  if (&rule == registration.trust_native_rule && findings.native) return findings.native->path;
  return {};
}

std::string hint_for(const Registration& registration, const Rule& rule, std::string_view event,
                     const Findings& findings) {
  return refusal_hint(registration.engine->policy(), rule, event, untrusted_file(registration, rule, findings));
}

// Whether `rule` is one of the policy's, and not one of Vigil's own that
// the runtime adds to a verdict (vigil.refused_children): only the
// policy's have prerequisites and facts.
bool is_policy_rule(const Policy& policy, const Rule& rule) {
  return !policy.rules.empty() && &rule >= &policy.rules.front() && &rule <= &policy.rules.back();
}

// Events on the way of an import, where a swapped import path shows.
bool passes_import_plumbing(std::string_view event, const Findings& findings) {
  return findings.opening_code || event == "import" || event == "compile" || event == "exec";
}

// The file an event acts on, for the rules on /proc paths and for telling
// the process opening its own log.
void find_target(std::string_view event, PyObject* args, Findings& findings) {
  if (args == nullptr || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) == 0) return;
  PyObject* first = PyTuple_GET_ITEM(args, 0);
  if (event == "open") {
    findings.target = find_open_target(first, current_open_directory());
    // A file the open creates has no target yet, and is still written.
    if (PyTuple_GET_SIZE(args) >= 3) findings.writes = opens_for_writing(PyTuple_GET_ITEM(args, 1), PyTuple_GET_ITEM(args, 2));
  } else if (event == "mmap.__new__") {
    findings.target = find_descriptor_target(first);
    findings.writes = true;
  } else if (event == "os.truncate") {
    findings.target = find_open_target(first, OpenDirectory{});
    findings.writes = true;
  }
}

// What the rules see of an event whose path names a file on /proc: the
// canonical path in place of the spelling, so "/proc/*/mem" catches
// "mem" under dir_fd, a symbolic link, /proc/thread-self/mem and the rest.
class ProcPathArguments final : public ArgumentSource {
 public:
  ProcPathArguments(ArgumentSource& spelled, std::string_view canonical)
      : spelled_(spelled), canonical_(ArgValue::of_text(canonical)) {}
  std::size_t count() const override { return spelled_.count(); }
  const ArgValue& value(std::size_t position) override {
    return position == 0 ? canonical_ : spelled_.value(position);
  }

 private:
  ArgumentSource& spelled_;
  ArgValue canonical_;
};

// What the rules on vigil.open_code see: the open's arguments, whether the
// file shadows a standard-library module and whether this process wrote it.
class CodeOpenArguments final : public ArgumentSource {
 public:
  CodeOpenArguments(ArgumentSource& opened, PyObject* path) : opened_(opened), path_(path) {}
  std::size_t count() const override { return std::max<std::size_t>(opened_.count(), 5); }
  // Worked out when a rule asks: most code opens meet no rule that does.
  const ArgValue& value(std::size_t position) override {
    if (position == 3) return shadows_ = ArgValue::of_boolean(shadows_standard_library(path_));
    if (position == 4) return written_ = ArgValue::of_boolean(written_by_this_process(path_));
    return opened_.value(position);
  }

 private:
  ArgumentSource& opened_;
  PyObject* path_;
  ArgValue shadows_;
  ArgValue written_;
};

void alert_if_own_log(Registration& registration, std::string_view event, const Findings& findings,
                      std::uint64_t seq) {
  if (!findings.target) return;
  dev_t device = 0;
  ino_t inode = 0;
  if (!registration.recorder->log_file_identity(device, inode) || device != findings.target->device ||
      inode != findings.target->inode) {
    return;
  }
  std::string action = event == "open" ? (findings.writes ? "opens its own log for writing" : "opens its own log")
                       : event == "mmap.__new__" ? "maps its own log into memory"
                                                 : "truncates its own log";
  std::string message = "the process " + action + (findings.writes ? ", where it can rewrite records in place" : "");
  emit_integrity_alert(*registration.recorder, findings.writes ? kOwnLogWrite : kOwnLogRead, event, message, seq);
}

// The trust rule an event's findings break, if any.
const Rule* verify(Registration& registration, std::string_view event, PyObject* args, bool opening_code,
                   PythonSite& site, Findings& findings) {
  CodeVerifier& verifier = *registration.verifier;
  if (opening_code) {
    const FileTrust* trust = findings.code_file;
    if (trust == nullptr || trust->trusted || trust->refused) return nullptr;
    findings.detail = trust->path + ": " + trust->reason;
    return registration.trust_code_rule;
  }
  if ((findings.native = verifier.check_native(event, args))) {
    if (findings.native->trusted) return nullptr;
    findings.detail = findings.native->path + ": " + findings.native->reason;
    return registration.trust_native_rule;
  }
  if ((findings.provenance = verifier.provenance(event, args, site.file(), findings.compile_call))) {
    const Provenance& found = *findings.provenance;
    if (found.verified || found.already_reported || found.parse_only) return nullptr;
    if (event == "exec") {
      findings.detail = "a code object named " + found.file + " that no verified compile built";
    } else if (!found.refusal.empty()) {
      findings.detail = std::string(event) + " of " + found.refusal;
      if (found.origin != nullptr) findings.detail += " (generator " + found.file + ")";
    } else {
      findings.detail = std::string(event) + " of text that is not the content of a verified file";
    }
    return registration.trust_provenance_rule;
  }
  return nullptr;
}

// SECBIT_EXEC_RESTRICT_FILE and the kernel refused the code file: a
// denial in every mode, unless the policy's own verdict already denies.
void refuse_by_securebit(Verdict& verdict, Findings& findings) {
  const Rule& rule = exec_restrict_file_rule();
  verdict.add(rule);
  // A trust rule's finding names the file already.
  if (verdict.detailed == nullptr) {
    findings.detail = findings.exec_check->path + ": " + findings.exec_check->reason();
    verdict.detailed = &rule;
    verdict.detail = findings.detail;
  }
  if (!verdict.denies()) {
    verdict.enforced = true;
    verdict.action = rule.action;
    verdict.decisive = &rule;
  }
}

Verdict judge(Registration& registration, std::string_view event, PyObject* args, Findings& findings) {
  PolicyEngine& engine = *registration.engine;
  // The event under its own name, as a code file's open, and under its views.
  PolicyEngine::Lookup lookups[4] = {{event, engine.candidates(event)}, {kOpenCodeEvent, nullptr}, {}, {}};
  std::size_t lookup_count = 2;
  bool opening_code = false;
  if (t_opening_code.active && event == "open") {
    // Only the open-code hook's own event: a Python hook that opens a
    // file while this one is judged must not count as code.
    t_opening_code.active = false;
    opening_code = true;
    findings.opening_code = true;
    findings.code_file = t_opening_code.trust;
    findings.exec_check = t_opening_code.exec_check;
    lookups[1].bucket = engine.candidates(kOpenCodeEvent);
  }
  find_target(event, args, findings);
  ViewArguments views[2];
  if (!opening_code) {
    EventViews names = views_of(event, findings.writes);
    for (std::size_t i = 0; i < names.size(); ++i) {
      const PolicyEngine::Bucket* bucket = names[i].empty() ? nullptr : engine.candidates(names[i]);
      if (bucket != nullptr && views[i].build(names[i], event, args)) {
        lookups[lookup_count++] = {names[i], bucket, &views[i]};
      }
    }
  }
  PythonSite site(registration.verifier);
  const Rule* broken = registration.verifier != nullptr
                           ? verify(registration, event, args, opening_code, site, findings)
                           : nullptr;
  if (broken == nullptr && engine.enforcing()) broken = refused_child(engine, event, args, findings.detail);
  if (!opening_code && kernel_exec_restrictions().restrict_file &&
      (findings.native_exec_check = check_native_execution(event, args, findings.native))) {
    findings.exec_check = &*findings.native_exec_check;
  }
  bool refused_by_kernel = findings.exec_check != nullptr && findings.exec_check->refused();
  bool any = broken != nullptr || refused_by_kernel;
  for (std::size_t i = 0; i < lookup_count; ++i) any = any || lookups[i].bucket != nullptr;
  if (!any) return {};
  PythonArguments spelled(args);
  std::string_view proc_path = findings.target ? std::string_view(findings.target->proc_path) : std::string_view();
  ProcPathArguments canonical(spelled, proc_path);
  ArgumentSource& arguments = proc_path.empty() ? static_cast<ArgumentSource&>(spelled) : canonical;
  std::optional<CodeOpenArguments> code_open;
  if (lookups[1].bucket != nullptr && args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) >= 3) {
    code_open.emplace(arguments, PyTuple_GET_ITEM(args, 0));
    lookups[1].arguments = &*code_open;
  }
  Verdict verdict = engine.evaluate(std::span(lookups, lookup_count), arguments, site);
  if (broken != nullptr) engine.add_finding(verdict, *broken, findings.detail);
  if (refused_by_kernel) refuse_by_securebit(verdict, findings);
  return verdict;
}

// Facts cross exec in the environment the child inherits
// (docs/detection.md): set just before a process starts, with the GIL
// held. A program that gives its child an environment of its own leaves
// them out; the parent's own rules judged the start already.
// CPython 3.13+'s posix_spawn with env=None hands the child `environ` as it
// was before the audit event, and frees that array afterwards if `environ`
// changed meanwhile. Adding a variable during the event would reallocate it
// (a crash); replacing one leaves the array where it is.
bool event_snapshots_environment(std::string_view event) {
  return event == "os.posix_spawn" || event == "os.posix_spawnp";
}

// The process's facts, in the environment its children inherit: set as
// soon as it holds any, so that the variable exists before a posix_spawn;
// brought up to date at each process start (a forked child's pid included).
void pass_facts_to_children(Registration& registration, std::string_view event, bool starts_process) {
  const PolicyEngine& engine = *registration.engine;
  if (!engine.holds_facts() || (registration.facts_in_environment && !starts_process)) return;
  if (event_snapshots_environment(event) && getenv(kInheritedFactsVariable) == nullptr) return;
  std::string facts = engine.inheritable_facts();
  setenv(kInheritedFactsVariable, facts.c_str(), 1);
  registration.facts_in_environment = true;
}

void append_provenance_member(JsonText& json, const Provenance& provenance) {
  json.key("provenance");
  json.begin_object();
  json.key("verified");
  json.boolean(provenance.verified);
  json.key("origin");
  json.string_or_null(provenance.origin);
  if (!provenance.file.empty()) {
    json.key("file");
    json.string(provenance.file);
  }
  if (provenance.text_from != ContentOrigin::unknown) {
    json.key("text_from");
    json.string(to_string(provenance.text_from));
  }
  if (provenance.parse_only) {
    json.key("parse_only");
    json.boolean(true);
  }
  json.end_object();
}

void check_hook_integrity(Registration& registration, std::string_view event, PyObject* args,
                          std::uint64_t seq_ref);

// Records one audit event: what the hook does, and what the sentinel does
// for an event the hook did not receive.
int record_event(Registration& registration, const char* event, PyObject* args) {
  ++t_hook_calls;
  bool raised_by_sys_audit = take_raised_by_sys_audit();
  if (is_probe(event, args, registration.probe_nonce)) registration.probe_seen = true;
#ifdef VIGIL_BENCH_FLOOR
  return 0;
#endif
  if (!registration.wrappers_installed) {
    registration.wrappers_installed = true;
    install_audited_wrappers();
    install_content_observers();
  }
  if (std::strcmp(event, "socket.__new__") == 0 && args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0) {
    observe_socket_type(PyTuple_GET_ITEM(args, 0));
  }
  observe_loaded_modules();
  wrap_compile_once_builtins_exist();
  // CPython's event for compile() of an AST passes None for the file
  // name; the record and the checks get the name the call was given.
  std::optional<CompileCall> compile_call;
  PyRef named_args;
  if (std::strcmp(event, "compile") == 0 && args != nullptr && PyTuple_CheckExact(args) && PyTuple_GET_SIZE(args) == 2) {
    compile_call = take_compile_call(PyTuple_GET_ITEM(args, 0));
    if (compile_call && compile_call->filename != nullptr && PyTuple_GET_ITEM(args, 1) == Py_None) {
      named_args = PyRef::steal(PyTuple_Pack(2, PyTuple_GET_ITEM(args, 0), compile_call->filename));
      if (named_args) {
        args = named_args.get();
      } else {
        PyErr_Clear();
      }
    }
  }
  if (std::strcmp(event, "os.putenv") == 0 && args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) >= 2) {
    note_environment_change(PyTuple_GET_ITEM(args, 0), PyTuple_GET_ITEM(args, 1));
  }
  if (std::strcmp(event, "import") == 0 && args != nullptr && PyTuple_Check(args) && PyTuple_GET_SIZE(args) > 0) {
    note_import(PyTuple_GET_ITEM(args, 0));
  }
  Recorder& recorder = *registration.recorder;
  recorder.count_event();
  Transcripts::count_event();
  if (std::strcmp(event, "os.fork") == 0 || std::strcmp(event, "os.forkpty") == 0) t_python_fork_pending = true;
  expect_code_file_open_after(event, args);
  note_code_naming(event, args);
  ScriptOpening script_opening(event, args);

  // One buffer per thread keeps the common case free of allocation; a
  // record rendered while another is being rendered gets its own.
  thread_local std::string t_members;
  thread_local int t_depth = 0;
  std::string nested;
  std::string& members = t_depth == 0 ? t_members : nested;
  ++t_depth;
  int result = 0;
  try {
    std::string_view name(event, strnlen(event, kMaxEventName));
    Findings findings;
    if (compile_call) findings.compile_call = &*compile_call;
    Verdict verdict = judge(registration, name, args, findings);
    std::string transcript = registration.transcripts->reference(name, args);
    if (!verdict.suppressed) {
      members.clear();
      JsonText json(members, true);
      append_event_members(json, name, args, current_tid(registration.fork_generation), registration.limits,
                           registration.site_lines);
      if (raised_by_sys_audit) {
        // Any Python code can raise any event this way (reference A14).
        json.key("raised_by");
        json.string("sys.audit");
      }
      if (!transcript.empty()) {
        json.key("transcript");
        json.string(transcript);
      }
      if (findings.code_file != nullptr) append_trust_member(json, *findings.code_file);
      if (findings.exec_check != nullptr) append_exec_check_member(json, *findings.exec_check);
      if (findings.native) append_trust_member(json, *findings.native);
      if (findings.provenance) append_provenance_member(json, *findings.provenance);
      if (findings.target && !findings.target->proc_path.empty()) {
        json.key("resolved");
        json.string(findings.target->proc_path);
      }
      if (verdict.decided()) append_decision_member(json, verdict);
      std::uint64_t seq = recorder.emit("event", members, {name, {}, -1});
      repeated_values_written(seq);
      t_last_event_seq = seq;
      registration.engine->note(verdict, seq);
      pass_facts_to_children(registration, name, views_of(name, false)[0] == kProcessStartView);
      for (std::size_t i = 0; i < verdict.alert_count; ++i) {
        members.clear();
        JsonText alert(members, true);
        const Rule& rule = *verdict.alerts[i];
        append_alert_members(alert, rule, name, verdict.enforced, seq, verdict.detail_of(rule), verdict.subjects[i]);
        if (verdict.enforced && rule.action >= Action::deny) {
          alert.key("hint");
          alert.string(hint_for(registration, rule, name, findings));
        }
        if (is_policy_rule(registration.engine->policy(), rule)) {
          registration.engine->append_prerequisites(alert, rule);
          registration.engine->append_because(alert, rule);
        }
        recorder.emit("alert", members, {name, rule.id, static_cast<int>(rule.severity)});
      }
      alert_if_own_log(registration, name, findings, seq);
      if (passes_import_plumbing(name, findings)) ImportPlumbing::check(recorder, name, seq);
      // What tampering with the hook is done through.
      if (name.starts_with("ctypes.")) check_hook_integrity(registration, name, args, seq);
    } else {
      registration.engine->note(verdict, 0);
      alert_if_own_log(registration, name, findings, 0);
      if (passes_import_plumbing(name, findings)) ImportPlumbing::check(recorder, name, 0);
    }
    if (verdict.denies()) {
      const Rule& rule = *verdict.decisive;
      if (rule.action == Action::kill) {
        recorder.set_stop_reason("killed by rule " + rule.id + " on " + std::string(name));
        recorder.write_stop(128 + SIGKILL);
        kill(getpid(), SIGKILL);
      }
      raise_denial(registration, name, args, rule, verdict.detail_of(rule), hint_for(registration, rule, name, findings));
      result = -1;
    }
  } catch (const std::bad_alloc&) {
    // Fail closed: the audited operation must not go ahead unrecorded.
    PyErr_NoMemory();
    result = -1;
  }
  if (members.capacity() > 1024 * 1024) {
    members.clear();
    members.shrink_to_fit();
  }
  --t_depth;
  return script_opening.settle(result);
}

int audit_callback(const char* event, PyObject* args, void* user_data) {
  auto& registration = *static_cast<Registration*>(user_data);
  registration.unlinked_reported.store(false, std::memory_order_relaxed);
  if (std::strcmp(event, "cpython._PySys_ClearAuditHooks") == 0 && compat::is_finalizing()) {
    // CPython empties the list right after this event; it frees the
    // entries, so nothing reads them from now on.
    registration.hooks_cleared = true;
  }
  return record_event(registration, event, args);
}

// What is wrong with Vigil's place on the runtime's list of native hooks;
// null when nothing is. Reads one pointer of static storage, and the entry
// only while it heads the list, so any thread may call it without the GIL.
const char* runtime_list_problem(const Registration& registration) {
  const void* head = __atomic_load_n(vigil_audit_hook_list_head(), __ATOMIC_ACQUIRE);
  // CPython marks the end (hooks_cleared) before it empties the list.
  if (registration.hooks_cleared) return nullptr;
  if (head == nullptr) return "the runtime's audit hook list is empty";
  if (head != registration.hook_entry) return "the runtime's audit hook list no longer starts with Vigil's entry";
  bool calls_vigil = vigil_audit_hook_entry_calls(head, audit_callback, &registration) != 0;
  // Freed while it was read: finalisation, not tampering.
  if (registration.hooks_cleared) return nullptr;
  return calls_vigil ? nullptr : "Vigil's entry on the runtime's audit hook list calls something else";
}

// The sentinel's list, with the GIL held; null when nothing is wrong.
const char* interpreter_list_problem(const Registration& registration) {
  if (registration.sentinel_list == nullptr) return nullptr;
  PyObject* hooks = *vigil_interpreter_audit_hooks(PyInterpreterState_Main());
  if (hooks != registration.sentinel_list) return "the interpreter's audit hook list was replaced";
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(hooks); ++i) {
    if (PyList_GET_ITEM(hooks, i) == registration.sentinel) return nullptr;
  }
  return "Vigil's sentinel was taken off the interpreter's audit hook list";
}

void report_unlinked(Registration& registration, std::string_view event, std::string_view problem,
                     std::string_view where, std::uint64_t seq_ref) {
  if (registration.unlinked_reported.exchange(true)) return;
  std::string message = "Vigil's audit hook is not being called (" + std::string(problem) + "), found " +
                        std::string(where) + "; events in this window may be missing from the log";
  emit_integrity_alert(*registration.recorder, kHookUnlinked, event, message, seq_ref);
}

// ctypes.cdata (TYPE.from_address), ctypes.string_at and wstring_at name
// the address they reach; one inside the interpreter's hook state is the
// way to unlink the hooks.
void check_reached_address(Registration& registration, std::string_view event, PyObject* args,
                           std::uint64_t seq_ref) {
  if (event != "ctypes.cdata" && event != "ctypes.string_at" && event != "ctypes.wstring_at") return;
  if (args == nullptr || !PyTuple_Check(args) || PyTuple_GET_SIZE(args) == 0) return;
  PyObject* address = PyTuple_GET_ITEM(args, 0);
  if (!PyLong_Check(address)) return;
  unsigned long long value = PyLong_AsUnsignedLongLong(address);
  if (PyErr_Occurred()) {
    PyErr_Clear();
    return;
  }
  if (!vigil_is_hook_state_address(value)) return;
  emit_integrity_alert(*registration.recorder, kHookStateMemory, event,
                       "ctypes reaches memory of the interpreter's runtime state, where its audit hooks are kept",
                       seq_ref);
}

// At an event that tampering goes through, with the GIL held.
void check_hook_integrity(Registration& registration, std::string_view event, PyObject* args,
                          std::uint64_t seq_ref) {
  check_reached_address(registration, event, args, seq_ref);
  if (g_watched.load() != &registration) return;
  const char* problem = runtime_list_problem(registration);
  if (problem == nullptr) problem = interpreter_list_problem(registration);
  if (problem == nullptr || registration.altered_reported.exchange(true)) return;
  std::string message = "Vigil's audit hooks were tampered with (" + std::string(problem) + "), found at " +
                        std::string(event);
  emit_integrity_alert(*registration.recorder, kHookUnlinked, event, message, seq_ref);
}

// Records an event that Vigil learnt of by another path than its hook,
// after an alert that the hook is unlinked.
int record_missed_event(Registration& registration, const char* event, PyObject* args, std::string_view where) {
  int result = record_event(registration, event, args);
  const char* problem = runtime_list_problem(registration);
  report_unlinked(registration, event,
                  std::string(event) + " did not reach it, " + std::string(where) + " saw it" +
                      (problem != nullptr ? "; " + std::string(problem) : std::string()),
                  "while recording " + std::string(event), t_last_event_seq);
  return result;
}

// On the interpreter's own list of hooks, which CPython calls after the
// runtime's list for every event (and even when the runtime's list is
// empty): an event that reaches it but did not reach Vigil's hook on this
// thread means the hook was unlinked. It records the event in the hook's
// place, so unlinking the hook alone blinds nothing.
PyObject* interpreter_hook_sentinel(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  Registration* registration = g_watched.load(std::memory_order_relaxed);
  bool missed = t_hook_calls == t_hook_calls_at_sentinel;
  // Called by CPython for an event, not by Python code that found the
  // function object (it is untracked, but still) to forge one.
  if (registration != nullptr && missed && !registration->hooks_cleared && nargs == 2 &&
      PyUnicode_Check(args[0]) && compat::tracing_suspended()) {
    const char* event = PyUnicode_AsUTF8(args[0]);
    if (event == nullptr) return nullptr;
    if (record_missed_event(*registration, event, args[1], "the interpreter's own hook list") < 0) return nullptr;
  }
  t_hook_calls_at_sentinel = t_hook_calls;
  Py_RETURN_NONE;
}

PyMethodDef g_sentinel_definition = {"vigil_sentinel", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(interpreter_hook_sentinel)),
                                     METH_FASTCALL, nullptr};

// First on the interpreter's list, so a Python hook that raises events
// cannot come between an event and its check. The list and the sentinel
// are untracked by the garbage collector, so gc.get_objects() and
// gc.get_referrers() do not hand them to Python code.
bool install_sentinel(Registration& registration) {
  PyObject** hooks = vigil_interpreter_audit_hooks(PyInterpreterState_Main());
  PyRef sentinel = PyRef::steal(PyCFunction_New(&g_sentinel_definition, nullptr));
  if (!sentinel) return false;
  if (*hooks == nullptr) {
    *hooks = PyList_New(0);
    if (*hooks == nullptr) return false;
  }
  if (!PyList_CheckExact(*hooks) || PyList_Insert(*hooks, 0, sentinel.get()) != 0) return false;
  if (PyObject_GC_IsTracked(*hooks)) PyObject_GC_UnTrack(*hooks);
  PyObject_GC_UnTrack(sentinel.get());
  registration.sentinel_list = *hooks;
  registration.sentinel = sentinel.release();
  return true;
}

void prepare_fork() {
  if (g_registration != nullptr) g_registration->recorder->before_fork();
}
void parent_after_fork() {
  t_python_fork_pending = false;
  if (g_registration != nullptr) g_registration->recorder->after_fork_in_parent();
}
void child_after_fork() {
  bool continues_python = t_python_fork_pending;
  t_python_fork_pending = false;
  if (g_registration == nullptr) return;
  ++g_registration->fork_generation;
  g_registration->engine->reset_counters();
  g_registration->recorder->after_fork_in_child(continues_python);
}

}  // namespace

void append_event_members(JsonText& json, std::string_view event, PyObject* args, pid_t tid,
                          const RenderLimits& limits, SiteLines& lines) {
  json.key("event");
  json.string(event);
  json.key("tid");
  json.integer(tid);
  json.key("site");
  append_site(json, limits, lines);
  json.key("args");
  append_args(json, event, args, limits);
}

bool AuditHook::install(Recorder& recorder, PolicyEngine& engine, CodeVerifier* verifier, const RenderLimits& limits) {
  static Registration registration;
  registration.recorder = &recorder;
  registration.engine = &engine;
  registration.verifier = verifier;
  registration.trust_code_rule = find_rule(engine.policy(), kTrustCodeRule);
  registration.trust_native_rule = find_rule(engine.policy(), kTrustNativeRule);
  registration.trust_provenance_rule = find_rule(engine.policy(), kTrustProvenanceRule);
  registration.limits = limits;
  if (registration.transcripts == nullptr) registration.transcripts = new Transcripts(recorder);
  if (getrandom(&registration.probe_nonce, sizeof registration.probe_nonce, 0) !=
      static_cast<ssize_t>(sizeof registration.probe_nonce)) {
    registration.probe_nonce = static_cast<unsigned long long>(getpid()) * 2654435761ULL;
  }
  if (PySys_AddAuditHook(audit_callback, &registration) != 0) return false;
  // Vigil's is the first hook; an entry that is not its own means another
  // came first, and the checks below would watch the wrong entry.
  registration.hook_entry = *vigil_audit_hook_list_head();
  if (registration.hook_entry == nullptr ||
      !vigil_audit_hook_entry_calls(registration.hook_entry, audit_callback, &registration)) {
    return false;
  }
  g_registration = &registration;
  static bool fork_handlers_registered = false;
  if (!fork_handlers_registered) {
    pthread_atfork(prepare_fork, parent_after_fork, child_after_fork);
    fork_handlers_registered = true;
  }
  return true;
}

OpeningCode::OpeningCode(const FileTrust* trust, const ExecCheck* exec_check) {
  t_opening_code = {true, trust, exec_check};
}
OpeningCode::~OpeningCode() { t_opening_code = {}; }

const std::string& AuditHook::first_denial() { return g_first_denial; }
void AuditHook::forget_start_up_denials() { g_first_denial.clear(); }
const std::string& AuditHook::last_denial() { return g_last_denial; }

void AuditHook::set_stop_reason(std::string reason) {
  if (g_registration != nullptr) g_registration->recorder->set_stop_reason(std::move(reason));
}

CodeVerifier* AuditHook::verifier() { return g_registration != nullptr ? g_registration->verifier : nullptr; }

bool AuditHook::watch_liveness() {
  if (g_registration == nullptr || !install_sentinel(*g_registration)) {
    PyErr_Clear();
    return false;
  }
  g_watched.store(g_registration);
  return true;
}

void AuditHook::check_liveness(const char* where) {
  Registration* registration = g_watched.load();
  if (registration == nullptr) return;
  if (const char* problem = runtime_list_problem(*registration)) {
    report_unlinked(*registration, {}, problem, where, 0);
  }
}

HookWitness::HookWitness() : calls_before_(t_hook_calls) {}

bool HookWitness::missed() const {
  Registration* registration = g_watched.load(std::memory_order_relaxed);
  return registration != nullptr && !registration->hooks_cleared && t_hook_calls == calls_before_;
}

int HookWitness::record_missed(const char* event, PyObject* args, std::string_view where) {
  return record_missed_event(*g_watched.load(), event, args, where);
}

bool AuditHook::probe_is_live() {
  if (g_registration == nullptr) return false;
  g_registration->probe_seen = false;
  if (PySys_Audit(kProbeEvent, "(K)", g_registration->probe_nonce) < 0) PyErr_Clear();
  return g_registration->probe_seen;
}

}  // namespace vigil
