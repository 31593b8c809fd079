// Argument names of the catalogued audit events, so records carry named
// fields ("path", "mode") instead of positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace vigil {

struct EventSignature {
  std::string_view name;
  std::vector<std::string_view> fields;
  // Bit i: fields[i] is recorded once per change (docs/records.md, "Values
  // recorded once per change"): a value that repeats verbatim from event
  // to event, written in full when it changes and referred to afterwards.
  std::uint64_t recorded_once_per_change = 0;

  bool is_recorded_once_per_change(std::size_t field) const {
    return field < 64 && (recorded_once_per_change >> field & 1U) != 0;
  }
  // The index of `field`, or fields.size() when there is none.
  std::size_t field_index(std::string_view field) const;
};

// Null for events outside the catalogue (third-party sys.audit names).
const EventSignature* find_event_signature(std::string_view event);

// Every catalogued event, for tools that check names (vigil policy check).
const std::vector<EventSignature>& event_catalog();

// Whether the standard library's own Python code in `file` (relative to the
// standard library's directory) raises `event` through sys.audit, where the
// runtime raised it from C before: 3.13's REPL (_pyrepl) and the asyncio
// REPL raise builtins.input, builtins.input/result and the cpython.run_*
// events of an interactive session that way.
bool stdlib_raises_from_python(std::string_view event, std::string_view file);

// The files of stdlib_raises_from_python, relative to the standard
// library's directory.
std::span<const std::string_view> stdlib_files_raising_runtime_events();

}  // namespace vigil
