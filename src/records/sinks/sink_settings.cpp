#include "sinks/sink_settings.h"

#include "glob.h"

#include <algorithm>

namespace vigil {

bool SinkSettings::accepts(const Record& record) const {
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), record.kind()) == kinds.end()) return false;
  if (record.kind() == "event" && !events.empty()) {
    std::string_view event = record.tags().event;
    return std::any_of(events.begin(), events.end(), [&](const std::string& pattern) { return glob_match(pattern, event); });
  }
  if (record.kind() == "alert") return record.tags().severity >= min_severity;
  return true;
}

}  // namespace vigil
