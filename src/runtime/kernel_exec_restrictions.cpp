#include "kernel_exec_restrictions.h"

#include "code_verifier.h"
#include "decision_record.h"
#include "python_internals.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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

namespace {

void write_start_alert(Recorder& recorder, const Rule& rule, std::string_view detail, std::uint64_t start_seq) {
  std::string members;
  JsonText json(members, true);
  append_alert_members(json, rule, "vigil.start", true, start_seq, detail);
  recorder.emit("alert", members, {"vigil.start", rule.id, static_cast<int>(rule.severity)});
}

// The interactive input the entry would run, if the kernel's bit forbids it.
std::string forbidden_interactive_input(const EntryPoint& entry) {
  if (entry.mode == "command") return "-c";
  if (entry.mode == "interactive") return "the interactive prompt";
  if (entry.inspect) return "-i or PYTHONINSPECT";
  if (entry.mode != "stdin") return {};
  // A program passed as a file on standard input is not interactive when
  // the kernel would execute that file (check_exec.rst).
  int error = 0;
  KernelAnswer answer = kernel_execution_check(STDIN_FILENO, error);
  if (answer == KernelAnswer::allowed) return {};
  return std::string("standard input (the kernel's check: ") +
         (answer == KernelAnswer::denied ? std::strerror(error) : to_string(answer)) + ")";
}

// The kernel's answer for one file, or nullopt when it cannot be opened.
std::optional<ExecCheck> check_path(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  ExecCheck check = check_code_file_execution(fd, path, nullptr);
  close(fd);
  return check;
}

// Why the kernel would not let the standard library start, or "". The
// package's source or its cached bytecode may serve (importlib takes the
// .pyc without opening the source).
std::string unexecutable_standard_library(const std::vector<std::string>& search_paths) {
  static const std::string cache_tag = "cpython-" + std::to_string(PY_MAJOR_VERSION) + std::to_string(PY_MINOR_VERSION);
  for (const std::string& directory : search_paths) {
    auto source = check_path(directory + "/encodings/__init__.py");
    if (!source) continue;
    if (!source->refused()) return {};
    auto bytecode = check_path(directory + "/encodings/__pycache__/__init__." + cache_tag + ".pyc");
    if (bytecode && !bytecode->refused()) return {};
    return source->path + ": " + source->reason();
  }
  return {};
}

}  // namespace

std::vector<std::string> standard_library_search(bool use_environment) {
  auto variable = [use_environment](const char* name) {
    const char* value = use_environment ? std::getenv(name) : nullptr;
    return std::string_view(value != nullptr ? value : "");
  };
  std::string_view pythonpath = variable("PYTHONPATH");
  std::string_view home = variable("PYTHONHOME");
  std::vector<std::string> directories;
  while (!pythonpath.empty()) {
    std::string_view directory = pythonpath.substr(0, pythonpath.find(':'));
    if (!directory.empty()) directories.emplace_back(directory);
    pythonpath.remove_prefix(std::min(pythonpath.size(), directory.size() + 1));
  }
  if (home.empty()) {
    directories.emplace_back(VIGIL_PYTHON_STDLIB);
  } else {
    directories.push_back(std::string(home.substr(0, home.find(':'))) + "/lib/python" +
                          std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION));
  }
  return directories;
}

std::string refuse_start_under_securebits(const EntryPoint& entry, const std::vector<std::string>& search_paths,
                                          Recorder& recorder, std::uint64_t start_seq) {
  if (g_bits.deny_interactive) {
    std::string input = forbidden_interactive_input(entry);
    if (!input.empty()) {
      const Rule& rule = exec_deny_interactive_rule();
      write_start_alert(recorder, rule, input, start_seq);
      return "the kernel's securebit SECBIT_EXEC_DENY_INTERACTIVE is set, so " + input +
             " may not run; give the program as an executable file (rule " + rule.id + ")";
    }
  }
  if (g_bits.restrict_file) {
    std::string problem = unexecutable_standard_library(search_paths);
    if (!problem.empty()) {
      const Rule& rule = exec_restrict_file_rule();
      write_start_alert(recorder, rule, problem, start_seq);
      return "the kernel's securebit SECBIT_EXEC_RESTRICT_FILE is set and the kernel would not execute the "
             "standard library (" + problem + "); every code file must be executable, see "
             "docs/trust.md (rule " + rule.id + ")";
    }
  }
  return {};
}

void keep_interactive_input_closed() {
  if (g_bits.deny_interactive) vigil_ignore_environment_from_now_on();
}

}  // namespace vigil
