// What the path of an `open` event refers to, whatever its spelling: a
// relative path, os.open's dir_fd, symbolic links, `..`, /proc/self,
// /proc/thread-self or the process's own pid. Read before the open happens
// (the event comes first), without opening anything: a stat that follows
// the links, and for a file on /proc, where the spelling matters to the
// rules, the canonical path from realpath (which only reads links).
#pragma once

#include "audited_wrappers.h"
#include "python_compat.h"

#include <optional>
#include <string>
#include <sys/types.h>

namespace vigil {

struct OpenTarget {
  dev_t device = 0;
  ino_t inode = 0;
  // Canonical path of a target on /proc ("/proc/1234/mem"); empty for
  // others, whose spelling no rule depends on as much.
  std::string proc_path;
};

// The target of `path` (an `open` event's first argument: str, bytes or a
// descriptor), or nothing when it does not exist (yet) or cannot be read
// without running Python code (a path-like object).
std::optional<OpenTarget> find_open_target(PyObject* path, OpenDirectory directory);

// The file a descriptor argument (mmap's fileno, os.truncate's fd) refers
// to; nothing for anything but a non-negative int.
std::optional<OpenTarget> find_descriptor_target(PyObject* fd);

// Whether an `open` event's mode (a str, or None for os.open) and flags
// ask for writing.
bool opens_for_writing(PyObject* mode, PyObject* flags);

}  // namespace vigil
