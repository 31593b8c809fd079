// What an event record is about, in a few words: the address it reached,
// the file it touched, the command it started, the code it ran. The report
// groups activity by these; summaries and `because` chains show them.
// The texts are as logged, not yet made safe: callers bound them.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace vigil {

// An argv-like array member as one command line; anything else as its text.
std::string command_of(simdjson::dom::object args, std::string_view key);

// host:port, [v6]:port, a unix socket's path, a URL; empty for events
// that name no destination.
std::string network_target(std::string_view event, simdjson::dom::object args);

// The path, or "SOURCE → DESTINATION" for copies, renames and links.
std::string file_target(std::string_view event, simdjson::dom::object args);

// The command line, "(fork)", or "signal N to PID".
std::string command_target(std::string_view event, simdjson::dom::object args);

// The main argument of any event record, terminal-safe and at most `width`
// bytes: its target for network, file and process events, the source text
// or file name of code, otherwise its arguments as NAME=VALUE pairs.
std::string event_argument(simdjson::dom::object record, std::size_t width = 120);

}  // namespace vigil
