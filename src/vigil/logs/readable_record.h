// One line of text per record for people at a terminal. Every text that
// came from the logged program goes through terminal_safe first.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace vigil {

// The arguments of an event record as NAME=VALUE pairs (or INDEX=VALUE
// for an uncatalogued event), each value bounded.
std::string readable_args(simdjson::dom::object record, bool colour);

std::string readable_record(simdjson::dom::object record, bool colour);

}  // namespace vigil
