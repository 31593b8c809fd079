#include "value_renderer.h"

#include "code_file_memory.h"
#include "event_catalog.h"
#include "py_ref.h"
#include "repeated_values.h"
#include "sha256.h"

#include <gtest/gtest.h>
#include <cstring>
#include <nlohmann/json.hpp>

namespace vigil {
namespace {

PyRef eval(const char* expression) {
  PyRef globals = PyRef::steal(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  PyRef value = PyRef::steal(PyRun_String(expression, Py_eval_input, globals.get(), globals.get()));
  if (!value) PyErr_Print();
  return value;
}

nlohmann::json render(PyObject* value, RenderLimits limits = {}) {
  std::string out;
  JsonText json(out);
  ValueRenderer(json, limits).render(value);
  return nlohmann::json::parse(out);
}

nlohmann::json render(const char* expression, RenderLimits limits = {}) {
  PyRef value = eval(expression);
  EXPECT_TRUE(value) << expression;
  return render(value.get(), limits);
}

TEST(ValueRenderer, ScalarsAreJsonValues) {
  EXPECT_EQ(render("None"), nullptr);
  EXPECT_EQ(render("True"), true);
  EXPECT_EQ(render("-12"), -12);
  EXPECT_EQ(render("2.5"), 2.5);
  EXPECT_EQ(render("'h\\xe9'"), "h\xc3\xa9");
  EXPECT_EQ(render("2**64"), nlohmann::json({{"int", "0x10000000000000000"}}));
}

TEST(ValueRenderer, BytesAreTextOrHex) {
  EXPECT_EQ(render("b'GET / HTTP/1.1\\r\\n'"), nlohmann::json({{"bytes", "GET / HTTP/1.1\r\n"}}));
  EXPECT_EQ(render("b'\\x00\\xff'"), nlohmann::json({{"bytes_hex", "00ff"}}));
  EXPECT_EQ(render("bytearray(b'ab')"), nlohmann::json({{"bytearray", "ab"}}));
}

TEST(ValueRenderer, LongStringsKeepPrefixLengthAndDigest) {
  RenderLimits limits;
  limits.max_text = 8;
  auto cut = render("'\\u20ac' * 20", limits);
  std::string whole;
  for (int i = 0; i < 20; ++i) whole += "\xe2\x82\xac";
  EXPECT_EQ(cut["cut"], true);
  EXPECT_EQ(cut["len"], 20);
  EXPECT_EQ(cut["str"].get<std::string>().size(), 8u * 3);
  EXPECT_EQ(cut["sha256"], Sha256::hex_of(whole));
}

TEST(ValueRenderer, LongBinaryKeepsAHexPrefix) {
  RenderLimits limits;
  limits.max_binary = 4;
  auto cut = render("bytes(range(256))", limits);
  EXPECT_EQ(cut["bytes_hex"], "00010203");
  EXPECT_EQ(cut["len"], 256);
}

TEST(ValueRenderer, ContainersAreBounded) {
  RenderLimits limits;
  limits.max_items = 3;
  limits.max_depth = 2;
  EXPECT_EQ(render("(1, [2, 'x'])", limits), nlohmann::json::parse(R"([1, [2, "x"]])"));
  auto cut = render("list(range(10))", limits);
  EXPECT_EQ(cut, nlohmann::json::parse(R"({"list":[0,1,2],"cut":true,"len":10})"));
  auto deep = render("[[[[1]]]]", limits);
  EXPECT_EQ(deep, nlohmann::json::parse(R"([[{"list":[],"cut":true,"len":1}]])"));
  auto dict = render("{1: 'a', b'k': 2}", limits);
  EXPECT_EQ(dict["1"], "a");
  EXPECT_EQ(dict[R"({"bytes":"k"})"], 2);
}

TEST(ValueRenderer, RecordBudgetCutsWhatDoesNotFit) {
  RenderLimits limits;
  limits.max_json = 100;
  auto value = render("['x' * 60, 'y' * 60, 'z' * 60]", limits);
  EXPECT_EQ(value[0], std::string(60, 'x'));
  EXPECT_EQ(value[2], nlohmann::json({{"type", "builtins.str"}, {"cut", true}}));
}

TEST(ValueRenderer, SubclassesAreNamedByTypeOnly) {
  PyRef globals = PyRef::steal(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  PyRef name = PyRef::steal(PyUnicode_FromString("mod"));
  PyDict_SetItemString(globals.get(), "__name__", name.get());
  PyRef result = PyRef::steal(PyRun_String(
      "class S(str):\n    def __repr__(self): raise RuntimeError\nvalue = S('x')\n", Py_file_input,
      globals.get(), globals.get()));
  ASSERT_TRUE(result);
  EXPECT_EQ(render(PyDict_GetItemString(globals.get(), "value")), nlohmann::json({{"type", "mod.S"}}));
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(ValueRenderer, StrWithSurrogatesKeepsItsFileSystemBytes) {
  auto value = render("'a\\udcff\\ud800'");
  EXPECT_EQ(value, nlohmann::json({{"text", "a\xef\xbf\xbd\xef\xbf\xbd"}, {"raw_hex", "61ffeda080"}}));
}

TEST(ValueRenderer, ADictThatWouldReadAsAReferenceIsWrapped) {
  EXPECT_EQ(render("{'same_as': 3}"), nlohmann::json({{"dict", {{"same_as", 3}}}, {"len", 1}}));
  EXPECT_EQ(render("{'same_as': 3, 'b': 1}"), nlohmann::json({{"same_as", 3}, {"b", 1}}));
}

// The `import` event's fields as the hook renders them, one record at a
// time: `written` is the seq the record gets, 0 for one never written.
class RepeatedImportLists : public ::testing::Test {
 protected:
  nlohmann::json record(PyObject* sys_path, std::uint64_t written) {
    const EventSignature& import = *find_event_signature("import");
    std::size_t field = import.field_index("sys_path");
    std::string out;
    JsonText json(out);
    begin_repeated_values();
    RenderLimits limits;
    ValueRenderer renderer(json, limits);
    json.begin_object();
    json.key("sys_path");
    append_repeated_value(json, renderer, import, field, sys_path);
    json.end_object();
    if (written != 0) repeated_values_written(written);
    return nlohmann::json::parse(out)["sys_path"];
  }
};

TEST_F(RepeatedImportLists, WrittenOnceThenReferredToUntilTheyChange) {
  PyRef path = eval("['/usr/lib/python3.11', '/usr/lib/python3.11/lib-dynload', '/srv/app']");
  nlohmann::json full = record(path.get(), 10);
  EXPECT_TRUE(full.is_array());
  EXPECT_EQ(record(path.get(), 11), nlohmann::json({{"same_as", 10}}));
  // The same list, changed in place: its identity says nothing.
  ASSERT_EQ(PyList_Insert(path.get(), 0, PyRef::steal(PyUnicode_FromString("/tmp/evil")).get()), 0);
  nlohmann::json changed = record(path.get(), 12);
  ASSERT_TRUE(changed.is_array());
  EXPECT_EQ(changed[0], "/tmp/evil");
  EXPECT_EQ(record(path.get(), 13), nlohmann::json({{"same_as", 12}}));
  // Another list with the same items renders the same: referred to.
  PyRef copy = PyRef::steal(PySequence_List(path.get()));
  EXPECT_EQ(record(copy.get(), 14), nlohmann::json({{"same_as", 12}}));
  // An item changed in place under the same identity (a str replaced at
  // the same index) is seen too.
  ASSERT_EQ(PyList_SetItem(copy.get(), 1, PyUnicode_FromString("/usr/lib/python3.12")), 0);
  EXPECT_TRUE(record(copy.get(), 15).is_array());
}

TEST_F(RepeatedImportLists, ARecordNeverWrittenIsNotReferredTo) {
  PyRef path = eval("['/opt/one/lib', '/opt/one/lib/site-packages', '/opt/one/more']");
  EXPECT_TRUE(record(path.get(), 0).is_array());  // rendered, then suppressed
  EXPECT_TRUE(record(path.get(), 20).is_array());
  EXPECT_EQ(record(path.get(), 21), nlohmann::json({{"same_as", 20}}));
}

TEST_F(RepeatedImportLists, ShortValuesAndLookalikeDictsStayAsTheyAre) {
  PyRef empty = eval("[]");
  EXPECT_EQ(record(empty.get(), 30), nlohmann::json::array());
  EXPECT_EQ(record(empty.get(), 31), nlohmann::json::array());
  PyRef forged = eval("{'same_as': 30}");
  EXPECT_EQ(record(forged.get(), 32), nlohmann::json({{"dict", {{"same_as", 30}}}, {"len", 1}}));
}

TEST(UnmarshalOfCodeFile, VouchesForTheFirstBytesOfItsCallAndComparesAnyOthers) {
  PyRef content = eval("b'\\x00' * 16 + bytes(range(256)) * 8");
  ASSERT_TRUE(content);
  remember_code_file("/srv/app/__pycache__/a.cpython-311.pyc", content.get(), true);
  {
    PyRef view = PyRef::steal(PyMemoryView_FromObject(content.get()));
    PyRef sliced = PyRef::steal(PySequence_GetSlice(view.get(), 16, PyBytes_GET_SIZE(content.get())));
    ASSERT_TRUE(sliced);
    // CPython's copy of the argument, as the event carries it.
    PyRef copy = PyRef::steal(PyBytes_FromStringAndSize(PyBytes_AS_STRING(content.get()) + 16, 2048));
    PyRef forged = PyRef::steal(PyBytes_FromStringAndSize(nullptr, 2048));
    std::memset(PyBytes_AS_STRING(forged.get()), 'A', 2048);
    UnmarshalOfCodeFile noted(sliced.get());
    CodeFileSlice found = find_in_recent_code_file(compat::bytes_view(copy.get()));
    ASSERT_NE(found.path, nullptr);
    EXPECT_EQ(found.offset, 16u);
    // Other bytes of the same size during the same call are compared.
    EXPECT_EQ(find_in_recent_code_file(compat::bytes_view(forged.get())).path, nullptr);
    EXPECT_NE(find_in_recent_code_file(compat::bytes_view(copy.get())).path, nullptr);
  }
  // A memoryview of other bytes vouches for nothing.
  PyRef other = PyRef::steal(PyBytes_FromStringAndSize(PyBytes_AS_STRING(content.get()), PyBytes_GET_SIZE(content.get())));
  PyRef other_view = PyRef::steal(PyMemoryView_FromObject(other.get()));
  PyRef forged = PyRef::steal(PyBytes_FromStringAndSize(nullptr, PyBytes_GET_SIZE(content.get())));
  std::memset(PyBytes_AS_STRING(forged.get()), 'A', static_cast<std::size_t>(PyBytes_GET_SIZE(forged.get())));
  UnmarshalOfCodeFile noted(other_view.get());
  EXPECT_EQ(find_in_recent_code_file(compat::bytes_view(forged.get())).path, nullptr);
  EXPECT_NE(find_in_recent_code_file(compat::bytes_view(other.get())).path, nullptr);
}

}  // namespace
}  // namespace vigil
