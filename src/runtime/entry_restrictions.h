// [entry] applied before the interpreter starts: the routes into Python a
// policy closes are refused here and configured out through PyConfig, not
// left to audit events that some routes never raise (-i, PYTHONINSPECT set
// while the program runs, see docs/policy.md).
#pragma once

#include "policy_engine.h"
#include "python_compat.h"
#include "recorder.h"
#include "start_info.h"

#include <string>

namespace vigil {

// The [entry] rule that refuses `entry` under an enforcing `policy`, if
// any: the route (-c that is not a bootstrap command, -m, stdin, the REPL)
// or, after a program, the REPL of -i.
const Rule* refused_entry(const Policy& policy, const EntryPoint& entry);

// Writes the alerts for what the policy restricts about this start and, in
// enforce mode, applies the restrictions to `config`. Returns the reason
// to refuse to start, or an empty string.
std::string apply_entry_restrictions(const PolicyEngine& engine, const EntryPoint& entry, PyConfig& config,
                                     Recorder& recorder, std::uint64_t start_seq);

// After initialisation: the running interpreter stops reading PYTHON*
// variables (PYTHONINSPECT is read again when the program ends), when the
// policy forbids the REPL.
void restrict_running_interpreter(const PolicyEngine& engine);

// The alert of rule `rule_id` refusing the whole run at start, with what
// was found (`detail`) and what to run (`hint`).
void report_start_refusal(const PolicyEngine& engine, std::string_view rule_id, std::string_view detail,
                          std::string_view hint, Recorder& recorder, std::uint64_t start_seq);

// Alerts that the locked system policy ignored VIGIL_POLICY or VIGIL_LOG.
void report_ignored_overrides(const PolicyIdentity& policy, Recorder& recorder, std::uint64_t start_seq);

}  // namespace vigil
