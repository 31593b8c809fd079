// One line of text per record for people at a terminal. Every text that
// came from the logged program is made safe to print first: control
// characters, C1 controls and bidirectional overrides are written as
// escapes, so a record cannot move the cursor, retitle the terminal or
// reorder what the analyst reads.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace vigil {

// `text` with everything that could act on a terminal written as an escape.
std::string terminal_safe(std::string_view text);

std::string readable_record(simdjson::dom::object record, bool colour);

}  // namespace vigil
