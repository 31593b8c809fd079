#include "policy_selection.h"

#include "default_policy.h"
#include "default_policy_image.h"
#include "strict_policy_image.h"
#include "watch_policy_image.h"
#include "file_io.h"
#include "policy_image.h"
#include "policy_loader.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vigil {
namespace {

// A policy is a few KiB (default.toml is 10); a key is bytes. The bound
// keeps a file like /dev/zero's contents, or a huge one, out of memory.
constexpr std::size_t kMaxPolicyBytes = 1u << 20;

// The whole regular file, read from one descriptor opened with `flags`
// and without blocking; `status` describes that descriptor, so what is
// checked is what was read. errno is ENOENT when there is no such file.
std::optional<std::string> read_from_one_descriptor(const char* path, int flags, struct stat& status,
                                                    std::string& error, const char* what = "policy") {
  std::string problem;
  int fd = open_regular_file(path, flags, problem);
  if (fd < 0) {
    int open_errno = errno;
    error = std::string("cannot read ") + what + " " + problem;
    errno = open_errno;  // ENOENT: there is none
    return std::nullopt;
  }
  std::string text;
  bool complete = fstat(fd, &status) == 0 && read_up_to(fd, kMaxPolicyBytes, text, problem);
  close(fd);
  if (!complete) {
    error = std::string("cannot read ") + what + " " + path + ": " + problem;
    errno = EIO;
    return std::nullopt;
  }
  return text;
}

std::optional<Policy> load_text(const std::string& text, const std::string& source, std::string& error) {
  LoadResult result = load_policy(text, source);
  if (result.policy) return std::move(result.policy);
  for (const Diagnostic& diagnostic : result.diagnostics) {
    if (diagnostic.level != Diagnostic::Level::error) continue;
    if (!error.empty()) error += "\n";
    error += format_diagnostic(diagnostic, source);
  }
  return std::nullopt;
}

std::string insecure(const std::string& path, const struct stat& status) {
  if (status.st_uid != 0) return path + " is owned by uid " + std::to_string(status.st_uid) + ", not root";
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) return path + " is writable by its group or by others";
  return {};
}

// Empty when the file `status` describes may stand for root: a regular
// file only root may write, in directories only root may write.
std::string root_only_file_problem(const std::string& path, const struct stat& status) {
  std::string problem = S_ISREG(status.st_mode) ? insecure(path, status) : path + " is not a file";
  return problem.empty() ? root_only_writable_problem(path) : problem;
}

// The system policy. nullopt with empty error: there is none.
std::optional<Policy> read_system_policy(bool& locked, std::string& error) {
  const char* path = system_policy_path();
  struct stat status {};
  auto text = read_from_one_descriptor(path, O_NOFOLLOW, status, error);
  if (!text) {
    if (errno == ENOENT) error.clear();
    return std::nullopt;
  }
  auto policy = load_text(*text, path, error);
  if (!policy) return std::nullopt;
  locked = policy->locked;
  if (locked) {
    std::string problem = root_only_file_problem(path, status);
    if (!problem.empty()) {
      error = "the locked system policy cannot be trusted: " + problem;
      return std::nullopt;
    }
  }
  return policy;
}

const char* non_empty_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

}  // namespace

const char* system_policy_path() { return kSystemPolicyPath; }

namespace {

constexpr BuiltinPolicy kBuiltinPolicies[] = {
    {"default", kDefaultPolicyImage, "nothing: it denies nothing and only records and alerts"},
    {"strict", kStrictPolicyImage,
     "everything its trust database (/etc/vigil/trust.d, built with `vigil trust build`) does not vouch for, and "
     "code generated from text that no verified file holds; -c, stdin programs and the REPL; .pth files, "
     "sitecustomize, PYTHONSTARTUP and PYTHON* variables; the user's site-packages and bytecode writing; ctypes, "
     "SQLite extension loading, Tcl (_tkinter), CPython's test modules, sub-interpreters, late audit hooks, "
     "/proc/*/mem and remote debugging"},
    {"watch", kWatchPolicyImage,
     "nothing: strict in audit mode; its alerts (\"enforced\": false) are what strict would deny"},
};

}  // namespace

std::span<const BuiltinPolicy> builtin_policies() { return kBuiltinPolicies; }

const BuiltinPolicy* find_builtin_policy(std::string_view name) {
  for (const BuiltinPolicy& builtin : kBuiltinPolicies) {
    if (builtin.name == name) return &builtin;
  }
  return nullptr;
}

Policy decode_builtin_policy(const BuiltinPolicy& builtin) {
  // Loaded (and hashed) when Vigil was built.
  auto policy = decode_policy_image(builtin.image);
  // The image comes from this very build; it cannot fail here.
  if (!policy) std::abort();
  return std::move(*policy);
}

Policy builtin_default_policy() { return decode_builtin_policy(kBuiltinPolicies[0]); }

std::optional<std::string> read_policy_text(const std::string& path, std::string& error) {
  struct stat status {};
  return read_from_one_descriptor(path.c_str(), 0, status, error);
}

std::optional<std::string> read_root_only_key(const std::string& path, std::string& error) {
  struct stat status {};
  auto key = read_from_one_descriptor(path.c_str(), O_NOFOLLOW, status, error, "log key");
  if (!key) return std::nullopt;
  std::string problem = root_only_file_problem(path, status);
  if (problem.empty() && (status.st_mode & (S_IRGRP | S_IROTH)) != 0) {
    problem = path + " is readable by its group or by others";
  }
  if (problem.empty() && key->empty()) problem = path + " is empty";
  if (!problem.empty()) {
    error = "the log key cannot be used: " + problem;
    return std::nullopt;
  }
  return key;
}

std::optional<Policy> read_policy(const std::string& path, std::string& error) {
  if (const BuiltinPolicy* builtin = find_builtin_policy(path)) return decode_builtin_policy(*builtin);
  auto text = read_policy_text(path, error);
  if (!text) return std::nullopt;
  return load_text(*text, path, error);
}

std::string root_only_writable_problem(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) == nullptr) return path + ": " + std::strerror(errno);
  std::string current = resolved;
  for (;;) {
    struct stat status {};
    if (lstat(current.c_str(), &status) != 0) return current + ": " + std::strerror(errno);
    std::string problem = insecure(current, status);
    if (!problem.empty()) return problem;
    if (current == "/") return {};
    auto slash = current.rfind('/');
    current = slash == 0 ? "/" : current.substr(0, slash);
  }
}

std::optional<PolicySelection> select_policy(std::string& error) {
  bool locked = false;
  auto system = read_system_policy(locked, error);
  if (!system && !error.empty()) return std::nullopt;
  const char* chosen_policy = non_empty_env("VIGIL_POLICY");
  const char* chosen_log = non_empty_env("VIGIL_LOG");
  PolicySelection selection;
  if (system && locked) {
    selection.locked = true;
    if (chosen_policy != nullptr) selection.ignored_overrides.emplace_back("VIGIL_POLICY");
    if (chosen_log != nullptr) selection.ignored_overrides.emplace_back("VIGIL_LOG");
    selection.policy = std::move(*system);
    selection.log_path = selection.policy.log_path.value_or("");
    return selection;
  }
  if (chosen_policy != nullptr) {
    auto policy = read_policy(chosen_policy, error);
    if (!policy) return std::nullopt;
    selection.policy = std::move(*policy);
  } else {
    selection.policy = system ? std::move(*system) : builtin_default_policy();
  }
  selection.log_path = chosen_log != nullptr ? chosen_log : selection.policy.log_path.value_or("");
  return selection;
}

}  // namespace vigil
