#include "sinks/record.h"

#include "sinks/record_formats.h"

#include <algorithm>

namespace vigil {

const char* to_string(RecordFormat format) {
  switch (format) {
    case RecordFormat::native: return "native";
    case RecordFormat::ecs: return "ecs";
    case RecordFormat::ocsf: return "ocsf";
  }
  return "native";
}

std::optional<RecordFormat> record_format_named(std::string_view name) {
  for (RecordFormat format : {RecordFormat::native, RecordFormat::ecs, RecordFormat::ocsf}) {
    if (name == to_string(format)) return format;
  }
  return std::nullopt;
}

int severity_rank(std::string_view name) {
  auto found = std::find(kSeverityNames.begin(), kSeverityNames.end(), name);
  return found == kSeverityNames.end() ? -1 : static_cast<int>(found - kSeverityNames.begin());
}

std::string_view Record::timestamp() const {
  // Every line begins {"ts":"<27 characters>".
  constexpr std::size_t kStart = 7;
  constexpr std::size_t kLength = 27;
  return line_.size() > kStart + kLength ? line_.substr(kStart, kLength) : std::string_view{};
}

std::string_view Record::text(RecordFormat format) const {
  if (format == RecordFormat::native) return line();
  auto& converted = converted_[static_cast<std::size_t>(format)];
  if (!converted) converted = convert_record(format, *this);
  return *converted;
}

}  // namespace vigil
