// A guard in front of toml++ 3.3, the version Debian 12 ships. Asked
// whether some non-ASCII characters are whitespace (U+00A1..U+0499 and
// U+FB26..U+FEFE among them), it reaches __builtin_unreachable(): undefined
// behaviour on a policy anyone can hand to `vigil policy check` or set in
// VIGIL_POLICY (its issues #190 and #295; docs/policy.md). It asks
// only where TOML allows no such character at all, outside strings and
// comments, and in a multi-line basic string right after a backslash, where
// the character can be written as an escape instead.
#pragma once

#include "policy_loader.h"

#include <optional>
#include <string_view>

namespace vigil {

// The first character toml++ must not be asked about, as an error at its
// line and column; nullopt when there is none.
std::optional<Diagnostic> find_character_toml_cannot_read(std::string_view text);

}  // namespace vigil
