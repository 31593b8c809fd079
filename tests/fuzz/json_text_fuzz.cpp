// The text writer every record is built with (src/records/json_text): any
// bytes, code points and numbers a program can put in an event's
// arguments. Whatever they are, the record is one line of strictly valid
// JSON with exactly the members the writer wrote, and every string reads
// back as what was given (or, when it was not UTF-8, as its text and
// raw_hex).
#include "fuzz_support.h"

#include "json_text.h"

#include <fuzzer/FuzzedDataProvider.h>
#include <simdjson.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace vigil {
namespace {

// What a member should read back as.
struct Text {
  std::string bytes;
};
struct DictKeys {
  std::vector<std::string> keys;  // written with append_json_utf8, as dict keys are
};
struct CodePoint {
  std::uint32_t value;
};
// not_unicode_members with a member of the writer's own, "mode": "rb".
struct NotUnicode {
  std::string bytes;
};
using Expected =
    std::variant<Text, long long, unsigned long long, double, bool, std::nullptr_t, DictKeys, CodePoint, NotUnicode>;

bool is_utf8(std::string_view bytes) {
  std::string ignored;
  return append_json_utf8(ignored, bytes);
}

std::string hex(std::string_view bytes) {
  std::string out;
  append_hex(out, bytes);
  return out;
}

// The line may not break, and may not carry what a terminal or a JSON
// Lines reader would take for something else.
void check_line(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    auto byte = static_cast<unsigned char>(line[i]);
    auto next = [&](std::size_t ahead) {
      return i + ahead < line.size() ? static_cast<unsigned char>(line[i + ahead]) : 0u;
    };
    if (byte < 0x20 || byte == 0x7F || (byte == 0xC2 && next(1) < 0xA0) ||
        (byte == 0xE2 && next(1) == 0x80 && (next(2) == 0xA8 || next(2) == 0xA9))) {
      fuzz::fail("a raw control character or line separator in the record", line);
    }
  }
}

void check_text(simdjson::dom::element value, const std::string& given, std::string_view line) {
  std::string_view text;
  if (is_utf8(given)) {
    if (value.get_string().get(text) != simdjson::SUCCESS || text != given) {
      fuzz::fail("a UTF-8 string does not read back as itself", line);
    }
    return;
  }
  simdjson::dom::object object;
  std::string_view raw_hex;
  if (value.get_object().get(object) != simdjson::SUCCESS || object.size() != 2 ||
      object["text"].get_string().get(text) != simdjson::SUCCESS ||
      object["raw_hex"].get_string().get(raw_hex) != simdjson::SUCCESS || raw_hex != hex(given)) {
    fuzz::fail("a string that is not UTF-8 is not {text, raw_hex} of its bytes", line);
  }
}

void check_member(simdjson::dom::element value, const Expected& expected, std::string_view line) {
  bool ok = true;
  if (const auto* text = std::get_if<Text>(&expected)) {
    check_text(value, text->bytes, line);
  } else if (const auto* integer = std::get_if<long long>(&expected)) {
    std::int64_t read = 0;
    ok = value.get_int64().get(read) == simdjson::SUCCESS && read == *integer;
  } else if (const auto* natural = std::get_if<unsigned long long>(&expected)) {
    std::uint64_t read = 0;
    ok = value.get_uint64().get(read) == simdjson::SUCCESS && read == *natural;
  } else if (const auto* real = std::get_if<double>(&expected)) {
    if (std::isfinite(*real)) {
      double read = 0;
      ok = value.get_double().get(read) == simdjson::SUCCESS && read == *real;
    } else {
      std::string_view name;
      ok = value["float"].get_string().get(name) == simdjson::SUCCESS &&
           name == (std::isnan(*real) ? "nan" : (*real > 0 ? "inf" : "-inf"));
    }
  } else if (const auto* flag = std::get_if<bool>(&expected)) {
    bool read = false;
    ok = value.get_bool().get(read) == simdjson::SUCCESS && read == *flag;
  } else if (std::holds_alternative<std::nullptr_t>(expected)) {
    ok = value.is_null();
  } else if (const auto* dict = std::get_if<DictKeys>(&expected)) {
    simdjson::dom::object object;
    ok = value.get_object().get(object) == simdjson::SUCCESS && object.size() == dict->keys.size();
    std::size_t index = 0;
    for (auto field : object) {
      if (!ok) break;
      const std::string& given = dict->keys[index++];
      ok = !is_utf8(given) || field.key == given;
    }
  } else if (const auto* not_unicode = std::get_if<NotUnicode>(&expected)) {
    simdjson::dom::object object;
    std::string_view raw_hex;
    std::string_view mode;
    ok = value.get_object().get(object) == simdjson::SUCCESS && object.size() == 3 &&
         object["raw_hex"].get_string().get(raw_hex) == simdjson::SUCCESS && raw_hex == hex(not_unicode->bytes) &&
         object["mode"].get_string().get(mode) == simdjson::SUCCESS && mode == "rb";
  } else if (const auto* code_point = std::get_if<CodePoint>(&expected)) {
    std::string utf8;
    std::uint32_t cp = code_point->value;
    bool unicode = cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    append_utf8_code_point(utf8, unicode ? cp : 0xFFFD);
    std::string_view read;
    ok = value.get_string().get(read) == simdjson::SUCCESS && read == utf8;
  }
  if (!ok) fuzz::fail("a member does not read back as written", line);
}

}  // namespace
}  // namespace vigil

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  FuzzedDataProvider input(data, size);
  static simdjson::dom::parser parser;
  // As the recorder does: common members first, the body continues them.
  std::string line = R"({"ts":"2026-11-22T00:00:00.000000Z","seq":1)";
  JsonText json(line, true);
  std::vector<Expected> members;
  while (input.remaining_bytes() > 0 && members.size() < 64) {
    json.key("m" + std::to_string(members.size()));
    switch (input.ConsumeIntegralInRange(0, 9)) {
      case 0: {
        std::string bytes = input.ConsumeRandomLengthString(512);
        json.string(bytes);
        members.push_back(Text{std::move(bytes)});
        break;
      }
      case 1: {
        // A dict: keys from the program, escaped as they come.
        DictKeys dict;
        json.begin_object();
        for (int count = input.ConsumeIntegralInRange(0, 4); count > 0; --count) {
          dict.keys.push_back(input.ConsumeRandomLengthString(64));
          json.begin_key();
          append_json_utf8(json.out(), dict.keys.back());
          json.end_key();
          json.null();
        }
        json.end_object();
        members.push_back(std::move(dict));
        break;
      }
      case 2: {
        auto value = input.ConsumeIntegral<long long>();
        json.integer(value);
        members.push_back(value);
        break;
      }
      case 3: {
        auto value = input.ConsumeIntegral<unsigned long long>();
        json.unsigned_integer(value);
        members.push_back(value);
        break;
      }
      case 4: {
        auto value = input.ConsumeFloatingPoint<double>();
        static constexpr double kEdges[] = {NAN, INFINITY, -INFINITY, -0.0, 5e-324, 1.7976931348623157e308};
        if (input.ConsumeBool()) value = input.PickValueInArray(kEdges);
        json.number(value);
        members.push_back(value);
        break;
      }
      case 5: {
        bool value = input.ConsumeBool();
        json.boolean(value);
        members.push_back(value);
        break;
      }
      case 6:
        json.null();
        members.push_back(nullptr);
        break;
      case 7: {
        auto value = input.ConsumeIntegral<std::uint32_t>();
        if (input.ConsumeBool()) value %= 0x110000;
        json.begin_string();
        append_json_code_point(json.out(), value);
        json.end_string();
        members.push_back(CodePoint{value});
        break;
      }
      case 8: {
        // Text not Unicode, with members of the writer's own beside it.
        std::string bytes = input.ConsumeRandomLengthString(128);
        std::string lossy;
        append_json_utf8(lossy, bytes);
        json.begin_object();
        json.not_unicode_members(lossy, bytes);
        json.key("mode");
        json.string("rb");
        json.end_object();
        members.push_back(NotUnicode{std::move(bytes)});
        break;
      }
      case 9: {
        // A value rewound and written another way, as the renderer does
        // when a string is too long or not what it claimed.
        JsonText::Mark mark = json.mark();
        json.string(input.ConsumeRandomLengthString(64));
        json.rewind(mark);
        std::string bytes = input.ConsumeRandomLengthString(64);
        json.string(bytes);
        members.push_back(Text{std::move(bytes)});
        break;
      }
    }
  }
  line += '}';
  check_line(line);

  simdjson::padded_string padded(line);
  simdjson::dom::object record;
  if (parser.parse(padded).get_object().get(record) != simdjson::SUCCESS) fuzz::fail("not a JSON object", line);
  if (record.size() != members.size() + 2) fuzz::fail("members that were not written", line);
  std::size_t index = 0;
  for (auto field : record) {
    if (index >= 2) {
      std::size_t member = index - 2;
      if (field.key != "m" + std::to_string(member)) fuzz::fail("a member out of place", line);
      check_member(field.value, members[member], line);
    }
    ++index;
  }
  return 0;
}
