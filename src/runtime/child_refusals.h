// Refused children, tallied for their parent (docs/operation.md, "A refused
// child never makes its parent loop"). A multiprocessing pool replaces a
// worker that dies as it starts, for ever; a worker that the policy
// refuses for a reason the parent cannot foresee (a file it alone imports
// is not trusted) would make the pool start refused workers without end.
// Each vigil-python child of a vigil-python parent says at exit, in a
// small file beside the log, whether a refusal ended its run; the parent
// reads it before it starts another vigil-python, and after
// kMaxRefusedInARow refused children in a row refuses to start more (rule
// vigil.refused_children), so the program gets a PermissionError.
#pragma once

#include "policy.h"

#include <string>
#include <string_view>

namespace vigil {

inline constexpr unsigned kMaxRefusedInARow = 10;

// Whether `path` is the file this process runs (vigil-python, by any name
// or link).
bool is_this_executable(const std::string& path);

// Where this process's tallies live: the directory of its log.
void set_tally_directory(std::string directory);

// At exit: when the parent is vigil-python too, appends whether a refusal
// ended this run (`why` says which) to the parent's tally.
void tally_for_parent(bool refused, std::string_view why);

// Before this process starts another vigil-python: the rule that refuses
// it when the last kMaxRefusedInARow children it started were all refused,
// with `detail` saying by what; null otherwise.
const Rule* refused_too_often(std::string& detail);

// At this process's exit: its own tally goes.
void forget_own_tally();

}  // namespace vigil
