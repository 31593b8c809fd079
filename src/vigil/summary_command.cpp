#include "summary_command.h"

#include "logs/activity.h"
#include "logs/safe_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <unistd.h>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace vigil {
namespace {

using json = nlohmann::ordered_json;

struct Process {
  json start;
  std::optional<json> stop;
  std::map<std::string, long> events;
  long records = 0;
  long last_seq = 0;
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

std::string this_host() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// How a process without a stop record stands. A process still running on
// this host should write a heartbeat every `heartbeat` seconds; more than
// two missed mean it has been stopped or its records are not arriving.
std::string without_stop(long pid, const Process& p, bool& silent) {
  std::string host = p.start.is_object() ? p.start.value("host", "") : "";
  long heartbeat = p.start.is_object() ? p.start.value("heartbeat", 0L) : 0;
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

std::string short_json(const json& value, std::size_t width = 90) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, json::error_handler_t::replace);
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

std::string site_text(const json& record) {
  const auto& site = record.value("site", json());
  if (!site.is_object()) return "(start-up)";
  std::string file = site.value("file", json()).is_string() ? site["file"].get<std::string>() : "?";
  return file + ":" + std::to_string(site.value("line", 0));
}

std::string string_member(const json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// What deserves a line of its own: the program's own doing after start-up.
bool is_interesting(const std::string& event, const json& record) {
  const json& site = record.value("site", json());
  const json& args = record.value("args", json());
  std::string site_file = site.is_object() ? string_member(site, "file") : "";
  std::string mode = args.is_object() ? string_member(args, "mode") : "";
  // sys.audit lets a program raise `open` with any flags at all.
  const json& flags = args.is_object() ? args.value("flags", json()) : json();
  EventFacts facts{.event = event,
                   .has_site = site.is_object(),
                   .site_file = site_file,
                   .open_mode = mode,
                   .open_flags = flags.is_number_integer() ? flags.get<long long>() : 0};
  return facts.has_site && is_program_activity(facts);
}

}  // namespace

int summary_command(const SummaryOptions& options) {
  std::map<long, Process> processes;
  std::map<std::string, long> kinds;
  std::vector<std::pair<long, json>> notable;
  std::vector<std::pair<long, json>> alerts;
  long bad_lines = 0;
  for (const auto& path : options.logs) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      json record = json::parse(line, nullptr, false);
      if (record.is_discarded() || !record.is_object()) {
        ++bad_lines;
        continue;
      }
      long pid = record.value("pid", 0L);
      std::string kind = record.value("kind", "");
      long seq = record.value("seq", 0L);
      if (kind == "start" && seq == 1) {
        processes[pid] = Process();
        processes[pid].start = record;
      }
      Process& process = processes[pid];
      if (seq != process.last_seq + 1) ++process.gaps;
      process.last_seq = seq;
      process.last_ts = record.value("ts", "");
      ++process.records;
      ++kinds[kind];
      if (kind == "stop") process.stop = record;
      if (kind == "alert") alerts.emplace_back(pid, record);
      if (kind == "event") {
        std::string event = record.value("event", "");
        ++process.events[event];
        if (is_interesting(event, record)) notable.emplace_back(pid, record);
      }
    }
  }

  std::set<long> selected;
  for (const auto& [pid, process] : processes) selected.insert(pid);
  if (options.root_pid) {
    selected = {*options.root_pid};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [pid, process] : processes) {
        long ppid = process.start.is_object() ? process.start.value("ppid", 0L) : 0;
        if (!selected.count(pid) && selected.count(ppid)) grew = selected.insert(pid).second;
      }
    }
  }

  std::printf("Processes (%zu):\n", selected.size());
  std::map<std::string, long> totals;
  long gaps = 0;
  long silent = 0;
  for (long pid : selected) {
    auto found = processes.find(pid);
    if (found == processes.end()) continue;
    const Process& p = found->second;
    std::string what = "(no start record)";
    if (p.start.is_object()) {
      const auto& entry = p.start.value("entry", json::object());
      what = entry.value("mode", "?") + " " + short_json(entry.value("target", json("")), 60) + "  (" +
             p.start.value("origin", "?") + ", ppid " + std::to_string(p.start.value("ppid", 0L)) + ")";
    }
    bool quiet = false;
    std::string ending = p.stop ? "exit " + std::to_string(p.stop->value("status", 0L)) : without_stop(pid, p, quiet);
    silent += quiet ? 1 : 0;
    long events = 0;
    for (const auto& [name, count] : p.events) {
      events += count;
      totals[name] += count;
    }
    gaps += p.gaps;
    std::printf("  pid %-7ld %s\n            %ld events, %ld records, %s%s\n", pid, terminal_safe(what).c_str(), events,
                p.records,
                ending.c_str(), p.gaps ? ", SEQUENCE GAPS" : "");
  }

  std::vector<std::pair<std::string, long>> ranked(totals.begin(), totals.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::printf("\nMost frequent events:\n");
  for (std::size_t i = 0; i < ranked.size() && i < 12; ++i) {
    std::printf("  %7ld  %s\n", ranked[i].second, terminal_safe(ranked[i].first).c_str());
  }

  std::printf("\nAlerts:\n");
  std::size_t alerts_shown = 0;
  for (const auto& [pid, record] : alerts) {
    if (!selected.count(pid)) continue;
    if (++alerts_shown > 40) break;
    std::printf("  %-8s pid %-7ld %-24s %s%s\n", terminal_safe(record.value("severity", "?")).c_str(), pid,
                terminal_safe(record.value("rule", "?")).c_str(), terminal_safe(record.value("message", "")).c_str(),
                record.value("enforced", false) ? " [enforced]" : "");
  }
  if (alerts_shown == 0) std::printf("  none\n");

  std::printf("\nNotable activity:\n");
  std::size_t shown = 0;
  for (const auto& [pid, record] : notable) {
    if (!selected.count(pid)) continue;
    std::string event = record.value("event", "");
    if (++shown > 40) break;
    std::printf("  %-8s pid %-7ld %-20s %s\n           at %s\n", std::string(activity_name(activity_of(event))).c_str(), pid,
                terminal_safe(event).c_str(), terminal_safe(short_json(record.value("args", json()))).c_str(),
                terminal_safe(site_text(record)).c_str());
  }
  if (shown == 0) std::printf("  none\n");

  std::printf("\nIntegrity: %s", gaps == 0 ? "every process's seq runs 1, 2, 3... without gaps" : "SEQUENCE GAPS FOUND");
  if (bad_lines) std::printf("; %ld lines are not JSON records", bad_lines);
  if (silent) std::printf("; %ld running processes have missed their heartbeats", silent);
  std::printf("\n");
  return gaps == 0 && bad_lines == 0 && silent == 0 ? 0 : 1;
}

}  // namespace vigil
