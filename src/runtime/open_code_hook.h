// Code files: every file Python opens to execute is read here, from one
// descriptor, checked against the policy's trust sources (code_verifier.h),
// announced through the same `open` audit event the stock interpreter
// raises, and handed back as an in-memory file of exactly those bytes.
//   - modules, .pyc, .pth, zip archives and runpy: PyFile_SetOpenCodeHook;
//   - the script on the command line and PYTHONSTARTUP, which CPython opens
//     with _Py_fopen_obj (Py_fopen from 3.14): the link wraps that function
//     (-Wl,--wrap), and
//     the file CPython gets is a sealed memfd holding the bytes read, the
//     ones checked and transcribed (transcripts.h);
//   - code on standard input, read whole before CPython starts and put back
//     the same way.
#pragma once

#include "python_compat.h"

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

// For entry mode "stdin" (not a terminal), before the interpreter starts.
// CPython parses all of it before running any, so reading it first changes
// nothing the program can see but the descriptor's type.
void capture_standard_input();

}  // namespace vigil
