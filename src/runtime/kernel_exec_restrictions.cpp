#include "kernel_exec_restrictions.h"

#include "code_verifier.h"
#include "decision_record.h"
#include "python_internals.h"

#include <cstring>
#include <unistd.h>

namespace vigil {
namespace {

ExecSecurebits g_bits;

Rule kernel_rule(const char* id, const char* message) {
  Rule rule;
  rule.id = id;
  rule.action = Action::deny;
  rule.severity = Severity::high;
  rule.attack = {"T1059.006"};
  rule.message = message;
  return rule;
}

}  // namespace

bool read_kernel_exec_restrictions(SecurebitsFound& found, std::string& refusal) {
  std::string error;
  if (!read_exec_securebits(g_bits, error)) {
    found.error = error;
    // Before Linux 6.14 no process can carry the bits.
    if (!kernel_supports_execution_check()) return true;
    refusal = "the kernel's exec securebits cannot be read (" + error +
              "), so SECBIT_EXEC_RESTRICT_FILE and SECBIT_EXEC_DENY_INTERACTIVE cannot be honoured";
    return false;
  }
  found.found = g_bits.names();
  found.honoured = g_bits.honoured_names();
  return true;
}

const ExecSecurebits& kernel_exec_restrictions() { return g_bits; }

const Rule& exec_restrict_file_rule() {
  static const Rule rule = kernel_rule(
      "kernel.exec_restrict_file",
      "SECBIT_EXEC_RESTRICT_FILE is set and the kernel refuses to execute this code file (AT_EXECVE_CHECK)");
  return rule;
}

const Rule& exec_deny_interactive_rule() {
  static const Rule rule = kernel_rule("kernel.exec_deny_interactive",
                                       "SECBIT_EXEC_DENY_INTERACTIVE is set: interactive input is refused");
  return rule;
}

bool is_kernel_rule(const Rule& rule) {
  return &rule == &exec_restrict_file_rule() || &rule == &exec_deny_interactive_rule();
}

std::string ExecCheck::reason() const {
  if (!problem.empty()) return problem;
  switch (answer) {
    case KernelAnswer::allowed: return "allowed";
    case KernelAnswer::denied: return std::strerror(error);
    case KernelAnswer::unsupported: return "the kernel cannot check execution";
    case KernelAnswer::not_asked: break;
  }
  return "not asked";
}

ExecCheck check_code_file_execution(int fd, std::string path, const FileTrust* trust) {
  ExecCheck check;
  check.path = std::move(path);
  if (trust != nullptr && trust->kernel != KernelAnswer::not_asked) {
    check.answer = trust->kernel;
    check.error = trust->kernel_errno;
  } else {
    check.answer = kernel_execution_check(fd, check.error);
  }
  return check;
}

std::optional<ExecCheck> check_native_execution(std::string_view event, PyObject* args,
                                                const std::optional<FileTrust>& trust) {
  auto library = open_native_library(event, args);
  if (!library) return std::nullopt;
  ExecCheck check;
  check.path = library->path;
  if (library->fd < 0) {
    check.problem = library->problem;
    return check;
  }
  return check_code_file_execution(library->fd, std::move(check.path), trust ? &*trust : nullptr);
}

void append_exec_check_member(JsonText& json, const ExecCheck& check) {
  json.key("exec_check");
  json.begin_object();
  json.key("securebit");
  json.string(kRestrictFileBit);
  json.key("kernel");
  json.string(to_string(check.answer));
  if (check.answer == KernelAnswer::denied) {
    json.key("error");
    json.string(std::strerror(check.error));
  }
  if (!check.problem.empty()) {
    json.key("problem");
    json.string(check.problem);
  }
  json.end_object();
}

std::string refuse_interactive_input(const EntryPoint& entry, Recorder& recorder, std::uint64_t start_seq) {
  if (!g_bits.deny_interactive) return {};
  std::string input;
  if (entry.mode == "command") {
    input = "-c";
  } else if (entry.mode == "interactive") {
    input = "the interactive prompt";
  } else if (entry.inspect) {
    input = "-i or PYTHONINSPECT";
  } else if (entry.mode == "stdin") {
    // A program passed as a file on standard input is not interactive when
    // the kernel would execute that file (check_exec.rst).
    int error = 0;
    KernelAnswer answer = kernel_execution_check(STDIN_FILENO, error);
    if (answer != KernelAnswer::allowed) {
      input = std::string("standard input (the kernel's check: ") +
              (answer == KernelAnswer::denied ? std::strerror(error) : to_string(answer)) + ")";
    }
  }
  if (input.empty()) return {};
  const Rule& rule = exec_deny_interactive_rule();
  std::string members;
  JsonText json(members, true);
  append_alert_members(json, rule, "vigil.start", true, start_seq, input);
  recorder.emit("alert", members, {"vigil.start", rule.id, static_cast<int>(rule.severity)});
  return "the kernel's securebit SECBIT_EXEC_DENY_INTERACTIVE is set, so " + input +
         " may not run; give the program as an executable file (rule " + rule.id + ")";
}

void keep_interactive_input_closed() {
  if (g_bits.deny_interactive) vigil_ignore_environment_from_now_on();
}

}  // namespace vigil
