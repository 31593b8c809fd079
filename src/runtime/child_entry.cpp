#include "child_entry.h"

#include "audited_wrappers.h"
#include "bootstrap_command.h"
#include "child_refusals.h"
#include "entry_restrictions.h"
#include "event_views.h"
#include "policy_selection.h"
#include "value_renderer.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <unistd.h>

namespace vigil {
namespace {

constexpr std::string_view kPolicyVariable = "VIGIL_POLICY";

// How CPython's command line (Python/getopt.c) enters the interpreter;
// nullopt when it stops before running anything (--help, --version) or
// holds an option this reading does not know.
std::optional<EntryPoint> entry_of_arguments(const std::vector<std::string>& argv, bool stdin_is_terminal) {
  EntryPoint entry;
  entry.mode = stdin_is_terminal ? "interactive" : "stdin";
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& argument = argv[i];
    if (argument == "--") {
      if (i + 1 < argv.size()) entry = {"file", argv[i + 1], entry.inspect, {}};
      return entry;
    }
    if (argument == "-") return entry;
    if (argument.size() < 2 || argument[0] != '-') {
      entry.mode = "file";
      entry.target = argument;
      return entry;
    }
    if (argument.starts_with("--")) {
      if (argument != "--check-hash-based-pycs") return std::nullopt;
      ++i;
      continue;
    }
    for (std::size_t j = 1; j < argument.size(); ++j) {
      char option = argument[j];
      if (option == 'c' || option == 'm' || option == 'W' || option == 'X') {
        std::string value = argument.substr(j + 1);
        if (value.empty()) {
          if (++i >= argv.size()) return std::nullopt;
          value = argv[i];
        }
        if (option == 'c' || option == 'm') {
          entry.mode = option == 'c' ? "command" : "module";
          entry.target = value;
          return entry;
        }
        break;
      }
      if (option == 'i') {
        entry.inspect = true;
      } else if (std::string_view("bBdEIOPqRsStuvx").find(option) == std::string_view::npos) {
        return std::nullopt;
      }
    }
  }
  return entry;
}

// A variable of the environment `env` (an event's env argument: None for
// this process's own, a list of "NAME=value" or a dict); nullopt when it is
// absent, and `known` false when the environment cannot be read without
// running Python code.
std::optional<std::string> variable_of(PyObject* env, std::string_view name, bool& known) {
  known = true;
  if (env == nullptr || env == Py_None) {
    const char* value = std::getenv(std::string(name).c_str());
    return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
  }
  // Only exact str and bytes are read: anything else could run Python code.
  auto text = [](PyObject* object) -> std::optional<std::string> {
    if (PyUnicode_CheckExact(object)) return raw_bytes_of_str(object, SIZE_MAX);
    if (PyBytes_CheckExact(object)) return std::string(compat::bytes_view(object));
    return std::nullopt;
  };
  if (PyList_CheckExact(env) || PyTuple_CheckExact(env)) {
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(env); ++i) {
      auto entry = text(PySequence_Fast_GET_ITEM(env, i));
      if (entry && entry->size() > name.size() && entry->starts_with(name) && (*entry)[name.size()] == '=') {
        return entry->substr(name.size() + 1);
      }
    }
    return std::nullopt;
  }
  if (PyDict_CheckExact(env)) {
    Py_ssize_t position = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    while (PyDict_Next(env, &position, &key, &value)) {
      if (text(key) == std::optional<std::string>(std::string(name))) return text(value);
    }
    return std::nullopt;
  }
  known = false;
  return std::nullopt;
}

// Whether the child will select this very policy: the locked system policy
// binds every process; otherwise the child's VIGIL_POLICY must name the
// same file by the same absolute path.
bool child_gets_this_policy(const Policy& policy, std::string_view event, PyObject* args) {
  if (policy.locked && policy.source == system_policy_path()) return true;
  if (!policy.source.starts_with('/')) return false;
  Py_ssize_t env_at = event == "os.spawn" ? 3 : 2;
  PyObject* env = PyTuple_GET_SIZE(args) > env_at ? PyTuple_GET_ITEM(args, env_at) : nullptr;
  bool known = false;
  auto chosen = variable_of(env, kPolicyVariable, known);
  return known && chosen == std::optional<std::string>(policy.source);
}

bool child_stdin_is_terminal() {
  int fd = current_child_stdio().fds[0];
  if (fd == ChildStdio::kNotSocket) return false;
  return isatty(fd == ChildStdio::kInherited ? STDIN_FILENO : fd) == 1;
}

std::string described(const EntryPoint& entry) {
  constexpr std::size_t kShown = 60;
  std::string target = entry.target.size() > kShown ? entry.target.substr(0, kShown) + "…" : entry.target;
  if (entry.mode == "command") return "-c " + target;
  if (entry.mode == "module") return "-m " + target;
  if (entry.mode == "file") return target + " and -i";
  return "no program, reading " + entry.mode + " input";
}

}  // namespace

const Rule* refused_child(const PolicyEngine& engine, std::string_view event, PyObject* args, std::string& detail) {
  if (event == "os.system" || event == "pty.spawn") return nullptr;
  auto started = started_program(event, args);
  if (!started || started->cut || !is_this_executable(started->path)) return nullptr;
  if (const Rule* rule = refused_too_often(detail)) return rule;
  const Policy& policy = engine.policy();
  if (!child_gets_this_policy(policy, event, args)) return nullptr;
  auto entry = entry_of_arguments(started->argv, child_stdin_is_terminal());
  if (!entry) return nullptr;
  if (entry->mode == "command" && policy.entry.multiprocessing) {
    entry->bootstrap = multiprocessing_bootstrap(entry->target).value_or("");
  }
  const Rule* rule = refused_entry(policy, *entry);
  if (rule != nullptr) detail = "the vigil-python this starts (" + described(*entry) + ") would be refused at start";
  return rule;
}

}  // namespace vigil
