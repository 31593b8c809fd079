// Where records go and which policy applies, decided before Python starts.
#pragma once

#include "start_info.h"

#include <optional>
#include <string>
#include <sys/types.h>

namespace vigil {

struct Settings {
  std::string log_path;
  PolicyIdentity policy;
};

// VIGIL_LOG chooses the log file (vigil run --log sets it; children inherit
// it). Without it: the system log directory for root, the XDG state
// directory otherwise. VIGIL_POLICY may name only the built-in default until
// policy files land. Empty optional and `error` set when neither works.
std::optional<Settings> resolve_settings(std::string& error);

// The log file used when VIGIL_LOG is not set.
std::string default_log_path(uid_t uid);

// The built-in policy's identity (name and SHA-256 of its text).
PolicyIdentity builtin_policy_identity();

}  // namespace vigil
