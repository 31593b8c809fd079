#include "json_text.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vigil {
namespace {

std::string escaped(std::string_view bytes) {
  std::string out;
  append_json_utf8(out, bytes);
  return out;
}

TEST(JsonText, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(escaped("\n\t\r"), "\\n\\t\\r");
  EXPECT_EQ(escaped(std::string_view("\x00\x1b\x7f", 3)), "\\u0000\\u001b\\u007f");
}

TEST(JsonText, EscapesC1ControlsAndLineSeparators) {
  EXPECT_EQ(escaped("\xc2\x85"), "\\u0085");
  EXPECT_EQ(escaped("\xe2\x80\xa8"), "\\u2028");
}

TEST(JsonText, KeepsValidUtf8) { EXPECT_EQ(escaped("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80"); }

TEST(JsonText, InvalidBytesAreReplacedAndReported) {
  std::string out;
  EXPECT_FALSE(append_json_utf8(out, "a\xff" "b"));
  EXPECT_EQ(out, "a\xef\xbf\xbd" "b");
  EXPECT_EQ(escaped("\xc3"), "\xef\xbf\xbd");                          // truncated sequence
  EXPECT_EQ(escaped("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");          // overlong
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // encoded surrogate
  EXPECT_TRUE(append_json_utf8(out, "fine"));
}

TEST(JsonText, StringsThatAreNotUtf8KeepTheirBytes) {
  std::string out;
  JsonText(out).string("caf\xe9");
  EXPECT_EQ(out, "{\"text\":\"caf\xef\xbf\xbd\",\"raw_hex\":\"636166e9\"}");
}

TEST(JsonText, CommasFollowStructure) {
  std::string out;
  JsonText json(out);
  json.begin_object();
  json.key("a");
  json.begin_array();
  json.integer(1);
  json.null();
  json.boolean(false);
  json.end_array();
  json.key("b");
  json.number(0.5);
  json.key("c");
  json.begin_object();
  json.end_object();
  json.end_object();
  EXPECT_EQ(out, R"({"a":[1,null,false],"b":0.5,"c":{}})");
}

TEST(JsonText, ContinuesAnOpenObject) {
  std::string out = R"({"x":1)";
  JsonText json(out, true);
  json.key("y");
  json.string("z");
  out += "}";
  EXPECT_EQ(out, R"({"x":1,"y":"z"})");
}

TEST(JsonText, NonFiniteNumbersStayValidJson) {
  std::string out;
  JsonText json(out);
  json.begin_array();
  json.number(std::numeric_limits<double>::infinity());
  json.number(std::nan(""));
  json.end_array();
  EXPECT_EQ(out, R"([{"float":"inf"},{"float":"nan"}])");
}

TEST(JsonText, RewindRestoresSeparators) {
  std::string out;
  JsonText json(out);
  json.begin_array();
  json.integer(1);
  auto mark = json.mark();
  json.string("discarded");
  json.rewind(mark);
  json.integer(2);
  json.end_array();
  EXPECT_EQ(out, "[1,2]");
}

TEST(JsonText, EveryByteSequenceParses) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string out;
  JsonText(out).string(all + all);
  auto parsed = nlohmann::json::parse(out);
  EXPECT_EQ(parsed["raw_hex"].get<std::string>().size(), 2u * 512);
  EXPECT_EQ(out.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace vigil
