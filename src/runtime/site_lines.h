// The line of an event's call site, for the `site` member of its record.
#pragma once

#include "python_compat.h"

#include <array>
#include <cstdint>

namespace vigil {

// Where the walks over the line tables of recent call sites' code objects
// left off, and the lines of the last few sites of each. PyCode_Addr2Line
// decodes a line table from its start each time, which costs thousands of
// instructions in a long function or module body. A function that raises
// events raises them from the same few sites again and again (importlib's
// do), and each is remembered; a module body's imports are each a new
// site, a few steps on from where the walk over its table stopped.
//
// An entry is keyed by what decides the lines, not by the code object: its
// line table (a bytes object the entry holds a reference to) and its first
// line. Two code objects with the same table and first line have the same
// lines at every offset, so a code object freed and another made at its
// address can never be given a wrong line: the held table cannot be freed
// and its address reused, and a new table at another address is another
// key. Code objects are not kept alive, and letting a table go runs no
// Python code (an exact bytes object has no finalizer and no weak
// references). Tables of any other type are not cached.
//
// With the main interpreter's GIL held; other interpreters' sites are
// decoded from the start, as their objects must not outlive them.
class SiteLines {
 public:
  SiteLines() = default;
  SiteLines(const SiteLines&) = delete;
  SiteLines& operator=(const SiteLines&) = delete;

  // What PyCode_Addr2Line(code, offset) returns: the line of the
  // instruction at byte offset `offset` of `code`.
  int line(PyCodeObject* code, int offset);

  // Lets go of every table. The hook's lines never do, as the hook lives
  // until the process ends (and after the interpreter).
  void clear();

  // At most this many tables are held: the least recently used one goes.
  static constexpr std::size_t kEntries = 32;

 private:
  // The lines of this many sites of each table are remembered.
  static constexpr std::size_t kSitesPerTable = 4;
  struct Site {
    int offset = -1;
    int line = 0;
  };
  struct Entry {
    PyObject* line_table = nullptr;  // a reference; null when the entry is free
    int first_line = 0;
    PyCodeAddressRange walk{};
    std::array<Site, kSitesPerTable> sites{};
    std::size_t next_site = 0;
    std::uint64_t last_used = 0;
  };
  Entry* entry_for(PyObject* line_table, int first_line);

  std::array<Entry, kEntries> entries_{};
  std::uint64_t uses_ = 0;
};

}  // namespace vigil
