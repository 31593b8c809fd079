#include "site_lines.h"

#include "python_internals.h"

namespace vigil {

SiteLines::Entry* SiteLines::entry_for(PyObject* line_table, int first_line) {
  for (Entry& entry : entries_) {
    if (entry.line_table == line_table && entry.first_line == first_line) return &entry;
  }
  if (!PyBytes_CheckExact(line_table)) return nullptr;
  Entry* oldest = &entries_.front();
  for (Entry& entry : entries_) {
    if (entry.last_used < oldest->last_used) oldest = &entry;
  }
  Py_XDECREF(oldest->line_table);
  Py_INCREF(line_table);
  *oldest = {};
  oldest->line_table = line_table;
  oldest->first_line = first_line;
  vigil_start_line_walk(line_table, first_line, &oldest->walk);
  return oldest;
}

int SiteLines::line(PyCodeObject* code, int offset) {
  // Before the first instruction: a frame that has not started.
  if (offset < 0 || PyInterpreterState_Get() != PyInterpreterState_Main()) return PyCode_Addr2Line(code, offset);
  Entry* entry = entry_for(compat::code_line_table(code), compat::code_first_line(code));
  if (entry == nullptr) return PyCode_Addr2Line(code, offset);
  entry->last_used = ++uses_;
  for (const Site& site : entry->sites) {
    if (site.offset == offset) return site.line;
  }
  int line = _PyCode_CheckLineNumber(offset, &entry->walk);
  entry->sites[entry->next_site] = {offset, line};
  entry->next_site = (entry->next_site + 1) % kSitesPerTable;
  return line;
}

void SiteLines::clear() {
  for (Entry& entry : entries_) {
    Py_XDECREF(entry.line_table);
    entry = {};
  }
}

}  // namespace vigil
