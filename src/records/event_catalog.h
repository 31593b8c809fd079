// Argument names of the catalogued audit events, so records carry named
// fields ("path", "mode") instead of positions.
#pragma once

#include <string_view>
#include <vector>

namespace vigil {

struct EventSignature {
  std::string_view name;
  std::vector<std::string_view> fields;
};

// Null for events outside the catalogue (third-party sys.audit names).
const EventSignature* find_event_signature(std::string_view event);

// Every catalogued event, for tools that check names (vigil policy check).
const std::vector<EventSignature>& event_catalog();

}  // namespace vigil
