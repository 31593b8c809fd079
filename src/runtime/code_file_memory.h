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

// What the import system's own decompression produced (zipimport
// inflating a member of the archive it has just read), with that
// archive's path and verdict.
void remember_archive_member(PyObject* decompressed);
// Whether `bytes` are a member of this thread's last code file, an
// archive: anywhere in its bytes (a stored member; archives up to the
// size kept), or the last member it was decompressed into. A compile's
// source is that member with its line endings made \n (zipimport's
// _normalize_line_endings); an unmarshal's bytes are its tail, after the
// .pyc header.
CodeFileSlice find_archive_member(std::string_view bytes, bool source);

}  // namespace vigil
