// Shell-style wildcard matching (* ? [set] [!set] and \ escapes) over any
// bytes, with no allocation. `*` also matches `/`, so "/tmp/*" covers a
// whole tree.
#pragma once

#include <string_view>

namespace vigil {

bool glob_match(std::string_view pattern, std::string_view text);

bool has_glob_characters(std::string_view pattern);

}  // namespace vigil
