#include "recorder.h"
#include "sinks/record_formats.h"
#include "sinks/remote_sink.h"
#include "sinks/sink_settings.h"
#include "sinks/spool.h"
#include "sinks/syslog_message.h"
#include "version.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <memory>
#include <set>
#include <netinet/in.h>
#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vigil {
namespace {

using nlohmann::json;

constexpr std::string_view kEventLine =
    R"({"ts":"2026-11-22T16:04:08.617431Z","seq":7,"kind":"event","pid":42,"host":"web1","event":"socket.connect",)"
    R"("tid":43,"site":{"file":"/srv/a.py","line":3,"function":"main"},"args":{"self":{"type":"socket"},)"
    R"("address":["10.0.0.9",4444]},"decision":{"action":"deny","enforced":true,"rules":["r"]}})"
    "\n";
constexpr std::string_view kAlertLine =
    R"({"ts":"2026-11-22T16:04:08.617500Z","seq":8,"kind":"alert","pid":42,"host":"web1","rule":"reverse-shell",)"
    R"("severity":"high","attack":["T1059.006"],"message":"shell on a socket","seq_ref":7,"event":"socket.connect",)"
    R"("action":"alert","enforced":false})"
    "\n";

// A fresh directory under the test's temporary directory.
std::string scratch_directory(const char* name) {
  std::string pattern = testing::TempDir() + "/" + name + "-XXXXXX";
  return mkdtemp(pattern.data());
}

Record event_record() { return Record(kEventLine, "event", 7, 42, {"socket.connect", {}, -1}); }
Record alert_record() { return Record(kAlertLine, "alert", 8, 42, {"socket.connect", "reverse-shell", 3}); }

TEST(RecordFormats, EcsMapsTheContractAndKeepsTheNativeRecord) {
  json ecs = json::parse(event_record().text(RecordFormat::ecs));
  EXPECT_EQ(ecs["@timestamp"], "2026-11-22T16:04:08.617431Z");
  EXPECT_EQ(ecs["event"]["action"], "socket.connect");
  EXPECT_EQ(ecs["event"]["category"], json::array({"network"}));
  EXPECT_EQ(ecs["event"]["outcome"], "failure");
  EXPECT_EQ(ecs["event"]["sequence"], 7);
  EXPECT_EQ(ecs["destination"]["address"], "10.0.0.9");
  EXPECT_EQ(ecs["destination"]["port"], 4444);
  EXPECT_EQ(ecs["process"]["pid"], 42);
  EXPECT_EQ(ecs["process"]["thread"]["id"], 43);
  EXPECT_EQ(ecs["log"]["origin"]["file"]["name"], "/srv/a.py");
  EXPECT_EQ(ecs["host"]["hostname"], "web1");
  EXPECT_EQ(ecs["vigil"], json::parse(kEventLine));

  json alert = json::parse(alert_record().text(RecordFormat::ecs));
  EXPECT_EQ(alert["event"]["kind"], "alert");
  EXPECT_EQ(alert["event"]["severity"], 73);
  EXPECT_EQ(alert["rule"]["name"], "reverse-shell");
  EXPECT_EQ(alert["threat"]["technique"]["id"], json::array({"T1059.006"}));
}

TEST(RecordFormats, OcsfChoosesTheClassByKind) {
  json event = json::parse(event_record().text(RecordFormat::ocsf));
  EXPECT_EQ(event["class_uid"], 4001);
  EXPECT_EQ(event["activity_id"], 1);
  EXPECT_EQ(event["type_uid"], 400101);
  EXPECT_EQ(event["status_id"], 2);
  EXPECT_EQ(event["time"], 1795363448617LL);
  EXPECT_EQ(event["dst_endpoint"]["ip"], "10.0.0.9");
  EXPECT_EQ(event["metadata"]["uid"], "web1:42:7");
  EXPECT_EQ(event["unmapped"], json::parse(kEventLine));

  json alert = json::parse(alert_record().text(RecordFormat::ocsf));
  EXPECT_EQ(alert["class_uid"], 2004);
  EXPECT_EQ(alert["severity_id"], 4);
  EXPECT_EQ(alert["finding_info"]["title"], "reverse-shell");
  EXPECT_EQ(alert["finding_info"]["attacks"][0]["technique"]["uid"], "T1059.006");
}

TEST(RecordFormats, ALineThatIsNotOneJsonObjectIsCarriedAsAString) {
  // The first was found by tests/fuzz/record_formats_fuzz: nlohmann's
  // parser took a NUL for the end of its input, so "{…}\0junk" parsed, and
  // the line went into the output as written: not JSON. On `[1,2]` the
  // nlohmann converter threw.
  const std::string lines[] = {
      std::string(R"({"ts":"2026-11-22T16:04:08.617431Z","seq":7})") + '\0' + "junk\n",
      "[1,2]\n",
      R"({"ts":"2026-11-22T16:04:08.617431Z"} {"seq":7})" "\n",
      R"({"ts":"2026-11-22T16:04:08.617431Z","args":{"path":"\ud800"}})" "\n",
      R"({"ts":"2026-11-22T16:04:08.617431Z","args":{"path":")" "\xff" R"("}})" "\n",
      R"({"ts":"2026-11-22T16:04:08.617431Z","args":[1,2}})" "\n",
      R"({"ts":"2026-11-22T16:04:08.617431Z","n":01})" "\n",
  };
  for (const std::string& line : lines) {
    Record record(line, "event", 7, 42, {"open", {}, -1});
    for (RecordFormat format : {RecordFormat::ecs, RecordFormat::ocsf}) {
      json converted = json::parse(record.text(format));
      std::string expected = line.substr(0, line.size() - 1);
      if (std::size_t invalid = expected.find('\xff'); invalid != std::string::npos) {
        expected.replace(invalid, 1, "\xef\xbf\xbd");  // U+FFFD
      }
      EXPECT_EQ(converted[format == RecordFormat::ecs ? "vigil" : "unmapped"]["line"], expected) << line;
    }
  }
}

// Real native lines (vigil-python on the benchmark workloads, a script
// that raises alerts of every severity, an enforcing policy, a heartbeat
// and a failing sink, the e2e suite's logs, and hand-made edge cases)
// with what the converter before the one-pass writer made of each: an
// nlohmann document, serialised with its members in name order.
struct FormatGoldens {
  std::vector<std::string> native, ecs, ocsf;
};

std::vector<std::string> golden_lines(const std::string& name) {
  std::ifstream file(std::string(VIGIL_SOURCE_DIR) + "/tests/unit/data/record_formats/" + name);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

// The goldens were written by Vigil 0.1.0, whose version ECS and OCSF name.
std::vector<std::string> with_this_version(std::vector<std::string> lines) {
  for (const char* product : {R"("agent":{"type":"vigil","version":")", R"("vendor_name":"Vigil","version":")"}) {
    std::string written = std::string(product) + "0.1.0\"";
    std::string now = std::string(product) + kVigilVersion + "\"";
    for (std::string& line : lines) {
      if (std::size_t at = line.find(written); at != std::string::npos) line.replace(at, written.size(), now);
    }
  }
  return lines;
}

FormatGoldens format_goldens(const std::string& corpus, std::size_t at_least) {
  FormatGoldens goldens{golden_lines(corpus + ".jsonl"), with_this_version(golden_lines(corpus + ".ecs.jsonl")),
                        with_this_version(golden_lines(corpus + ".ocsf.jsonl"))};
  EXPECT_GE(goldens.native.size(), at_least) << corpus;
  EXPECT_EQ(goldens.native.size(), goldens.ecs.size()) << corpus;
  EXPECT_EQ(goldens.native.size(), goldens.ocsf.size()) << corpus;
  return goldens;
}

// What the recorder's caller tells it of the record, here read back from it.
std::string converted_as_recorded(const std::string& native, RecordFormat format) {
  json parsed = json::parse(native, nullptr, false);
  auto text = [&](const char* name) {
    return parsed.is_object() && parsed.contains(name) && parsed[name].is_string() ? parsed[name].get<std::string>()
                                                                                    : std::string();
  };
  std::string kind = text("kind");
  std::string event = text("event");
  std::string rule = text("rule");
  auto number = [&](const char* name) {
    return parsed.is_object() && parsed.contains(name) && parsed[name].is_number_unsigned()
               ? parsed[name].get<std::uint64_t>()
               : 0;
  };
  std::string line = native + "\n";
  Record record(line, kind, number("seq"), static_cast<pid_t>(number("pid")),
                {event, rule, severity_rank(text("severity"))});
  return std::string(record.text(format));
}

TEST(RecordFormats, EveryKindOfRealRecordConvertsAsBeforeByteForByte) {
  FormatGoldens goldens = format_goldens("records", 100);
  std::set<std::string> kinds;
  for (std::size_t i = 0; i < goldens.native.size(); ++i) {
    json parsed = json::parse(goldens.native[i], nullptr, false);
    if (parsed.is_object() && parsed.value("kind", json()).is_string()) kinds.insert(parsed["kind"].get<std::string>());
    EXPECT_EQ(converted_as_recorded(goldens.native[i], RecordFormat::ecs), goldens.ecs[i]) << goldens.native[i];
    EXPECT_EQ(converted_as_recorded(goldens.native[i], RecordFormat::ocsf), goldens.ocsf[i]) << goldens.native[i];
  }
  for (std::string_view kind : kRecordKinds) EXPECT_TRUE(kinds.contains(std::string(kind))) << kind;
}

// Mapped values are copied as the native line writes them, where the old
// converter decoded and encoded them again: its output had U+2028, DEL and
// C1 controls raw and \u escapes of other characters decoded, and the
// members of a mapped object (a file name that is not UTF-8) in name order.
// The values are the same; only how the text writes them changed
// (docs/formats.md).
TEST(RecordFormats, ValuesTheOldConverterWroteAgainAreTheSameValuesAsWritten) {
  FormatGoldens goldens = format_goldens("rewritten", 5);
  std::size_t texts_differ = 0;
  for (std::size_t i = 0; i < goldens.native.size(); ++i) {
    std::string ecs = converted_as_recorded(goldens.native[i], RecordFormat::ecs);
    std::string ocsf = converted_as_recorded(goldens.native[i], RecordFormat::ocsf);
    EXPECT_EQ(json::parse(ecs), json::parse(goldens.ecs[i])) << goldens.native[i];
    EXPECT_EQ(json::parse(ocsf), json::parse(goldens.ocsf[i])) << goldens.native[i];
    texts_differ += (ecs != goldens.ecs[i]) + (ocsf != goldens.ocsf[i]);
  }
  EXPECT_GT(texts_differ, 0u);
}

TEST(SyslogMessage, IsRfc5424WithStructuredData) {
  std::string message;
  Record alert = alert_record();
  append_syslog_message(message, alert, 10, "web1", RecordFormat::native);
  // authpriv (10) * 8 + err (3) for a high alert.
  EXPECT_EQ(message,
            "<83>1 2026-11-22T16:04:08.617500Z web1 vigil-python 42 alert [vigil@32473 kind=\"alert\" seq=\"8\" "
            "event=\"socket.connect\" rule=\"reverse-shell\" severity=\"high\"] " +
                std::string(alert.line()));
}

TEST(SyslogMessage, EscapesHostileEventNames) {
  std::string message;
  Record record(kEventLine, "event", 7, 42, {"a\"b]c\\d\ne", {}, -1});
  append_syslog_message(message, record, 1, "host name", RecordFormat::native);
  EXPECT_NE(message.find(R"(event="a\"b\]c\\d?e")"), std::string::npos) << message;
  EXPECT_NE(message.find(" host?name "), std::string::npos) << message;
}

TEST(SinkSettings, FiltersByKindEventAndSeverity) {
  SinkSettings settings;
  settings.kinds = {"event", "alert"};
  settings.events = {"socket.*"};
  settings.min_severity = 4;
  EXPECT_TRUE(settings.accepts(event_record()));
  EXPECT_FALSE(settings.accepts(alert_record()));  // high < critical
  settings.min_severity = 3;
  EXPECT_TRUE(settings.accepts(alert_record()));
  settings.events = {"open"};
  EXPECT_FALSE(settings.accepts(event_record()));
  Record start(kEventLine, "start", 1, 42, {});
  EXPECT_FALSE(settings.accepts(start));
}

TEST(Spool, KeepsWholeFramesAndHandsOverOrphans) {
  std::size_t count = 0;
  EXPECT_EQ(whole_frames("3 abc5 hello4 cu", count), "3 abc5 hello");
  EXPECT_EQ(count, 2u);
  std::string directory = scratch_directory("spool");
  std::string error;
  {
    Spool ended(directory);
    ASSERT_TRUE(ended.append("3 abc", error)) << error;
    ASSERT_TRUE(ended.append("2 de", error)) << error;
    Spool alive(directory);
    EXPECT_EQ(alive.deliver_orphans([](std::string_view) { return true; }), 0u);  // locked by `ended`
  }
  Spool next(directory);
  std::string delivered;
  EXPECT_EQ(next.deliver_orphans([&](std::string_view frames) {
    delivered.assign(frames);
    return true;
  }),
            2u);
  EXPECT_EQ(delivered, "3 abc2 de");
  EXPECT_EQ(next.deliver_orphans([](std::string_view) { return true; }), 0u);
}

TEST(Spool, SkipsAFifoUnderASpoolName) {
  std::string directory = scratch_directory("spool-fifo");
  std::string fifo = directory + "/1-1.1.spool";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  // On its own thread: reading the FIFO would never return.
  auto delivered = std::make_shared<std::promise<std::size_t>>();
  std::thread([directory, delivered] {
    Spool next(directory);
    delivered->set_value(next.deliver_orphans([](std::string_view) { return true; }));
  }).detach();
  auto result = delivered->get_future();
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "deliver_orphans hangs on a FIFO";
  EXPECT_EQ(result.get(), 0u);
  unlink(fifo.c_str());
}

TEST(Spool, AFileSizeLimitFailsTheWriteWithoutKillingTheProcess) {
  std::string directory = scratch_directory("spool-fsize");
  pid_t child = fork();
  if (child == 0) {
    signal(SIGXFSZ, SIG_DFL);
    rlimit limit{1, RLIM_INFINITY};
    setrlimit(RLIMIT_FSIZE, &limit);
    Spool spool(directory);
    std::string error;
    bool written = spool.append("5 hello", error);
    _exit(!written && error.find("File too large") != std::string::npos ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
}

// A collector on loopback that accepts and keeps what it reads.
class Collector {
 public:
  Collector() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t size = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    listen(listener_, 4);
  }
  ~Collector() { close(listener_); }
  int port() const { return port_; }
  std::string read_until(std::size_t frames) {
    int connection = accept(listener_, nullptr, nullptr);
    std::string bytes;
    char buffer[4096];
    std::size_t count = 0;
    while (count < frames) {
      ssize_t n = read(connection, buffer, sizeof buffer);
      if (n <= 0) break;
      bytes.append(buffer, static_cast<std::size_t>(n));
      whole_frames(bytes, count);
    }
    close(connection);
    return bytes;
  }

 private:
  int listener_;
  int port_ = 0;
};

TEST(RemoteSink, SendsOctetCountedFramesFromItsOwnThread) {
  Collector collector;
  SinkSettings settings;
  settings.name = "remote";
  settings.type = "syslog";
  settings.address = "tcp://127.0.0.1:" + std::to_string(collector.port());
  RemoteSink sink(settings, *parse_stream_address(settings.address), scratch_directory("remote-spool"));
  ASSERT_TRUE(sink.write(event_record()));
  ASSERT_TRUE(sink.write(alert_record()));
  std::string bytes = collector.read_until(2);
  std::size_t count = 0;
  EXPECT_EQ(whole_frames(bytes, count).size(), bytes.size());
  EXPECT_EQ(count, 2u);
  EXPECT_NE(bytes.find(std::string(alert_record().line())), std::string::npos);
}

TEST(RemoteSink, ParsesAddresses) {
  auto v6 = parse_stream_address("tls://[::1]:6514");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->tls);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "6514");
  EXPECT_FALSE(parse_stream_address("udp://host:514"));
  EXPECT_FALSE(parse_stream_address("tcp://host"));
  EXPECT_FALSE(parse_stream_address("tcp://host:port"));
}

}  // namespace
}  // namespace vigil
