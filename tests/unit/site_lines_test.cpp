#include "site_lines.h"

#include "py_ref.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace vigil {
namespace {

// Runs `source` in a fresh namespace and returns it.
PyRef run(const char* source) {
  PyRef globals = PyRef::steal(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  PyRef result = PyRef::steal(PyRun_String(source, Py_file_input, globals.get(), globals.get()));
  if (!result) PyErr_Print();
  return globals;
}

PyRef item(const PyRef& globals, const char* name) {
  return PyRef::borrow(PyDict_GetItemString(globals.get(), name));
}

PyCodeObject* as_code(const PyRef& object) { return reinterpret_cast<PyCodeObject*>(object.get()); }

int code_bytes(PyCodeObject* code) {
  return static_cast<int>(PyBytes_GET_SIZE(PyRef::steal(PyObject_GetAttrString(reinterpret_cast<PyObject*>(code), "co_code")).get()));
}

// A module body like the ones whose imports cost most: long, with blank
// lines, statements over several lines, a loop and a nested function.
constexpr const char* kModuleBody = R"(
source = '''
import os

import sys, json
from collections import (
    OrderedDict,
    defaultdict,
)
x = [i
     for i in range(3)]


def f(a):
    return a + 1
for n in range(2):
    y = f(n)
    if y:
        z = os.path.join('a',
                         'b')
try:
    import re
except ImportError:
    pass
'''
code = compile(source * 20, 'module.py', 'exec')
)";

std::vector<int> all_offsets(PyCodeObject* code) {
  std::vector<int> offsets;
  for (int offset = 0; offset < code_bytes(code); offset += 2) offsets.push_back(offset);
  return offsets;
}

TEST(SiteLines, GivesWhatAddr2LineGivesInAnyOrder) {
  PyRef globals = run(kModuleBody);
  PyRef code = item(globals, "code");
  ASSERT_TRUE(code);
  std::vector<int> offsets = all_offsets(as_code(code));
  ASSERT_GT(offsets.size(), 1000u);
  std::vector<std::vector<int>> orders = {offsets, {offsets.rbegin(), offsets.rend()}, offsets};
  std::shuffle(orders[2].begin(), orders[2].end(), std::mt19937(22));
  for (const auto& order : orders) {
    SiteLines lines;
    for (int offset : order) {
      ASSERT_EQ(lines.line(as_code(code), offset), PyCode_Addr2Line(as_code(code), offset)) << "offset " << offset;
    }
    lines.clear();
  }
  SiteLines lines;
  EXPECT_EQ(lines.line(as_code(code), -1), PyCode_Addr2Line(as_code(code), -1));
  lines.clear();
}

TEST(SiteLines, SitesOfManyCodeObjectsInTurnKeepTheirLines) {
  PyRef globals = run(R"(
codes = [compile('\n' * i + 'a = 1\nb = 2\nimport os\n', 'm%d.py' % i, 'exec') for i in range(80)]
)");
  PyRef codes = item(globals, "codes");
  ASSERT_TRUE(codes);
  SiteLines lines;
  for (int round = 0; round < 3; ++round) {
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(codes.get()); ++i) {
      auto* code = reinterpret_cast<PyCodeObject*>(PyList_GET_ITEM(codes.get(), i));
      for (int offset = code_bytes(code) - 2; offset >= 0; offset -= 6) {
        ASSERT_EQ(lines.line(code, offset), PyCode_Addr2Line(code, offset)) << "code " << i << " offset " << offset;
      }
    }
  }
  lines.clear();
}

// A code object freed, and another made at its address: with the same
// line table and another first line, and with the first line and another
// table. Neither gets the freed one's lines.
TEST(SiteLines, ACodeObjectAtAFreedOnesAddressGetsItsOwnLines) {
  PyRef globals = run(R"(
template = compile('a = 1\nimport os\nb = 2\n', 'same.py', 'exec')
spread = compile('a = 1\n\n\n\nimport os\n\n\nb = 2\n', 'same.py', 'exec')
assert template.co_code == spread.co_code and template.co_linetable != spread.co_linetable
)");
  PyRef template_code = item(globals, "template");
  PyRef spread = item(globals, "spread");
  ASSERT_TRUE(template_code && spread);
  PyObject* spread_table = compat::code_line_table(as_code(spread));
  int site = code_bytes(as_code(template_code)) - 4;
  ASSERT_GT(site, 0);

  struct Replacement {
    const char* what;
    PyRef keywords;
  };
  PyRef other_first_line = PyRef::steal(Py_BuildValue("{s:i}", "co_firstlineno", 40));
  PyRef other_table = PyRef::steal(Py_BuildValue("{s:O}", "co_linetable", spread_table));
  std::vector<Replacement> replacements;
  replacements.push_back({"another first line", std::move(other_first_line)});
  replacements.push_back({"another line table", std::move(other_table)});
  PyRef replace = PyRef::steal(PyObject_GetAttrString(template_code.get(), "replace"));
  PyRef no_args = PyRef::steal(PyTuple_New(0));
  PyRef original_keywords = PyRef::steal(Py_BuildValue("{s:i}", "co_firstlineno", 1));

  for (const Replacement& replacement : replacements) {
    SiteLines lines;
    PyRef freed = PyRef::steal(PyObject_Call(replace.get(), no_args.get(), original_keywords.get()));
    ASSERT_TRUE(freed);
    int freed_line = lines.line(as_code(freed), site);
    ASSERT_EQ(freed_line, PyCode_Addr2Line(as_code(freed), site));
    PyObject* address = freed.get();
    freed = PyRef();

    // The allocator hands a freed block out again; other objects may take
    // it first, so they are kept until one code object lands there.
    std::vector<PyRef> elsewhere;
    PyRef reused;
    for (int attempt = 0; attempt < 1000 && !reused; ++attempt) {
      PyRef made = PyRef::steal(PyObject_Call(replace.get(), no_args.get(), replacement.keywords.get()));
      ASSERT_TRUE(made);
      if (made.get() == address) {
        reused = std::move(made);
      } else {
        elsewhere.push_back(std::move(made));
      }
    }
    ASSERT_TRUE(reused) << replacement.what << ": no code object was made at the freed one's address";
    int line = lines.line(as_code(reused), site);
    EXPECT_EQ(line, PyCode_Addr2Line(as_code(reused), site)) << replacement.what;
    EXPECT_NE(line, freed_line) << replacement.what;
    lines.clear();
  }
}

TEST(SiteLines, KeepsNoCodeObjectAlive) {
  PyRef globals = run("import weakref\ncode = compile('import os\\n', 'alive.py', 'exec')\nweak = weakref.ref(code)\n");
  PyRef code = item(globals, "code");
  ASSERT_TRUE(code);
  SiteLines lines;
  lines.line(as_code(code), 0);
  code = PyRef();
  PyDict_DelItemString(globals.get(), "code");
  PyRef referent = PyRef::steal(PyObject_CallNoArgs(item(globals, "weak").get()));
  EXPECT_EQ(referent.get(), Py_None) << "the code object outlived its last reference";
  lines.clear();
}

TEST(SiteLines, HoldsAtMostItsBoundOfLineTables) {
  PyRef globals = run(R"(
codes = [compile('\n' * i + 'import os\n', 'bound%d.py' % i, 'exec') for i in range(200)]
)");
  PyRef codes = item(globals, "codes");
  ASSERT_TRUE(codes);
  auto code_at = [&](Py_ssize_t i) { return reinterpret_cast<PyCodeObject*>(PyList_GET_ITEM(codes.get(), i)); };
  PyObject* first_table = compat::code_line_table(code_at(0));
  Py_ssize_t count_before = Py_REFCNT(first_table);
  SiteLines lines;
  lines.line(code_at(0), 0);
  EXPECT_EQ(Py_REFCNT(first_table), count_before + 1);
  for (Py_ssize_t i = 1; i <= static_cast<Py_ssize_t>(SiteLines::kEntries); ++i) lines.line(code_at(i), 0);
  EXPECT_EQ(Py_REFCNT(first_table), count_before) << "the least recently used table was not let go";
  lines.clear();
}

// A table of a bytes subclass could run Python code when let go.
TEST(SiteLines, HoldsNoTableOfABytesSubclass) {
  PyRef globals = run(R"(
class Table(bytes):
    pass
plain = compile('a = 1\n\nimport os\n', 'sub.py', 'exec')
code = plain.replace(co_linetable=Table(plain.co_linetable))
)");
  PyRef code = item(globals, "code");
  ASSERT_TRUE(code);
  PyObject* table = compat::code_line_table(as_code(code));
  ASSERT_FALSE(PyBytes_CheckExact(table));
  Py_ssize_t count_before = Py_REFCNT(table);
  SiteLines lines;
  int site = code_bytes(as_code(code)) - 4;
  EXPECT_EQ(lines.line(as_code(code), site), PyCode_Addr2Line(as_code(code), site));
  EXPECT_EQ(Py_REFCNT(table), count_before);
  lines.clear();
}

}  // namespace
}  // namespace vigil
