// Alerts that Vigil raises itself, under every policy: they report
// tampering with Vigil's own hooks, with the plumbing that leads imports to
// them, and with its log, which no policy may choose to leave unsaid. Their
// rule ids start with "vigil." like vigil.log_interference.
#pragma once

#include "recorder.h"

#include <cstdint>
#include <array>
#include <string_view>

namespace vigil {

struct IntegrityRule {
  std::string_view id;
  std::string_view severity;
  std::array<std::string_view, 2> attack;  // empty ones are left out
};

// The runtime's list of audit hooks no longer calls Vigil's hook.
inline constexpr IntegrityRule kHookUnlinked{"vigil.hook_unlinked", "critical", {"T1562.001"}};
// ctypes reads or writes memory in the runtime's or the main interpreter's
// state, where the hook lists are.
inline constexpr IntegrityRule kHookStateMemory{"vigil.hook_state_memory", "high", {"T1562.001", ""}};
// builtins.__import__, io.open_code or the io module importlib reads code
// through was replaced.
inline constexpr IntegrityRule kImportPlumbing{"vigil.import_plumbing", "high", {"T1562.001", "T1574"}};
// A finder that is not one of CPython's joined sys.meta_path,
// sys.path_hooks or sys.path_importer_cache: low, as pytest, six and
// setuptools add their own.
inline constexpr IntegrityRule kImportFinders{"vigil.import_finders", "low", {"T1574", ""}};
// The process opened its own log file: high for writing or mmap.
inline constexpr IntegrityRule kOwnLogWrite{"vigil.own_log_opened", "high", {"T1070", "T1562.001"}};
inline constexpr IntegrityRule kOwnLogRead{"vigil.own_log_opened", "medium", {"T1070"}};

// Writes the alert; `seq_ref`: the record it is about, 0 for none.
void emit_integrity_alert(Recorder& recorder, const IntegrityRule& rule, std::string_view event,
                          std::string_view message, std::uint64_t seq_ref);

}  // namespace vigil
