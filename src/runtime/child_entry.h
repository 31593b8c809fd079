// A child that the policy will refuse, refused in the parent instead
// (docs/policy.md, "Children"). When a process starts vigil-python itself
// (this very executable, however it is named) under the same policy, with
// an entry that policy forbids, the child would start, write its refusal
// and exit 78, and a parent that starts another in its place (a
// multiprocessing pool) would loop for ever. The parent's start fails
// instead with the entry rule's PermissionError, which the program sees.
#pragma once

#include "policy_engine.h"
#include "python_compat.h"

#include <string>
#include <string_view>

namespace vigil {

// The [entry] rule that will refuse the child this process-starting event
// runs, and in `detail` which child; null when the event starts something
// else, under another or an unknown policy, or an entry that is allowed.
// Also vigil.refused_children, for any vigil-python child, once the
// children this process started kept being refused (child_refusals.h).
const Rule* refused_child(const PolicyEngine& engine, std::string_view event, PyObject* args, std::string& detail);

}  // namespace vigil
