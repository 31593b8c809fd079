// Shell-style wildcard matching (* ? [set] [!set] and \ escapes) over any
// bytes, with no allocation. `*` also matches `/`, so "/tmp/*" covers a
// whole tree.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

bool glob_match(std::string_view pattern, std::string_view text);

bool has_glob_characters(std::string_view pattern);

// The same pattern as an RE2 expression over bytes (to compile with
// Latin-1 encoding and `.` matching newlines), unanchored: for matching a
// list of globs with one automaton. Every literal byte is written \xHH.
std::string glob_to_regex(std::string_view pattern);

// Empty when `pattern` is well formed; otherwise why not: a `[` whose set
// is never closed (glob_match would take it for a literal `[`), a set
// range that runs backwards, or a lone `\` at the end. Policies and
// `vigil log` refuse such patterns rather than guess what was meant.
std::string glob_problem(std::string_view pattern);

}  // namespace vigil
