// The code file each thread most recently read through the open-code hook.
// Importing a .pyc reads the file and then unmarshals its tail; the
// marshal.loads record names those bytes by file and offset instead of
// hashing megabytes of bytecode a second time. Bytes that did not come
// from such a file (marshal.loads of a downloaded blob) are hashed as usual.
// All of it needs the GIL.
#pragma once

#include "python_compat.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil {

struct CodeFileSlice {
  const std::string* path = nullptr;  // null: not from a code file
  std::size_t offset = 0;
  bool trusted = false;  // the file passed the policy's trust check
};

// Called by the open-code hook with the bytes object it gave Python.
// Large files (zip archives) are not kept.
void remember_code_file(std::string path, PyObject* content, bool trusted);

// Where `bytes` stand in this thread's last code file, if they are exactly
// its tail. Compared byte for byte.
CodeFileSlice find_in_recent_code_file(std::string_view bytes);
// This thread's last code file, large ones included; offset 0.
CodeFileSlice recent_code_file();

}  // namespace vigil
