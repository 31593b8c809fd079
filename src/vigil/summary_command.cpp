#include "summary_command.h"

#include "logs/activity.h"
#include "logs/because_chain.h"
#include "logs/log_lines.h"
#include "logs/repeated_values.h"
#include "logs/safe_text.h"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <unistd.h>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vigil {
namespace {

using json = nlohmann::ordered_json;

// Alerts and notable events listed.
constexpr std::size_t kShown = 40;

// Members read with their type checked: a logged program can write a line
// whose members have any type, and nlohmann's value() throws on a wrong one.
const json& member(const json& object, const char* key) {
  static const json absent;
  if (!object.is_object()) return absent;
  auto found = object.find(key);
  return found != object.end() ? *found : absent;
}

std::string text_of(const json& object, const char* key, const char* fallback = "") {
  const json& value = member(object, key);
  return value.is_string() ? value.get<std::string>() : fallback;
}

long long integer_of(const json& object, const char* key) {
  const json& value = member(object, key);
  return value.is_number_integer() ? value.get<long long>() : 0;
}

struct Process {
  json start;
  std::optional<json> stop;
  std::map<std::string, long> events;
  long records = 0;
  std::uint64_t last_seq = 0;
  long gaps = 0;
  std::string last_ts;
};

// Seconds since the epoch of an RFC 3339 UTC stamp; -1 if it is not one.
double epoch_of(const std::string& stamp) {
  tm utc{};
  double micros = 0;
  const char* rest = strptime(stamp.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (rest == nullptr) return -1;
  if (*rest == '.') micros = std::strtod(rest, nullptr);
  return static_cast<double>(timegm(&utc)) + micros;
}

bool flag_of(const json& object, const char* key) {
  const json& value = member(object, key);
  return value.is_boolean() && value.get<bool>();
}

// What kept a run's records from the run itself: the start record's
// `protections` (docs/records.md). `rewritable`: every copy was within the
// reach of a program of the run's user.
std::string protections_text(const json& start, bool& rewritable) {
  const json& protections = member(start, "protections");
  rewritable = false;
  if (!protections.is_object()) return "protections not recorded";
  std::vector<std::string> kept;
  if (flag_of(protections, "chain")) kept.emplace_back("chain");
  if (flag_of(protections, "sealed")) kept.emplace_back("seal");
  if (flag_of(protections, "append_only")) kept.emplace_back("append-only log");
  const json& out_of_reach = member(protections, "out_of_reach");
  if (out_of_reach.is_array() && !out_of_reach.empty()) {
    std::string sinks;
    for (const json& sink : out_of_reach) {
      if (!sinks.empty()) sinks += ", ";
      sinks += sink.is_string() ? terminal_safe(sink.get<std::string>()) : "?";
    }
    kept.push_back("copies out of its reach: " + sinks);
  }
  std::string text = kept.empty() ? "none" : kept.front();
  for (std::size_t i = 1; i < kept.size(); ++i) text += ", " + kept[i];
  rewritable = flag_of(protections, "rewritable");
  if (rewritable) text += "; REWRITABLE in place by a program of its user";
  return "protections: " + text;
}

std::string this_host() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// How a process without a stop record stands. A process still running on
// this host should write a heartbeat every `heartbeat` seconds; more than
// two missed mean it has been stopped or its records are not arriving.
std::string without_stop(long pid, const Process& p, bool& silent) {
  std::string host = text_of(p.start, "host");
  long long heartbeat = integer_of(p.start, "heartbeat");
  bool running = host == this_host() && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
  if (!running) return "no stop record: it ended without one (killed, or its last records were lost)";
  double quiet = static_cast<double>(std::time(nullptr)) - epoch_of(p.last_ts);
  if (heartbeat > 0 && quiet > 2.0 * static_cast<double>(heartbeat) + 5) {
    silent = true;
    return "running, SILENT for " + std::to_string(static_cast<long>(quiet)) + " s (heartbeat every " +
           std::to_string(heartbeat) + " s)";
  }
  return "running";
}

// Logged text, made terminal-safe (safe_text.h) and cut at a character.
std::string short_json(const json& value, std::size_t width = 90) {
  if (value.is_null()) return "";
  return bounded_text(value.is_string() ? value.get<std::string>()
                                        : value.dump(-1, ' ', false, json::error_handler_t::replace),
                      width);
}

// A logged text member, terminal-safe, for printing.
std::string shown(const json& object, const char* key, const char* fallback = "") {
  return terminal_safe(text_of(object, key, fallback));
}

std::string site_text(const json& record) {
  const json& site = member(record, "site");
  if (!site.is_object()) return "(start-up)";
  return terminal_safe(text_of(site, "file", "?")) + ":" + std::to_string(integer_of(site, "line"));
}

// What deserves a line of its own: the program's own doing after start-up.
bool is_interesting(const std::string& event, const json& record) {
  const json& site = member(record, "site");
  const json& args = member(record, "args");
  // EventFacts holds views: the texts live here.
  std::string site_file = text_of(site, "file");
  std::string mode = text_of(args, "mode");
  // sys.audit lets a program raise `open` with any flags at all.
  EventFacts facts{.event = event,
                   .has_site = site.is_object(),
                   .site_file = site_file,
                   .open_mode = mode,
                   .open_flags = integer_of(args, "flags")};
  return facts.has_site && is_program_activity(facts);
}

// How the process `pid` is related to `to`: by the ppid of start records.
Kinship kinship_of(long pid, long to, const std::map<long, Process>& processes) {
  if (pid == to) return Kinship::same;
  long current = to;
  // Bounded: a log can hold a ppid cycle.
  for (int depth = 0; depth < 256; ++depth) {
    auto found = processes.find(current);
    if (found == processes.end() || !found->second.start.is_object()) break;
    current = static_cast<long>(integer_of(found->second.start, "ppid"));
    if (current == pid) return depth == 0 ? Kinship::parent : Kinship::ancestor;
  }
  return Kinship::other;
}

// The alert's subject and, under it, each fact of its because chain with
// the event that established it.
void print_explanation(const AlertExplanation& explanation, long pid, const std::string& host,
                       const std::map<long, Process>& processes, const FactEvents& fact_events) {
  if (!explanation.subject.empty()) std::printf("           subject %s\n", explanation.subject.c_str());
  const char* label = "because";
  for (const BecauseFact& fact : explanation.because) {
    std::printf("           %-7s %s%s%s\n", label, fact.fact.c_str(), fact.subject.empty() ? "" : " ",
                fact.subject.c_str());
    label = "";
    std::string where = kinship_text(kinship_of(static_cast<long>(fact.pid), pid, processes), fact.pid);
    if (!where.empty()) where += ", ";
    where += "seq " + std::to_string(fact.seq);
    const FactEvent* event = fact_events.find(host, fact.pid, fact.seq);
    if (event == nullptr) {
      std::printf("                     %s (not in the logs read)\n", where.c_str());
      continue;
    }
    std::printf("                     %s: %s%s%s%s%s\n", where.c_str(), event->event.c_str(),
                event->argument.empty() ? "" : " ", event->argument.c_str(), event->site.empty() ? "" : " at ",
                event->site.c_str());
  }
  if (explanation.facts_omitted > 0) std::printf("                   and %ld more facts\n", explanation.facts_omitted);
}

}  // namespace

int summary_command(const SummaryOptions& options) {
  std::map<long, Process> processes;
  std::map<std::string, long> kinds;
  // At most kShown of each per process: enough for the first kShown of
  // any --tree, and memory does not grow with a log full of alerts.
  std::vector<std::pair<long, json>> notable;
  std::vector<std::pair<long, json>> alerts;
  std::map<long, std::size_t> notable_kept;
  std::map<long, std::size_t> alerts_kept;
  long bad_lines = 0;
  long records = 0;
  std::vector<std::string> unread;
  simdjson::dom::parser parser;
  RepeatedValues repeated_values;
  // Per kept alert, its subject and because chain, and the events they name.
  std::vector<AlertExplanation> explanations;
  FactEvents fact_events;
  // True when the record is an alert kept for listing.
  auto take = [&](const json& record) {
    // The members every record has, with their types (docs/records.md).
    const json& seq_member = member(record, "seq");
    const json& pid_member = member(record, "pid");
    const json& kind_member = member(record, "kind");
    if (!seq_member.is_number_unsigned() || !pid_member.is_number_integer() || !kind_member.is_string()) {
      ++bad_lines;
      return false;
    }
    ++records;
    long pid = pid_member.get<long>();
    std::string kind = kind_member.get<std::string>();
    std::uint64_t seq = seq_member.get<std::uint64_t>();
    if (kind == "start" && seq == 1) {
      processes[pid] = Process();
      processes[pid].start = record;
    }
    Process& process = processes[pid];
    if (seq != process.last_seq + 1) ++process.gaps;
    process.last_seq = seq;
    process.last_ts = text_of(record, "ts");
    ++process.records;
    ++kinds[kind];
    if (kind == "stop") process.stop = record;
    if (kind == "event") {
      std::string event = text_of(record, "event");
      ++process.events[event];
      if (is_interesting(event, record) && notable_kept[pid]++ < kShown) notable.emplace_back(pid, record);
    }
    if (kind == "alert" && alerts_kept[pid]++ < kShown) {
      alerts.emplace_back(pid, record);
      return true;
    }
    return false;
  };
  for (const auto& path : options.logs) {
    LogLines lines(path);
    std::string error;
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil summary: %s\n", error.c_str());
      return 2;
    }
    // simdjson first: it bounds the depth (1024) that nlohmann's
    // recursive dump and destruction would otherwise meet unbounded.
    for_each_record(
        lines, parser,
        [&](simdjson::dom::object object, std::string_view line) {
          repeated_values.resolve(object, line);
          json record = json::parse(line, nullptr, false);
          if (record.is_object()) {
            if (take(record)) explanations.push_back(explanation_of(object));
          } else {
            ++bad_lines;
          }
        },
        [&] { ++bad_lines; });
    if (std::string what = lines.unread(); !what.empty()) unread.push_back(path + ": " + what);
  }

  std::set<long> selected;
  for (const auto& [pid, process] : processes) selected.insert(pid);
  if (options.root_pid) {
    selected = {*options.root_pid};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [pid, process] : processes) {
        long ppid = static_cast<long>(integer_of(process.start, "ppid"));
        if (!selected.count(pid) && selected.count(ppid)) grew = selected.insert(pid).second;
      }
    }
  }

  std::printf("Processes (%zu):\n", selected.size());
  std::map<std::string, long> totals;
  long gaps = 0;
  long silent = 0;
  long without_start = 0;
  long rewritable = 0;
  for (long pid : selected) {
    auto found = processes.find(pid);
    if (found == processes.end()) continue;
    const Process& p = found->second;
    std::string what = "(no start record)";
    if (p.start.is_object()) {
      const json& entry = member(p.start, "entry");
      what = shown(entry, "mode", "?") + " " + short_json(member(entry, "target"), 60) + "  (" +
             shown(p.start, "origin", "?") + ", ppid " + std::to_string(integer_of(p.start, "ppid")) + ")";
    } else {
      ++without_start;
    }
    bool quiet = false;
    std::string ending = p.stop ? "exit " + std::to_string(integer_of(*p.stop, "status")) : without_stop(pid, p, quiet);
    silent += quiet ? 1 : 0;
    long events = 0;
    for (const auto& [name, count] : p.events) {
      events += count;
      totals[name] += count;
    }
    gaps += p.gaps;
    bool within_reach = false;
    std::string protections = p.start.is_object() ? protections_text(p.start, within_reach) : "";
    rewritable += within_reach ? 1 : 0;
    std::printf("  pid %-7ld %s\n            %ld events, %ld records, %s%s\n", pid, what.c_str(), events, p.records,
                ending.c_str(), p.gaps ? ", SEQUENCE GAPS" : "");
    if (!protections.empty()) std::printf("            %s\n", protections.c_str());
  }

  std::vector<std::pair<std::string, long>> ranked(totals.begin(), totals.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::printf("\nMost frequent events:\n");
  for (std::size_t i = 0; i < ranked.size() && i < 12; ++i) {
    std::printf("  %7ld  %s\n", ranked[i].second, terminal_safe(ranked[i].first).c_str());
  }

  // The events the listed alerts' chains name lie before them in their
  // logs, or in other logs: a second reading finds them.
  std::size_t listed = 0;
  for (std::size_t i = 0; i < alerts.size() && listed < kShown; ++i) {
    if (!selected.count(alerts[i].first)) continue;
    ++listed;
    for (const BecauseFact& fact : explanations[i].because) {
      fact_events.want(text_of(alerts[i].second, "host"), fact.pid, fact.seq);
    }
  }
  fact_events.read_again(options.logs);

  std::printf("\nAlerts:\n");
  std::size_t alerts_shown = 0;
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    const auto& [pid, record] = alerts[i];
    if (!selected.count(pid)) continue;
    if (++alerts_shown > kShown) break;
    const json& enforced = member(record, "enforced");
    std::printf("  %-8s pid %-7ld %-24s %s%s\n", shown(record, "severity", "?").c_str(), pid,
                shown(record, "rule", "?").c_str(), shown(record, "message").c_str(),
                enforced.is_boolean() && enforced.get<bool>() ? " [enforced]" : "");
    print_explanation(explanations[i], pid, text_of(record, "host"), processes, fact_events);
  }
  if (alerts_shown == 0) std::printf("  none\n");

  std::printf("\nNotable activity:\n");
  std::size_t shown = 0;
  for (const auto& [pid, record] : notable) {
    if (!selected.count(pid)) continue;
    std::string event = text_of(record, "event");
    if (++shown > kShown) break;
    std::printf("  %-8s pid %-7ld %-20s %s\n           at %s\n", std::string(activity_name(activity_of(event))).c_str(), pid, terminal_safe(event).c_str(),
                short_json(member(record, "args")).c_str(), site_text(record).c_str());
  }
  if (shown == 0) std::printf("  none\n");

  std::printf("\nIntegrity: %s", records == 0 ? "NO RECORDS: an empty log (a log begins with a start record)"
                               : gaps == 0   ? "every process's seq runs 1, 2, 3... without gaps"
                                             : "SEQUENCE GAPS FOUND");
  if (without_start) std::printf("; %ld processes have NO START RECORD", without_start);
  if (bad_lines) std::printf("; %ld lines are not JSON records", bad_lines);
  for (const std::string& what : unread) std::printf("; NOT READ: %s", what.c_str());
  if (silent) std::printf("; %ld running processes have missed their heartbeats", silent);
  std::printf("\n");
  if (rewritable) {
    // Not a finding: what the log can prove. The chain and the seal show
    // edits afterwards; only a copy out of reach withstands the writer.
    std::printf("Protection: %ld of %zu processes had no copy of their records out of their own reach; a program "
                "running as their user could have rewritten them (docs/records.md)\n",
                rewritable, selected.size());
  }
  bool clean = records > 0 && gaps == 0 && without_start == 0 && bad_lines == 0 && unread.empty() && silent == 0;
  return clean ? 0 : 1;
}

}  // namespace vigil
