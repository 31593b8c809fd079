// The record in Elastic Common Schema and OCSF. The field map is in
// docs/formats.md; every native member also travels unchanged under
// `vigil` (ECS) or `unmapped` (OCSF), so nothing is lost in translation.
#pragma once

#include "sinks/record.h"

#include <string>

namespace vigil {

// One JSON object, without a newline. The native line is parsed to build
// it, so a converting sink costs a parse per record; a line that does not
// parse (which the recorder never writes) is carried as a string.
std::string convert_record(RecordFormat format, const Record& record);

}  // namespace vigil
