// Reads a policy file: TOML in, a checked Policy out, with every problem
// reported at its line and column. Unknown keys are errors: a misspelt
// key in a security policy must not silently weaken it.
#pragma once

#include "policy.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct Diagnostic {
  enum class Level { error, warning };
  Level level = Level::error;
  int line = 0;
  int column = 0;
  std::string message;
};

struct LoadResult {
  std::optional<Policy> policy;  // set when there is no error
  std::vector<Diagnostic> diagnostics;
};

// `source` names the file in diagnostics and in Policy::source. `sha256`
// of `text`, when the caller already knows it; otherwise it is computed.
LoadResult load_policy(std::string_view text, const std::string& source, std::string_view sha256 = {});

// The rules [trust] implies (trust.code, and trust.native and
// trust.provenance unless turned off); they name no event.
std::vector<Rule> rules_of_trust(const TrustSettings& trust);

// "source:line:column: error: message"
std::string format_diagnostic(const Diagnostic& diagnostic, const std::string& source);

}  // namespace vigil
