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
// its tail. Compared byte for byte, unless they are the argument of the
// marshal.loads event of an UnmarshalOfCodeFile.
CodeFileSlice find_in_recent_code_file(std::string_view bytes);

// For the length of a marshal.loads call (its wrapper, audited_wrappers.h)
// whose argument is a slice of this thread's last code file itself: the
// bytes the open-code hook gave the import system, which unmarshals them
// from the .pyc header on through a memoryview. CPython copies exactly
// that buffer into the call's event, so the event's bytes are known to be
// the file's without comparing them; the first bytes checked (the event's,
// seen by every check of that event) are the only ones it vouches for.
class UnmarshalOfCodeFile {
 public:
  explicit UnmarshalOfCodeFile(PyObject* argument);
  ~UnmarshalOfCodeFile();
  UnmarshalOfCodeFile(const UnmarshalOfCodeFile&) = delete;
  UnmarshalOfCodeFile& operator=(const UnmarshalOfCodeFile&) = delete;

  struct Buffer {
    const PyObject* owner = nullptr;  // the bytes object the argument is a tail of
    std::size_t size = 0;
    const char* copy = nullptr;  // the event's bytes, once checked
  };

 private:
  Buffer outer_;  // a call this one runs inside of
};
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
