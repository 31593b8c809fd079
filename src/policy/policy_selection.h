// Which policy governs this process: the locked system policy, a policy
// named by VIGIL_POLICY (`vigil run --policy`), the unlocked system policy
// or the built-in default, in that order of precedence.
#pragma once

#include "policy.h"

#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

namespace vigil {

struct PolicySelection {
  Policy policy;
  // The policy in force is the system policy and it is locked.
  bool locked = false;
  // Environment variables a locked policy ignored ("VIGIL_POLICY", "VIGIL_LOG").
  std::vector<std::string> ignored_overrides;
  // Where records go: VIGIL_LOG, else the policy's log.path; empty for the
  // user's default log.
  std::string log_path;
};

// Empty optional and `error` set when the policy cannot be used: a file
// that does not load, or a locked system policy others could have written.
std::optional<PolicySelection> select_policy(std::string& error);

// Reads and loads a policy file, or the built-in policy of that name
// ("default", "strict", "watch"). `error` holds every diagnostic when it
// does not load.
std::optional<Policy> read_policy(const std::string& path, std::string& error);

// The policies built into Vigil, loaded when it was built (policy_image.h).
struct BuiltinPolicy {
  std::string_view name;
  std::string_view image;
  // What a program run under it loses (docs/policy.md).
  std::string_view breaks;
};
std::span<const BuiltinPolicy> builtin_policies();
// The built-in policy of that name, or null: a name, not a path.
const BuiltinPolicy* find_builtin_policy(std::string_view name);
Policy decode_builtin_policy(const BuiltinPolicy& builtin);

Policy builtin_default_policy();

// A policy file's bytes; empty optional and `error` set when unreadable.
std::optional<std::string> read_policy_text(const std::string& path, std::string& error);

// Empty when `path` and every directory above it belong to root and only
// root may write them; otherwise says which one does not.
std::string root_only_writable_problem(const std::string& path);

// The bytes of a key file that must belong to root, be readable and
// writable by root alone, and sit in directories only root may write.
// Empty optional and `error` set otherwise.
std::optional<std::string> read_root_only_key(const std::string& path, std::string& error);

// The system policy's path, chosen at build time.
const char* system_policy_path();

}  // namespace vigil
