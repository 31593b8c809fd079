// The open-code hook (PyFile_SetOpenCodeHook): every file Python opens to
// execute (modules, .pyc, .pth, zip archives, runpy) is read here, from one
// descriptor, and handed back as an in-memory file of exactly those bytes.
// Verification (issue 5) decides on these bytes; today it records them
// through the same `open` audit event the stock interpreter raises.
#pragma once

namespace vigil {

class OpenCodeHook {
 public:
  // Before Py_InitializeFromConfig.
  static bool install();
};

}  // namespace vigil
