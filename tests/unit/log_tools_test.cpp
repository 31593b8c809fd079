#include "logs/because_chain.h"
#include "logs/log_lines.h"
#include "logs/readable_record.h"
#include "logs/record_filter.h"
#include "logs/repeated_values.h"
#include "logs/safe_text.h"
#include "logs/time_bound.h"
#include "report/html_report.h"
#include "report/incident.h"
#include "scratch_path.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>

namespace vigil {
namespace {

constexpr std::time_t kNow = 1795305600;  // 2026-11-22T00:00:00Z

TEST(TimeBound, ReadsDatesTimesZonesAndAges) {
  EXPECT_EQ(parse_time_bound("2026-11-22", kNow), "2026-11-22T00:00:00.000000Z");
  EXPECT_EQ(parse_time_bound("2026-11-22T16:04", kNow), "2026-11-22T16:04:00.000000Z");
  EXPECT_EQ(parse_time_bound("2026-11-22 16:04:08.5", kNow), "2026-11-22T16:04:08.500000Z");
  EXPECT_EQ(parse_time_bound("2026-11-22T16:04:08.1234567Z", kNow), "2026-11-22T16:04:08.123456Z");
  EXPECT_EQ(parse_time_bound("2026-11-22T18:04:08+02:00", kNow), "2026-11-22T16:04:08.000000Z");
  EXPECT_EQ(parse_time_bound("90s", kNow), "2026-11-21T23:58:30.000000Z");
  EXPECT_EQ(parse_time_bound("2h", kNow), "2026-11-21T22:00:00.000000Z");
  EXPECT_EQ(parse_time_bound("7d", kNow), "2026-11-15T00:00:00.000000Z");
  EXPECT_EQ(parse_time_bound("2028-02-29", kNow), "2028-02-29T00:00:00.000000Z");
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-22T25:00", "2026-11-22X", "5y", "m", "-3h",
                          "2026-02-29", "2026-04-31", "2026-11-22T10:00+99:99", "2026-11-22T10:00-24:00",
                          "2026-11-22T10:00+01:60"}) {
    EXPECT_FALSE(parse_time_bound(bad, kNow)) << bad;
  }
}

class Filtering : public ::testing::Test {
 protected:
  bool matches(RecordFilter& filter, const std::string& line) {
    simdjson::padded_string padded(line);
    simdjson::dom::object record;
    EXPECT_EQ(parser_.parse(padded).get_object().get(record), simdjson::SUCCESS) << line;
    return filter.matches(record);
  }
  simdjson::dom::parser parser_;
};

constexpr const char* kConnect =
    R"({"ts":"2026-11-22T10:00:00.000000Z","seq":7,"kind":"event","pid":10,"host":"h","event":"socket.connect",)"
    R"("site":{"file":"/srv/a.py","line":3},"args":{"address":["10.0.0.5",443],"flag":true}})";
constexpr const char* kAlert =
    R"({"ts":"2026-11-22T10:00:01.000000Z","seq":8,"kind":"alert","pid":10,"host":"h","event":"socket.connect",)"
    R"("rule":"r","severity":"medium"})";

TEST_F(Filtering, KindsOfConditionsCombine) {
  RecordQuery query;
  query.events = {"socket.*", "subprocess.*"};
  query.kinds = {"event"};
  RecordFilter events(query);
  EXPECT_TRUE(matches(events, kConnect));
  EXPECT_FALSE(matches(events, kAlert));

  RecordQuery severe;
  severe.min_severity = 2;
  RecordFilter medium(severe);
  EXPECT_TRUE(matches(medium, kAlert));
  EXPECT_FALSE(matches(medium, kConnect));
  severe.min_severity = 3;
  RecordFilter high(severe);
  EXPECT_FALSE(matches(high, kAlert));
}

TEST_F(Filtering, FieldsFollowDottedPathsThroughArrays) {
  for (auto [text, expected] : {std::pair{"args.address.0=10.0.*", true}, std::pair{"args.address.1=443", true},
                                std::pair{"args.address=\\[\"10.0.0.5\",443\\]", true}, std::pair{"args.flag=true", true},
                                std::pair{"site.file=/srv/*", true}, std::pair{"args.address.2=*", false},
                                std::pair{"args.missing=*", false}, std::pair{"site.line.x=*", false}}) {
    RecordQuery query;
    query.fields.emplace_back();
    ASSERT_TRUE(parse_field_condition(text, "", query.fields.back())) << text;
    RecordFilter filter(query);
    EXPECT_EQ(matches(filter, kConnect), expected) << text;
  }
  FieldCondition condition;
  EXPECT_FALSE(parse_field_condition("novalue", "args.", condition));
  EXPECT_FALSE(parse_field_condition("=x", "args.", condition));
  EXPECT_FALSE(parse_field_condition("a..b=x", "", condition));
}

TEST_F(Filtering, TimeRangeIsHalfOpen) {
  RecordQuery query;
  query.since = "2026-11-22T10:00:00.000000Z";
  query.until = "2026-11-22T10:00:01.000000Z";
  RecordFilter filter(query);
  EXPECT_TRUE(matches(filter, kConnect));
  EXPECT_FALSE(matches(filter, kAlert));
}

TEST_F(Filtering, TreeGrowsWithChildrenStartedLater) {
  RecordQuery query;
  query.trees = {10};
  RecordFilter filter(query);
  const std::string child_start = R"({"ts":"t","seq":1,"kind":"start","pid":11,"host":"h","ppid":10})";
  const std::string grandchild_start = R"({"ts":"t","seq":1,"kind":"start","pid":12,"host":"h","ppid":11})";
  const std::string stranger = R"({"ts":"t","seq":1,"kind":"start","pid":13,"host":"h","ppid":1})";
  EXPECT_TRUE(matches(filter, child_start));
  EXPECT_TRUE(matches(filter, grandchild_start));
  EXPECT_FALSE(matches(filter, stranger));
  EXPECT_TRUE(matches(filter, R"({"ts":"t","seq":2,"kind":"event","pid":12,"host":"h"})"));

  RecordQuery pids;
  pids.pids = {10};
  RecordFilter only(pids);
  EXPECT_FALSE(matches(only, child_start));
}

TEST(Incident, KeepsAtMostTheProcessLimitAndCountsTheRest) {
  ReportLimits limits;
  limits.processes = 2;
  IncidentBuilder builder(limits);
  simdjson::dom::parser parser;
  auto add = [&](const std::string& line) {
    simdjson::padded_string padded(line);
    simdjson::dom::object record;
    ASSERT_EQ(parser.parse(padded).get_object().get(record), simdjson::SUCCESS);
    builder.add(record);
  };
  auto start = [](int pid) {
    return R"({"ts":"t","seq":1,"kind":"start","pid":)" + std::to_string(pid) + R"(,"host":"h","ppid":1})";
  };
  add(start(10));
  add(start(11));
  add(start(10));  // pid 10 again: a third run, beyond the limit
  add(R"({"ts":"t","seq":2,"kind":"stop","pid":10,"host":"h","status":3})");
  add(start(12));
  Incident incident = builder.finish();
  ASSERT_EQ(incident.processes.size(), 2u);
  EXPECT_EQ(incident.processes_omitted, 2);
  // The new run's stop must not end the first run of pid 10.
  EXPECT_FALSE(incident.processes[0].exit_status);
  EXPECT_EQ(incident.processes[0].records, 1);
}

// Parses one JSON object line, kept alive by the parser until the next parse.
simdjson::dom::object object_of(simdjson::dom::parser& parser, const std::string& line) {
  simdjson::dom::object record;
  EXPECT_EQ(parser.parse(line).get_object().get(record), simdjson::SUCCESS) << line;
  return record;
}

TEST(BecauseChain, ReadsSubjectAndFactsAndSkipsFactsWithoutAnEvent) {
  simdjson::dom::parser parser;
  AlertExplanation old = explanation_of(object_of(parser, R"({"kind":"alert","pid":7,"seq":3,"rule":"r"})"));
  EXPECT_TRUE(old.subject.empty());
  EXPECT_TRUE(old.because.empty());
  AlertExplanation explained = explanation_of(object_of(parser, R"({"kind":"alert","pid":7,"seq":9,
      "subject":"/bin/sh\u001b[2J","because":[{"fact":"net.connected","pid":6,"seq":4,"subject":"10.0.0.1:80"},
      {"fact":"no.event"},{"fact":"own","seq":5},"not an object",{"fact":"bad seq","seq":-1}]})"));
  EXPECT_EQ(explained.subject, "/bin/sh\\x1b[2J");
  ASSERT_EQ(explained.because.size(), 2u);
  EXPECT_EQ(explained.because[0].fact, "net.connected");
  EXPECT_EQ(explained.because[0].pid, 6);
  EXPECT_EQ(explained.because[0].seq, 4u);
  EXPECT_EQ(explained.because[0].subject, "10.0.0.1:80");
  EXPECT_EQ(explained.because[1].pid, 7);  // without a pid: the alert's own process
  std::string many = R"({"kind":"alert","pid":1,"seq":2,"because":[)";
  for (int i = 0; i < 40; ++i) many += std::string(i ? "," : "") + R"({"fact":"f","seq":1})";
  AlertExplanation bounded = explanation_of(object_of(parser, many + "]}"));
  EXPECT_EQ(bounded.because.size(), AlertExplanation::kMaxFacts);
  EXPECT_EQ(bounded.facts_omitted, 40 - static_cast<long>(AlertExplanation::kMaxFacts));
}

TEST(BecauseChain, FindsTheEventsChainsNameByHostPidAndSeq) {
  simdjson::dom::parser parser;
  FactEvents events;
  EXPECT_TRUE(events.complete());
  events.want("h", 6, 4);
  events.want("h", 6, 5);
  EXPECT_FALSE(events.complete());
  events.offer(object_of(parser, R"({"kind":"event","host":"other","pid":6,"seq":4,"event":"open","args":{}})"));
  events.offer(object_of(parser, R"({"ts":"t1","kind":"event","host":"h","pid":6,"seq":4,"event":"socket.connect",
      "site":{"file":"/a.py","line":3},"args":{"self":"s","address":["10.0.0.1",80]}})"));
  events.offer(object_of(parser, R"({"ts":"t2","kind":"event","host":"h","pid":6,"seq":4,"event":"later"})"));
  events.offer(object_of(parser, R"({"ts":"t3","kind":"stop","host":"h","pid":6,"seq":5,"status":0})"));
  EXPECT_TRUE(events.complete());
  const FactEvent* connect = events.find("h", 6, 4);
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->event, "socket.connect");
  EXPECT_EQ(connect->argument, "10.0.0.1:80");
  EXPECT_EQ(connect->site, "/a.py:3");
  const FactEvent* stop = events.find("h", 6, 5);
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->event, "(stop record, not an event)");
  EXPECT_TRUE(stop->site.empty());
  EXPECT_EQ(events.find("other", 6, 4), nullptr);
  EXPECT_EQ(kinship_text(Kinship::same, 6), "");
  EXPECT_EQ(kinship_text(Kinship::parent, 6), "in its parent, pid 6");
  EXPECT_EQ(kinship_text(Kinship::ancestor, 6), "in an ancestor, pid 6");
}

TEST(Incident, ResolvesBecauseChainsToEventsInAncestorsAndGivesThemTimelineRows) {
  IncidentBuilder builder;
  simdjson::dom::parser parser;
  std::vector<std::string> lines = {
      R"({"ts":"a","seq":1,"kind":"start","pid":10,"host":"h","ppid":1})",
      // An import: not program activity, so not in the timeline until a chain names it.
      R"({"ts":"b","seq":2,"kind":"event","pid":10,"host":"h","event":"import","site":{"file":"/x.py","line":1},
          "args":{"module":"evil"}})",
      R"({"ts":"c","seq":1,"kind":"start","pid":11,"host":"h","ppid":10})",
      R"({"ts":"d","seq":1,"kind":"start","pid":12,"host":"h","ppid":11})",
      R"({"ts":"e","seq":2,"kind":"event","pid":12,"host":"h","event":"os.system","site":{"file":"/y.py","line":2},
          "args":{"command":"sh"}})",
      R"({"ts":"f","seq":3,"kind":"alert","pid":12,"host":"h","rule":"r","severity":"high","attack":[],"message":"m",
          "seq_ref":2,"subject":"sh","because":[{"fact":"module.loaded","pid":10,"seq":2},
          {"fact":"ran","pid":12,"seq":2},{"fact":"lost","pid":11,"seq":9}]})"};
  for (const std::string& line : lines) {
    simdjson::dom::object record = object_of(parser, line);
    builder.add(record);
    builder.see(record);
  }
  ScratchPath log("because.jsonl");
  {
    std::ofstream out(log.c_str());
    // One record a line, as in a log: the literals above wrap.
    for (std::string line : lines) {
      std::erase(line, '\n');
      out << line << "\n";
    }
  }
  builder.resolve_facts({std::string(log)});
  Incident incident = builder.finish();
  ASSERT_EQ(incident.alerts.size(), 1u);
  const AlertRow& alert = incident.alerts[0];
  EXPECT_EQ(alert.subject, "sh");
  ASSERT_EQ(alert.because.size(), 3u);
  EXPECT_EQ(alert.because[0].kinship, Kinship::ancestor);
  ASSERT_TRUE(alert.because[0].process && alert.because[0].event);
  EXPECT_EQ(incident.processes[*alert.because[0].process].pid, 10);
  EXPECT_EQ(alert.because[0].event->event, "import");
  const auto& timeline = incident.processes[*alert.because[0].process].timeline;
  EXPECT_TRUE(std::any_of(timeline.begin(), timeline.end(),
                          [](const TimelineRow& row) { return row.kind == "event" && row.seq == 2 && row.name == "import"; }));
  EXPECT_EQ(alert.because[1].kinship, Kinship::same);
  ASSERT_TRUE(alert.because[1].event);
  EXPECT_EQ(alert.because[1].event->argument, "sh");
  EXPECT_EQ(alert.because[2].kinship, Kinship::parent);
  EXPECT_FALSE(alert.because[2].event);
}

TEST(SafeText, EscapesWhatCouldDriveATerminal) {
  EXPECT_EQ(terminal_safe("a\x1b]0;x\x07z"), "a\\x1b]0;x\\x07z");
  EXPECT_EQ(terminal_safe("\xc2\x9b" "31m"), "\\u009b31m");                 // C1 CSI
  EXPECT_EQ(terminal_safe("abc\xe2\x80\xae" "txt"), "abc\\u202etxt");       // right-to-left override
  EXPECT_EQ(terminal_safe("\xe2\x81\xa6x"), "\\u2066x");                     // isolate
  EXPECT_EQ(terminal_safe("zé → ü\t\n"), "zé → ü\\t\\n");
  EXPECT_EQ(visible_text("line\n\tnext\x1b", true), "line\n\tnext\\x1b");
}

TEST(ReadableRecord, EveryMemberAProgramCanForgeReachesTheTerminalEscaped) {
  // Found by tests/fuzz/log_records_fuzz: a logged program can write any
  // line into its log, and `vigil log` printed these members as they were.
  const std::string escape = R"(\u001b]0;owned\u0007\u001b[2J)";
  const std::vector<std::string> forged = {
      R"({"kind":"alert","severity":")" + escape + R"(","rule":"r","message":"m","seq_ref":")" + escape + R"("})",
      R"({"kind":"event","pid":")" + escape + R"(","seq":")" + escape + R"(","event":"open",)"
      R"("site":{"file":"/a.py","line":")" + escape + R"("}})",
      R"({"kind":"start","ppid":")" + escape + R"(","uid":")" + escape + R"("})",
      R"({"kind":"stop","status":")" + escape + R"(","events_seen":")" + escape + R"(","records_dropped":")" +
          escape + R"("})",
      R"({"kind":"transcript","size":")" + escape + R"(","sha256":")" + escape + R"("})"};
  simdjson::dom::parser parser;
  for (const std::string& line : forged) {
    simdjson::padded_string padded(line);
    simdjson::dom::object record;
    ASSERT_EQ(parser.parse(padded).get_object().get(record), simdjson::SUCCESS) << line;
    std::string readable = readable_record(record, false);
    EXPECT_EQ(readable.find('\x1b'), std::string::npos) << readable;
    EXPECT_EQ(readable.find('\x07'), std::string::npos) << readable;
  }
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape(R"(<img src="x" onerror='y'>&)"), "&lt;img src=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;");
}

TEST(LogLines, YieldsWholeLinesAndHoldsTheUnfinishedOne) {
  ScratchPath path("log_lines");
  std::string long_line(9u << 20, 'x');  // longer than one read block
  {
    std::ofstream out(path, std::ios::binary);
    out << "one\n\n" << long_line << "\npartial";
  }
  LogLines lines(static_cast<const std::string&>(path));
  std::string error;
  ASSERT_TRUE(lines.open(error)) << error;
  std::string_view line;
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "one");
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "");
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line.size(), long_line.size());
  EXPECT_EQ(lines.line_number(), 3);
  EXPECT_FALSE(lines.next(line));
  EXPECT_EQ(lines.pending(), 7u);
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << " now whole\n";
  }
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "partial now whole");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "fresh\n";
  }
  EXPECT_TRUE(lines.reopen_if_replaced());
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "fresh");
}

TEST(LogLines, SkipsAndCountsLinesOverTheBoundAndReadsOn) {
  ScratchPath path("log_lines_bound");
  std::string too_long(LogLines::kMaxLineBytes + 1, 'x');
  {
    std::ofstream out(path, std::ios::binary);
    out << "one\n" << too_long << "\ntwo\n" << too_long << "\n" << too_long;
  }
  LogLines lines(static_cast<const std::string&>(path));
  std::string error;
  ASSERT_TRUE(lines.open(error)) << error;
  std::string_view line;
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "one");
  EXPECT_TRUE(lines.unread().empty());
  ASSERT_TRUE(lines.next(line));
  EXPECT_EQ(line, "two");
  EXPECT_EQ(lines.line_number(), 3);
  EXPECT_FALSE(lines.next(line));
  // The last one never ends: counted all the same.
  EXPECT_EQ(lines.skipped_lines(), 3);
  EXPECT_EQ(lines.first_skipped_line(), 2);
  EXPECT_EQ(lines.unread(), "line 2 and 2 more are longer than 16 MiB: not read");
  EXPECT_TRUE(lines.read_error().empty());
}

TEST(LogLines, RefusesDirectoriesAndDevicesAndSaysWhyAReadFailed) {
  for (const char* path : {"/", "/dev/zero", "/dev/null"}) {
    LogLines lines(path);
    std::string error;
    EXPECT_FALSE(lines.open(error)) << path;
    EXPECT_NE(error.find("not a log"), std::string::npos) << error;
  }
}

TEST(RepeatedValues, PutsBackWhatARecordRefersToPerProcessRun) {
  const std::string lines[] = {
      R"({"seq":1,"kind":"start","pid":7})",
      R"({"seq":2,"kind":"event","pid":7,"event":"import","args":{"module":"a","sys_path":["/x","/y"],"sys_meta_path":[1],"sys_path_hooks":[]}})",
      R"({"seq":3,"kind":"event","pid":7,"event":"import","args":{"module":"b","sys_path":{"same_as":2},"sys_meta_path":{"same_as":2},"sys_path_hooks":[]},"prev":"p"})",
      // Another process's seq 2 is not this one's.
      R"({"seq":3,"kind":"event","pid":8,"event":"import","args":{"module":"c","sys_path":{"same_as":2}}})",
      // A new run of pid 7 forgets the old one's values.
      R"({"seq":1,"kind":"start","pid":7})",
      R"({"seq":3,"kind":"event","pid":7,"event":"import","args":{"module":"d","sys_path":{"same_as":2}}})",
      // Only the catalogue's fields are references.
      R"({"seq":4,"kind":"event","pid":7,"event":"open","args":{"path":{"same_as":2}}})",
  };
  RepeatedValues repeated;
  simdjson::dom::parser parser;
  std::vector<std::string> seen;
  for (const std::string& line : lines) {
    simdjson::dom::object record = object_of(parser, line);
    std::string_view text = line;
    repeated.resolve(record, text);
    seen.emplace_back(text);
    EXPECT_EQ(simdjson::minify(record), text);
  }
  EXPECT_EQ(seen[2],
            R"({"seq":3,"kind":"event","pid":7,"event":"import","args":{"module":"b","sys_path":["/x","/y"],"sys_meta_path":[1],"sys_path_hooks":[]},"prev":"p"})");
  EXPECT_EQ(seen[3], lines[3]);
  EXPECT_EQ(seen[5], lines[5]);
  EXPECT_EQ(seen[6], lines[6]);
}

}  // namespace
}  // namespace vigil
