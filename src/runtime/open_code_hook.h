// Code files: every file Python opens to execute is read here, from one
// descriptor, checked against the policy's trust sources (code_verifier.h),
// announced through the same `open` audit event the stock interpreter
// raises, and handed back as an in-memory file of exactly those bytes.
//   - modules, .pyc, .pth, zip archives and runpy: PyFile_SetOpenCodeHook;
//   - the script on the command line and PYTHONSTARTUP, which CPython opens
//     with _Py_fopen_obj (Py_fopen from 3.14): that function raises `open`
//     and then calls the C library's fopen64, which vigil-python's runtime
//     library interposes. The file is read and checked at the event
//     (ScriptOpening), and the FILE CPython's fopen64 gets is a sealed
//     memfd holding the bytes read, the ones checked and transcribed
//     (transcripts.h);
//   - code on standard input, read whole before CPython starts and put back
//     the same way.
#pragma once

#include "python_compat.h"

#include <memory>
#include <string_view>

namespace vigil {

class OpenCodeHook {
 public:
  // Before Py_InitializeFromConfig.
  static bool install();
};

// Called by the audit hook on cpython.run_file and cpython.run_startup:
// CPython opens the file named by `filename` (the same object) next.
// `run_directly`: the script on the command line.
void expect_code_file_open(PyObject* filename, bool run_directly);

// Around the audit hook's judging and recording of one event. For the
// `open` event of the expected file, the file is read whole from one
// descriptor and checked first, so the event carries the result as the
// open-code hook's do (OpeningCode); nothing for any other event.
class ScriptOpening {
 public:
  ScriptOpening(std::string_view event, PyObject* args);
  ~ScriptOpening();
  ScriptOpening(const ScriptOpening&) = delete;
  ScriptOpening& operator=(const ScriptOpening&) = delete;
  // The hook's result for the event, given what it decided. Allowed: the
  // checked bytes, sealed, wait for CPython's fopen64 of that path on this
  // thread (or the error reading them met). Denied, for the script on the
  // command line: the run is refused and the process exits.
  int settle(int result);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// For entry mode "stdin" (not a terminal), before the interpreter starts.
// CPython parses all of it before running any, so reading it first changes
// nothing the program can see but the descriptor's type.
void capture_standard_input();

}  // namespace vigil
