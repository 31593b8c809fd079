// The native audit hook: the one piece of global state in Vigil. It is
// registered with PySys_AddAuditHook before the interpreter starts, turns
// every audit event into an `event` record, and never runs Python code.
#pragma once

#include "file_trust.h"
#include "policy_engine.h"
#include "recorder.h"
#include "value_renderer.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

class CodeVerifier;

class AuditHook {
 public:
  // Registers the hook and the fork handlers. Before Py_InitializeFromConfig.
  // `verifier`: null when the policy verifies nothing.
  static bool install(Recorder& recorder, PolicyEngine& engine, CodeVerifier* verifier, const RenderLimits& limits);
  // The registered verifier, for the open-code hook and the script reader.
  static CodeVerifier* verifier();
  // The message of the last PermissionError (or other refusal) the hook
  // raised, "vigil: … (rule ID); see `…`"; empty when it raised none.
  static const std::string& last_denial();
  // The first since start-up: what a run that a refusal ended was refused
  // by.
  static const std::string& first_denial();
  // After initialisation: what site skipped (.pth files, sitecustomize)
  // ends no run.
  static void forget_start_up_denials();
  // The reason the stop record gives.
  static void set_stop_reason(std::string reason);
  // After initialisation: raises a private event with a random nonce and
  // reports whether the hook received it, proving it is still on the
  // runtime's hook list.
  static bool probe_is_live();
  // After the probe: puts a sentinel on the interpreter's list of
  // Python-level hooks (it records what the hook misses and alerts) and
  // starts the checks below. False when it could not.
  static bool watch_liveness();
  // Alerts (vigil.hook_unlinked) when Vigil's hook is no longer on the
  // runtime's list. Reads pointers only: any thread, GIL or not, e.g. the
  // heartbeat and the exit handler. `where` ends up in the message.
  static void check_liveness(const char* where);
};

// Whether Vigil's hook received an event raised since construction on this
// thread: the wrappers and the open-code hook, which CPython calls
// without going through the hook list, raise their events this way.
class HookWitness {
 public:
  HookWitness();
  // True when Vigil is watching and neither its hook nor its sentinel
  // received the event.
  bool missed() const;
  // Records the missed event `event` with `args` (a tuple) and alerts that
  // the hook is unlinked; -1 with an exception set when the record's
  // verdict denies the operation. `where`: which path saw it.
  static int record_missed(const char* event, PyObject* args, std::string_view where);

 private:
  std::uint64_t calls_before_;
};

class SiteLines;

// The event record's members, as the hook writes them, for an event name
// already cut to its bound (256 bytes), the site's line found through
// `lines`. Exposed for tests.
void append_event_members(JsonText& json, std::string_view event, PyObject* args, pid_t tid,
                          const RenderLimits& limits, SiteLines& lines);

inline constexpr const char* kProbeEvent = "vigil.probe";

struct ExecCheck;

// Set by the open-code hook around the `open` event it raises, so that
// event also meets the rules on vigil.open_code and carries the file's
// trust check and the kernel's answer under SECBIT_EXEC_RESTRICT_FILE
// (null when nothing was checked).
class OpeningCode {
 public:
  OpeningCode(const FileTrust* trust, const ExecCheck* exec_check);
  ~OpeningCode();
  OpeningCode(const OpeningCode&) = delete;
  OpeningCode& operator=(const OpeningCode&) = delete;
};

}  // namespace vigil
