#include "log_verify_command.h"

#include "hmac_sha256.h"
#include "sha256.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>

namespace vigil {
namespace {

using json = nlohmann::json;

// One run of a process: from its start record (seq 1), or from its first
// record in the files given.
struct ProcessChain {
  std::uint64_t expected_seq = 1;
  bool chained = false;
  bool sealed = false;  // its records carry `hmac`
  std::string last_line_hash;  // empty: the line before is unknown
  std::uint64_t records = 0;
  bool stopped = false;
  std::string where;  // of its first record, for the report
};

// `,"hmac":"` + 64 hex digits + `"}`: the member ends every sealed line.
constexpr std::string_view kHmacMember = ",\"hmac\":\"";
constexpr std::size_t kHmacTail = kHmacMember.size() + 64 + 2;

bool flag(const json& record, const char* name) {
  auto found = record.find(name);
  return found != record.end() && found->is_boolean() && found->get<bool>();
}

class ChainChecker {
 public:
  explicit ChainChecker(std::optional<HmacSha256> hmac) : hmac_(std::move(hmac)) {}

  // `line` without its newline.
  void check(const std::string& where, const std::string& line) {
    json record = json::parse(line, nullptr, false);
    if (!record.is_object() || !record["seq"].is_number_unsigned() || !record["pid"].is_number_integer() ||
        !record["kind"].is_string() || !record["host"].is_string()) {
      problem(where, "not a record");
      return;
    }
    ++records_;
    auto seq = record["seq"].get<std::uint64_t>();
    std::string kind = record["kind"].get<std::string>();
    std::string key = record["host"].get<std::string>() + " pid " + std::to_string(record["pid"].get<long long>());
    auto found = processes_.find(key);
    if (kind == "start" && seq == 1) {
      // A new run: the process started, or a pid was used again.
      if (found != processes_.end()) finish(key, found->second);
      ProcessChain fresh;
      fresh.chained = flag(record, "chain");
      fresh.sealed = flag(record, "sealed");
      fresh.where = where;
      found = processes_.insert_or_assign(key, fresh).first;
    } else if (found == processes_.end()) {
      ProcessChain partial;
      partial.expected_seq = seq;
      partial.chained = record.contains("prev");
      partial.sealed = record.contains("hmac");
      partial.where = where;
      found = processes_.emplace(key, partial).first;
      problem(where, key + ": its records begin at seq " + std::to_string(seq) + ", without their start");
    }
    ProcessChain& process = found->second;
    std::string context = key + " seq " + std::to_string(seq);
    if (seq < process.expected_seq) {
      problem(where, context + ": out of order, after seq " + std::to_string(process.expected_seq - 1) +
                         " (moved, repeated or replayed)");
      return;
    }
    if (seq > process.expected_seq) {
      problem(where, context + ": " + missing(process.expected_seq, seq) + " missing before it");
      process.last_line_hash.clear();
    }
    check_link(where, context, record, process, seq);
    check_seal(where, context, line, process);
    process.expected_seq = seq + 1;
    process.last_line_hash = Sha256::hex_of(line);
    ++process.records;
    if (kind == "stop") process.stopped = true;
  }

  void end() {
    for (auto& [key, process] : processes_) finish(key, process);
    processes_.clear();
  }

  void problem(const std::string& where, const std::string& what) {
    ++problems_;
    std::printf("%s: %s\n", where.c_str(), what.c_str());
  }

  long problems() const { return problems_; }
  long records() const { return records_; }
  long runs() const { return runs_; }
  long unchained() const { return unchained_; }
  long sealed() const { return sealed_; }
  long running_or_killed() const { return without_stop_; }

 private:
  static std::string missing(std::uint64_t first, std::uint64_t after_last) {
    if (after_last - first == 1) return "seq " + std::to_string(first) + " is";
    return "seq " + std::to_string(first) + "-" + std::to_string(after_last - 1) + " are";
  }

  void check_link(const std::string& where, const std::string& context, const json& record,
                  const ProcessChain& process, std::uint64_t seq) {
    if (!process.chained) return;
    auto prev = record.find("prev");
    if (seq == 1) {
      if (prev != record.end()) problem(where, context + ": a first record with `prev`");
      return;
    }
    if (prev == record.end() || !prev->is_string()) {
      problem(where, context + ": no `prev` in a chained log (the line was rewritten)");
    } else if (!process.last_line_hash.empty() && prev->get<std::string>() != process.last_line_hash) {
      problem(where, context + ": `prev` is not the SHA-256 of seq " + std::to_string(seq - 1) +
                         "'s line: one of the two was changed");
    }
  }

  void check_seal(const std::string& where, const std::string& context, const std::string& line,
                  const ProcessChain& process) {
    if (!process.sealed || !hmac_) return;
    std::string_view text = line;
    if (text.size() < kHmacTail || text.substr(text.size() - kHmacTail, kHmacMember.size()) != kHmacMember ||
        !text.ends_with("\"}")) {
      problem(where, context + ": no `hmac` at the end of a sealed record");
      return;
    }
    char expected[64];
    hmac_->hex_of(text.substr(0, text.size() - kHmacTail), "}", expected);
    if (text.substr(text.size() - 66, 64) != std::string_view(expected, sizeof expected)) {
      problem(where, context + ": `hmac` does not match the line (edited, or another key)");
    }
  }

  void finish(const std::string&, const ProcessChain& process) {
    ++runs_;
    if (process.sealed) ++sealed_;
    if (!process.chained) ++unchained_;
    if (!process.stopped) ++without_stop_;
  }

  std::optional<HmacSha256> hmac_;
  std::map<std::string, ProcessChain> processes_;
  long problems_ = 0;
  long records_ = 0;
  long runs_ = 0;
  long unchained_ = 0;
  long without_stop_ = 0;
  long sealed_ = 0;
};

}  // namespace

int log_verify_command(const LogVerifyOptions& options) {
  std::optional<HmacSha256> hmac;
  if (!options.key.empty()) {
    std::ifstream key_file(options.key, std::ios::binary);
    std::string key((std::istreambuf_iterator<char>(key_file)), std::istreambuf_iterator<char>());
    if (!key_file && !key_file.eof()) {
      std::fprintf(stderr, "vigil log verify: %s: cannot be read\n", options.key.c_str());
      return 2;
    }
    hmac.emplace(key);
  }
  ChainChecker checker(std::move(hmac));
  for (const std::string& path : options.logs) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "vigil log verify: %s: cannot be read\n", path.c_str());
      return 2;
    }
    std::string line;
    long number = 0;
    while (std::getline(file, line)) {
      ++number;
      std::string where = path + ":" + std::to_string(number);
      if (file.eof()) {
        checker.problem(where, "the last line has no newline (cut short)");
        break;
      }
      checker.check(where, line);
    }
  }
  checker.end();
  std::printf("%ld records from %ld process runs; %ld problem%s\n", checker.records(), checker.runs(),
              checker.problems(), checker.problems() == 1 ? "" : "s");
  if (checker.unchained() > 0) {
    std::printf("note: %ld run%s wrote no hash chain (log.chain = false): only their sequence was checked\n",
                checker.unchained(), checker.unchained() == 1 ? "" : "s");
  }
  if (checker.sealed() > 0 && options.key.empty()) {
    std::printf("note: %ld run%s carry `hmac`; give --key to check them\n", checker.sealed(),
                checker.sealed() == 1 ? "" : "s");
  }
  if (checker.running_or_killed() > 0) {
    std::printf(
        "note: %ld run%s without a stop record (running, killed, or the end of the log removed; the chain "
        "cannot tell: `vigil summary` checks heartbeats)\n",
        checker.running_or_killed(), checker.running_or_killed() == 1 ? "" : "s");
  }
  return checker.problems() == 0 ? 0 : 1;
}

}  // namespace vigil
