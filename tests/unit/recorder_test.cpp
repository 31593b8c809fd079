#include "recorder.h"

#include "chain_hash.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <sys/wait.h>
#include <unistd.h>

namespace vigil {
namespace {

// Keeps lines in memory; fails when told to, as a full disk does, to show
// drops.
class MemorySink final : public Sink {
 public:
  explicit MemorySink(std::vector<std::string>& lines, bool& fail) : lines_(lines), fail_(fail) {}
  bool write(const Record& record) override {
    if (fail_) {
      errno = ENOSPC;
      return false;
    }
    lines_.emplace_back(record.line_with_newline());
    return true;
  }

 private:
  std::vector<std::string>& lines_;
  bool& fail_;
};

StartInfo sample_start() {
  StartInfo info;
  info.argv = {"vigil-python", "-c", "pass"};
  info.exe = "/usr/bin/vigil-python";
  info.entry = {"command", "pass", false, ""};
  info.python_version = "3.11.2";
  info.policy = {"default", std::string(64, '0'), "built-in", "audit", false, {}};
  info.log = "memory";
  return info;
}

TEST(Recorder, StampsEveryRecordWithTheContractFields) {
  std::vector<std::string> lines;
  bool fail = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.write_start();
  recorder.emit("event", R"(,"event":"x")");
  recorder.write_stop(0);
  ASSERT_EQ(lines.size(), 3u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(lines[i].back(), '\n');
    auto record = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(record["seq"], i + 1);
    EXPECT_EQ(record["pid"], getpid());
    EXPECT_TRUE(record["host"].is_string());
    EXPECT_EQ(record["ts"].get<std::string>().size(), 27u);
  }
  auto start = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(start["kind"], "start");
  EXPECT_EQ(start["entry"]["mode"], "command");
  EXPECT_EQ(start["ppid"], getppid());
  EXPECT_EQ(nlohmann::json::parse(lines[1])["event"], "x");
}

TEST(Recorder, EachRecordNamesTheBlake2bOfTheLineBeforeIt) {
  std::vector<std::string> lines;
  bool fail = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.write_start();
  recorder.emit("event", R"(,"event":"x")");
  fail = true;
  recorder.emit("event", R"(,"event":"lost")");
  fail = false;
  recorder.write_stop(0);
  ASSERT_EQ(lines.size(), 3u);
  auto start = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(start["chain"], true);
  EXPECT_EQ(start["chain_hash"], "blake2b-256");
  EXPECT_FALSE(start.contains("prev"));
  char expected[64];
  chain_hash_hex(ChainHash::blake2b_256, std::string_view(lines[0]).substr(0, lines[0].size() - 1), expected);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["prev"], std::string(expected, sizeof expected));
  // The lost record still advanced the chain: the stop names its line,
  // which the log does not have.
  auto stop = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(stop["seq"], 4);
  chain_hash_hex(ChainHash::blake2b_256, std::string_view(lines[1]).substr(0, lines[1].size() - 1), expected);
  EXPECT_NE(stop["prev"], std::string(expected, sizeof expected));
  EXPECT_EQ(stop["prev"].get<std::string>().size(), 64u);
}

TEST(Recorder, AnUnchainedRunNamesNoHash) {
  std::vector<std::string> lines;
  bool fail = false;
  StartInfo info = sample_start();
  info.chain = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), info);
  recorder.write_start();
  recorder.emit("event", R"(,"event":"x")");
  auto start = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(start["chain"], false);
  EXPECT_FALSE(start.contains("chain_hash"));
  EXPECT_FALSE(nlohmann::json::parse(lines[1]).contains("prev"));
}

TEST(Recorder, DroppedRecordsLeaveAGapAndAreCounted) {
  std::vector<std::string> lines;
  bool fail = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.write_start();
  fail = true;
  recorder.emit("event", "");
  fail = false;
  recorder.write_stop(0);
  auto stop = nlohmann::json::parse(lines.back());
  EXPECT_EQ(stop["seq"], 3);
  EXPECT_EQ(stop["records_dropped"], 1);
  EXPECT_EQ(stop["records_written"], 1);
}

TEST(Recorder, TheLogsLossesAreReportedOnceItTakesRecordsAgain) {
  std::vector<std::string> lines;
  bool fail = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.write_start();
  fail = true;
  recorder.emit("event", "");
  recorder.emit("event", "");
  EXPECT_EQ(recorder.log_error(), ENOSPC);
  fail = false;
  recorder.emit("event", "");
  EXPECT_EQ(recorder.log_error(), 0);
  recorder.write_stop(0);
  std::vector<nlohmann::json> records;
  for (const std::string& line : lines) records.push_back(nlohmann::json::parse(line));
  auto delivery = std::find_if(records.begin(), records.end(), [](const auto& r) { return r["kind"] == "delivery"; });
  ASSERT_NE(delivery, records.end()) << lines.size();
  EXPECT_EQ((*delivery)["sink"], "log");
  EXPECT_EQ((*delivery)["dropped"], 2);
  EXPECT_EQ((*delivery)["first_seq"], 2);
  EXPECT_EQ((*delivery)["last_seq"], 3);
  EXPECT_NE((*delivery)["reason"].get<std::string>().find("No space left on device"), std::string::npos);
  EXPECT_EQ(records.back()["kind"], "stop");
  EXPECT_EQ(records.back()["records_dropped"], 2);
}

TEST(Recorder, AStartRecordTheLogRefusesStartsAgainInTheNextLog) {
  std::vector<std::string> full_lines, next_lines;
  bool full = true, next_fails = false;
  Recorder recorder(std::make_unique<MemorySink>(full_lines, full), sample_start());
  recorder.write_start();
  ASSERT_NE(recorder.log_error(), 0);
  EXPECT_EQ(recorder.write_start_in(std::make_unique<MemorySink>(next_lines, next_fails), "next",
                                    {{"memory", "cannot write the start record: No space left on device"}}),
            1u);
  EXPECT_EQ(recorder.log_error(), 0);
  recorder.write_stop(0);
  ASSERT_EQ(next_lines.size(), 2u);
  auto start = nlohmann::json::parse(next_lines[0]);
  EXPECT_EQ(start["seq"], 1);
  EXPECT_EQ(start["log"], "next");
  EXPECT_EQ(start["unusable_logs"][0]["path"], "memory");
  auto stop = nlohmann::json::parse(next_lines[1]);
  EXPECT_EQ(stop["seq"], 2);
  EXPECT_EQ(stop["records_dropped"], 0);
}

TEST(Recorder, StopIsWrittenOnce) {
  std::vector<std::string> lines;
  bool fail = false;
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.set_stop_reason("because");
  recorder.write_stop(3);
  recorder.write_stop(4);
  ASSERT_EQ(lines.size(), 1u);
  auto stop = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(stop["status"], 3);
  EXPECT_EQ(stop["reason"], "because");
}

TEST(Recorder, ForkedChildRestartsNumberingUnderItsOwnPid) {
  std::vector<std::string> lines;
  bool fail = false;
  int channel[2];
  ASSERT_EQ(pipe(channel), 0);
  Recorder recorder(std::make_unique<MemorySink>(lines, fail), sample_start());
  recorder.write_start();
  recorder.emit("event", "");
  recorder.before_fork();
  pid_t child = fork();
  if (child == 0) {
    recorder.after_fork_in_child(false);
    recorder.emit("event", R"(,"event":"in child")");
    std::string all;
    for (std::size_t i = 2; i < lines.size(); ++i) all += lines[i];
    (void)!write(channel[1], all.data(), all.size());
    _exit(0);
  }
  recorder.after_fork_in_parent();
  close(channel[1]);
  std::string child_output;
  char buffer[4096];
  for (ssize_t n; (n = read(channel[0], buffer, sizeof buffer)) > 0;) child_output.append(buffer, n);
  waitpid(child, nullptr, 0);
  auto newline = child_output.find('\n');
  auto child_start = nlohmann::json::parse(child_output.substr(0, newline));
  auto child_event = nlohmann::json::parse(child_output.substr(newline + 1));
  EXPECT_EQ(child_start["kind"], "start");
  EXPECT_EQ(child_start["origin"], "fork");
  EXPECT_EQ(child_start["seq"], 1);
  EXPECT_EQ(child_start["pid"], child);
  EXPECT_EQ(child_start["ppid"], getpid());
  EXPECT_EQ(child_event["seq"], 2);
  recorder.emit("event", "");
  EXPECT_EQ(nlohmann::json::parse(lines.back())["seq"], 3);
}

}  // namespace
}  // namespace vigil
