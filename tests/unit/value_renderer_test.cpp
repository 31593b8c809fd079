#include "value_renderer.h"

#include "py_ref.h"
#include "sha256.h"

#include <gtest/gtest.h>
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

}  // namespace
}  // namespace vigil
