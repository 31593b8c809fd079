// What leads an import to Vigil's hooks, compared with what it was once the
// interpreter had initialised: builtins.__import__, io.open_code and
// _io.open_code, the _io module importlib._bootstrap_external reads code
// through, sys.meta_path, sys.path_hooks and the finders cached in
// sys.path_importer_cache. CPython raises no event when any of them is
// replaced, and a replacement can load code that never reaches the
// open-code hook. Compared at imports, code opens, compiles and execs, with
// the GIL held, without running Python code: identities, dict version tags
// and lookups by exact str in dicts whose keys are all exact str.
#pragma once

#include "python_compat.h"
#include "recorder.h"

#include <cstdint>
#include <string_view>

namespace vigil {

class ImportPlumbing {
 public:
  // After initialisation. False when something to compare is missing.
  static bool snapshot();
  // Alerts (vigil.import_plumbing) once for each change found since the
  // last call; `seq_ref`: the record of the event it is checked at.
  static void check(Recorder& recorder, std::string_view event, std::uint64_t seq_ref);
};

}  // namespace vigil
