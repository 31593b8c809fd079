// The record in Elastic Common Schema and OCSF. The field map is in
// docs/formats.md; every native member also travels unchanged under
// `vigil` (ECS) or `unmapped` (OCSF), so nothing is lost in translation.
#pragma once

#include "sinks/record.h"

#include <string>

namespace vigil {

// One JSON object, without a newline, written in one pass over the native
// line: the mapped values are copied from it as written. A line that is not
// one JSON object (which the recorder never writes) is carried as a string.
std::string convert_record(RecordFormat format, const Record& record);

}  // namespace vigil
