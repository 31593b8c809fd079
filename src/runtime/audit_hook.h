// The native audit hook: the one piece of global state in Vigil. It is
// registered with PySys_AddAuditHook before the interpreter starts, turns
// every audit event into an `event` record, and never runs Python code.
#pragma once

#include "policy_engine.h"
#include "recorder.h"
#include "value_renderer.h"

namespace vigil {

class AuditHook {
 public:
  // Registers the hook and the fork handlers. Before Py_InitializeFromConfig.
  static bool install(Recorder& recorder, PolicyEngine& engine, const RenderLimits& limits);
  // After initialisation: raises a private event with a random nonce and
  // reports whether the hook received it, proving it is still on the
  // runtime's hook list.
  static bool probe_is_live();
};

// The event record's members, as the hook writes them, for an event name
// already cut to its bound (256 bytes). Exposed for tests.
void append_event_members(JsonText& json, std::string_view event, PyObject* args, pid_t tid,
                          const RenderLimits& limits);

inline constexpr const char* kProbeEvent = "vigil.probe";

// Set by the open-code hook around the `open` event it raises, so that
// event also meets the rules on vigil.open_code.
class OpeningCode {
 public:
  OpeningCode();
  ~OpeningCode();
  OpeningCode(const OpeningCode&) = delete;
  OpeningCode& operator=(const OpeningCode&) = delete;
};

}  // namespace vigil
