// Records as `vigil log` and `vigil report` read them: each line of the
// input is a line of a log, which the logged program can write as it
// likes. Every record goes through the filters, the readable line and the
// incident builder; the report is written at the end.
#include "fuzz_support.h"

#include "logs/readable_record.h"
#include "logs/record_filter.h"
#include "report/html_report.h"
#include "report/incident.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {
namespace {

RecordQuery query_of(std::vector<std::string> fields, auto&& shape) {
  RecordQuery query;
  for (const std::string& text : fields) {
    FieldCondition condition;
    if (!parse_field_condition(text, "", condition)) fuzz::fail("a harness field condition does not parse", text);
    query.fields.push_back(std::move(condition));
  }
  shape(query);
  return query;
}

std::vector<RecordFilter> filters() {
  std::vector<RecordFilter> all;
  all.emplace_back(query_of({"args.path=/etc/*"}, [](RecordQuery& q) {
    q.kinds = {"event", "alert"};
    q.events = {"open*", "socket.*"};
    q.since = "2026-11-22T00:00:00.000000Z";
    q.until = "2026-11-23T00:00:00.000000Z";
  }));
  all.emplace_back(query_of({}, [](RecordQuery& q) {
    q.trees = {1, 10};
    q.pids = {0, 20};
    q.min_severity = 2;
  }));
  all.emplace_back(query_of({"args.address.0=10.*", "site.file=*.py", "args.0.1=?"}, [](RecordQuery&) {}));
  return all;
}

// What a terminal must never receive from a logged text: C0 and C1
// controls, DEL and bidirectional overrides.
void check_terminal_safe(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    auto next = [&](std::size_t ahead) {
      return i + ahead < text.size() ? static_cast<unsigned char>(text[i + ahead]) : 0u;
    };
    bool c1 = byte == 0xC2 && next(1) >= 0x80 && next(1) < 0xA0;
    bool bidi = byte == 0xE2 && ((next(1) == 0x80 && (next(2) == 0x8E || next(2) == 0x8F ||
                                                      (next(2) >= 0xAA && next(2) <= 0xAE))) ||
                                 (next(1) == 0x81 && next(2) >= 0xA6 && next(2) <= 0xA9));
    if (byte < 0x20 || byte == 0x7F || c1 || bidi) fuzz::fail("a readable record reaches the terminal raw", text);
  }
}

}  // namespace
}  // namespace vigil

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  static simdjson::dom::parser parser;
  std::vector<RecordFilter> queries = filters();
  IncidentBuilder builder(ReportLimits{.timeline_rows = 4,
                                       .alerts = 4,
                                       .transcripts = 2,
                                       .transcript_bytes = 64,
                                       .targets = 3,
                                       .processes = 3});
  fuzz::for_each_line(std::string_view(reinterpret_cast<const char*>(data), size), [&](std::string_view line) {
    simdjson::padded_string padded(line);
    simdjson::dom::object record;
    if (parser.parse(padded).get_object().get(record) != simdjson::SUCCESS) {
      builder.add_bad_line();
      return;
    }
    for (RecordFilter& filter : queries) filter.matches(record);
    check_terminal_safe(readable_record(record, false));
    readable_record(record, true);
    builder.add(record);
    builder.see(record);  // because chains naming later records resolve in one reading
  });
  Incident incident = builder.finish();
  std::ostringstream page;
  write_html_report(incident, ReportHeader{"fuzz", {"fuzz.log"}, "2026-11-22T00:00:00Z"}, page);
  if (page.view().find("<script") != std::string_view::npos) fuzz::fail("a report with a script", page.view());
  return 0;
}
