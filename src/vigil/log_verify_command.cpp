#include "log_verify_command.h"

#include "chain_hash.h"
#include "file_io.h"
#include "hmac_sha256.h"
#include "logs/log_lines.h"
#include "logs/safe_text.h"

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vigil {
namespace {

// A key file is a few dozen bytes; this only stops /dev/zero-sized ones.
constexpr std::size_t kMaxKeyBytes = 64 * 1024;

// One run of a process: from its start record (seq 1), or from its first
// record in the files given.
struct ProcessChain {
  std::uint64_t expected_seq = 1;
  bool chained = false;
  bool sealed = false;  // its records carry `hmac`
  // What its `prev` members hash: what its start names, SHA-256 when it
  // names none (logs written before `chain_hash`); for a run seen without
  // its start, the hash its first matching link shows. Empty while unknown,
  // or when the start names a hash this build does not know.
  std::vector<ChainHash> hashes;
  // The line before, hashed with each of `hashes`; empty: it is unknown.
  std::vector<std::string> last_line_hashes;
  std::uint64_t records = 0;
  bool stopped = false;
  std::string where;  // of its first record, for the report
};

// `,"hmac":"` + 64 hex digits + `"}`: the member ends every sealed line.
constexpr std::string_view kHmacMember = ",\"hmac\":\"";
constexpr std::size_t kHmacTail = kHmacMember.size() + 64 + 2;

bool flag(simdjson::dom::object record, const char* name) {
  bool value = false;
  return record.at_key(name).get_bool().get(value) == simdjson::SUCCESS && value;
}

bool has(simdjson::dom::object record, const char* name) { return record.at_key(name).error() == simdjson::SUCCESS; }

// Readers disagree on a repeated member (simdjson takes the first,
// nlohmann and Python's json the last): a line with one is not a record.
bool has_repeated_member(simdjson::dom::object record) {
  std::vector<std::string_view> keys;
  for (auto field : record) keys.push_back(field.key);
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

class ChainChecker {
 public:
  explicit ChainChecker(std::optional<HmacSha256> hmac) : hmac_(std::move(hmac)) {}

  // `line` without its newline.
  void check(const std::string& where, simdjson::dom::object record, std::string_view line) {
    std::uint64_t seq = 0;
    std::int64_t pid = 0;
    std::string_view kind;
    std::string_view host;
    if (record.at_key("seq").get_uint64().get(seq) != simdjson::SUCCESS ||
        record.at_key("pid").get_int64().get(pid) != simdjson::SUCCESS ||
        record.at_key("kind").get_string().get(kind) != simdjson::SUCCESS ||
        record.at_key("host").get_string().get(host) != simdjson::SUCCESS) {
      problem(where, "not a record");
      return;
    }
    if (has_repeated_member(record)) {
      problem(where, "not a record: a member appears twice");
      return;
    }
    ++records_;
    std::string key = std::string(host) + " pid " + std::to_string(pid);
    // The host is the logged program's text as much as any: shown safe.
    std::string name = terminal_safe(host) + " pid " + std::to_string(pid);
    auto found = processes_.find(key);
    if (kind == "start" && seq == 1) {
      // A new run: the process started, or a pid was used again.
      if (found != processes_.end()) finish(key, found->second);
      ProcessChain fresh;
      fresh.chained = flag(record, "chain");
      fresh.sealed = flag(record, "sealed");
      fresh.where = where;
      if (fresh.chained) fresh.hashes = named_hash(where, name, record);
      found = processes_.insert_or_assign(key, fresh).first;
    } else if (found == processes_.end()) {
      ProcessChain partial;
      partial.expected_seq = seq;
      partial.chained = has(record, "prev");
      partial.sealed = has(record, "hmac");
      partial.where = where;
      partial.hashes = {ChainHash::blake2b_256, ChainHash::sha256};
      found = processes_.emplace(key, partial).first;
      problem(where, name + ": its records begin at seq " + std::to_string(seq) + ", without their start");
    }
    ProcessChain& process = found->second;
    std::string context = name + " seq " + std::to_string(seq);
    if (seq < process.expected_seq) {
      problem(where, context + ": out of order, after seq " + std::to_string(process.expected_seq - 1) +
                         " (moved, repeated or replayed)");
      return;
    }
    if (seq > process.expected_seq) {
      problem(where, context + ": " + missing(process.expected_seq, seq) + " missing before it");
      process.last_line_hashes.clear();
    }
    if (process.stopped) {
      // vigil-python writes nothing after a run's stop: a record there was
      // appended by someone else, however well it continues the chain.
      problem(where, context + ": after the run's stop record");
    }
    check_link(where, context, record, process, seq);
    check_seal(where, context, line, process);
    process.expected_seq = seq + 1;
    process.last_line_hashes.resize(process.hashes.size());
    for (std::size_t i = 0; i < process.hashes.size(); ++i) {
      char hex[64];
      chain_hash_hex(process.hashes[i], line, hex);
      process.last_line_hashes[i].assign(hex, sizeof hex);
    }
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

  // The hash a run's start record names in `chain_hash`.
  std::vector<ChainHash> named_hash(const std::string& where, const std::string& name, simdjson::dom::object start) {
    std::string_view hash_name;
    if (start.at_key("chain_hash").get_string().get(hash_name) != simdjson::SUCCESS) {
      if (!has(start, "chain_hash")) return {ChainHash::sha256};
      problem(where, name + ": `chain_hash` is not a string; the run's links cannot be checked");
      return {};
    }
    if (auto hash = chain_hash_named(hash_name)) return {*hash};
    problem(where, name + ": `chain_hash` names a hash this vigil does not know (" +
                       bounded_text(hash_name, 64) + "); the run's links cannot be checked");
    return {};
  }

  void check_link(const std::string& where, const std::string& context, simdjson::dom::object record,
                  ProcessChain& process, std::uint64_t seq) {
    if (!process.chained) return;
    if (seq == 1) {
      if (has(record, "prev")) problem(where, context + ": a first record with `prev`");
      return;
    }
    std::string_view prev;
    if (record.at_key("prev").get_string().get(prev) != simdjson::SUCCESS) {
      problem(where, context + ": no `prev` in a chained log (the line was rewritten)");
    } else if (!process.last_line_hashes.empty()) {
      for (std::size_t i = 0; i < process.hashes.size(); ++i) {
        if (prev == process.last_line_hashes[i]) {
          process.hashes = {process.hashes[i]};
          return;
        }
      }
      std::string titles;
      for (ChainHash hash : process.hashes) titles += (titles.empty() ? "" : " or ") + std::string(chain_hash_title(hash));
      problem(where, context + ": `prev` is not the " + titles + " of seq " + std::to_string(seq - 1) +
                         "'s line: one of the two was changed");
    }
  }

  void check_seal(const std::string& where, const std::string& context, std::string_view text,
                  const ProcessChain& process) {
    if (!process.sealed || !hmac_) return;
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
    std::string error;
    std::string key;
    int fd = open_regular_file(options.key, 0, error);
    if (fd < 0) {
      std::fprintf(stderr, "vigil log verify: %s\n", error.c_str());
      return 2;
    }
    bool read = read_up_to(fd, kMaxKeyBytes, key, error);
    close(fd);
    if (!read) {
      std::fprintf(stderr, "vigil log verify: %s: %s\n", options.key.c_str(), error.c_str());
      return 2;
    }
    hmac.emplace(key);
  }
  ChainChecker checker(std::move(hmac));
  std::vector<std::string> empty_files;
  simdjson::dom::parser parser;
  for (const std::string& path : options.logs) {
    LogLines lines(path);
    std::string error;
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil log verify: %s\n", error.c_str());
      return 2;
    }
    long records_before = checker.records();
    long problems_before = checker.problems();
    auto where = [&] { return path + ":" + std::to_string(lines.line_number()); };
    for_each_record(
        lines, parser, [&](simdjson::dom::object record, std::string_view line) { checker.check(where(), record, line); },
        [&] { checker.problem(where(), "not a JSON record (or nested deeper than 1024)"); });
    if (std::string unread = lines.unread(); !unread.empty()) checker.problem(path, unread);
    if (lines.pending() > 0) {
      checker.problem(path + ":" + std::to_string(lines.line_number() + 1), "the last line has no newline (cut short)");
    }
    if (checker.records() == records_before && checker.problems() == problems_before) empty_files.push_back(path);
  }
  // A run writes its start record first: a log with no record at all was
  // never written (a full disk, /dev/full) or was emptied. Beside other
  // files, an empty one is what logrotate's `create` leaves until the next
  // record: worth a note, not a failure.
  for (const std::string& path : empty_files) {
    if (checker.records() == 0) checker.problem(path, "no records: an empty log (a log begins with a start record)");
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
  if (checker.records() > 0) {
    for (const std::string& path : empty_files) std::printf("note: %s is empty\n", path.c_str());
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
