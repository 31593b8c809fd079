// Records on their way to a sink in Elastic Common Schema, OCSF and
// RFC 5424 syslog. The recorder writes `ts` and the common members; what
// follows comes from the program (event names raised through sys.audit,
// arguments, rule ids of a policy). Each conversion is one line of JSON,
// and the syslog header and structured data stay well-formed around it.
#include "fuzz_support.h"

#include "sinks/record.h"
#include "sinks/record_formats.h"
#include "sinks/syslog_message.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {
namespace {

// `[vigil@32473 name="value"…] ` with '"', '\' and ']' escaped in values;
// returns where the MSG begins, or npos.
std::size_t after_structured_data(std::string_view message) {
  std::size_t at = message.find(" [");
  if (at == std::string_view::npos) return at;
  bool quoted = false;
  for (std::size_t i = at + 2; i < message.size(); ++i) {
    char c = message[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && c == ']') {
      return i + 1 < message.size() && message[i + 1] == ' ' ? i + 2 : std::string_view::npos;
    }
  }
  return std::string_view::npos;
}

}  // namespace
}  // namespace vigil

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  static simdjson::dom::parser parser;
  std::string line = R"({"ts":"2026-11-22T00:00:00.000000Z",)";
  line.append(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string::npos) return 0;  // the recorder escapes every newline
  line += '\n';

  // The tags the recorder knows of its own records, here read back.
  std::string kind = "event";
  std::string event;
  std::string rule;
  int severity = -1;
  simdjson::padded_string padded(line);
  simdjson::dom::object object;
  // The recorder only hands the converters lines it wrote, which simdjson
  // reads. The converters check every line against the JSON grammar
  // themselves: what simdjson reads, they read too (they also take numbers
  // beyond what simdjson holds), and what they cannot read they carry as
  // a string.
  bool recorder_line = parser.parse(padded).get_object().get(object) == simdjson::SUCCESS;
  if (recorder_line) {
    std::string_view text;
    if (object["kind"].get_string().get(text) == simdjson::SUCCESS) kind = text;
    if (object["event"].get_string().get(text) == simdjson::SUCCESS) event = text;
    if (object["rule"].get_string().get(text) == simdjson::SUCCESS) rule = text;
    if (object["severity"].get_string().get(text) == simdjson::SUCCESS) severity = severity_rank(text);
  }
  Record record(line, kind, 7, 4242, RecordTags{event, rule, severity});

  std::string_view native = record.line();
  for (RecordFormat format : {RecordFormat::ecs, RecordFormat::ocsf}) {
    std::string_view converted = record.text(format);
    if (converted.find('\n') != std::string_view::npos || converted.find('\0') != std::string_view::npos) {
      fuzz::fail("a converted record spans lines or holds a NUL", converted);
    }
    // The native record travels last, as written when the converter's own
    // reading found one JSON object in it, as a string otherwise.
    std::string_view carried_name = format == RecordFormat::ecs ? ",\"vigil\":" : ",\"unmapped\":";
    bool carried_as_written = converted.ends_with(std::string(carried_name) + std::string(native) + "}");
    bool carried_as_string = converted.find(std::string(carried_name) + "{\"line\":\"") != std::string_view::npos;
    if (!carried_as_written && !carried_as_string) fuzz::fail("a converted record without the native one", converted);
    if (recorder_line && !carried_as_written) fuzz::fail("a line simdjson reads was not read", converted);
    simdjson::padded_string copy(converted);
    if ((recorder_line || carried_as_string) && parser.parse(copy).get_object().get(object) != simdjson::SUCCESS) {
      fuzz::fail("a converted record is not a JSON object", converted);
    }
  }
  for (RecordFormat format : {RecordFormat::native, RecordFormat::ecs, RecordFormat::ocsf}) {
    std::string message;
    append_syslog_message(message, record, syslog_facility_named("local3"), "host name\n", format);
    std::size_t body = after_structured_data(message);
    if (message.find('\n') != std::string::npos || body == std::string::npos ||
        std::string_view(message).substr(body) != record.text(format)) {
      fuzz::fail("a syslog message that is not header, structured data and the record", message);
    }
  }
  return 0;
}
