// What `vigil report` knows about an incident after one pass over the
// logs: every process run with its start, end and a bounded timeline,
// every alert with the event that raised it, the transcripts of code run
// from text, and network, file and process activity grouped by target.
// Every text here has gone through visible_text; the HTML writer only
// escapes it.
#pragma once

#include "logs/because_chain.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vigil {

struct TimelineRow {
  std::string ts;
  std::uint64_t seq = 0;
  std::string kind;     // event, alert, start, stop, transcript
  std::string name;     // the event's name, the alert's rule
  std::string details;  // NAME=VALUE pairs, the alert's message
  std::string site;     // file:line function
  std::string area;     // activity_name, or the alert's severity
  bool denied = false;
};

struct ProcessRun {
  std::string host;
  long long pid = 0;
  long long ppid = -1;
  bool started = false;  // its start record was read
  std::string first_ts;
  std::string last_ts;
  long long uid = -1;
  std::string exe;
  std::string argv;
  std::string cwd;
  std::string entry_mode;
  std::string entry_target;
  std::string policy;
  std::optional<long long> exit_status;
  long records = 0;
  long events = 0;
  long gaps = 0;
  std::uint64_t last_seq = 0;
  std::array<long, 5> alerts{};  // by severity rank
  std::vector<TimelineRow> timeline;
  long timeline_omitted = 0;
  std::deque<TimelineRow> recent_events;  // to find the events alerts refer to
  std::vector<std::size_t> children;
  std::optional<std::size_t> parent;
};

// One fact of an alert's because chain, resolved to the event behind it.
struct BecauseRow {
  BecauseFact fact;
  Kinship kinship = Kinship::other;
  std::optional<std::size_t> process;  // the run the event belongs to, when it is in the report
  std::optional<FactEvent> event;      // nullopt: not in the logs read
};

struct AlertRow {
  std::size_t process = 0;
  std::string ts;
  std::uint64_t seq = 0;
  std::uint64_t seq_ref = 0;
  std::string rule;
  std::string severity;
  int rank = -1;
  std::vector<std::string> attack;
  std::string message;
  bool enforced = false;
  std::optional<TimelineRow> trigger;
  std::string subject;  // empty in logs written before alerts named one
  std::vector<BecauseRow> because;
  long facts_omitted = 0;
};

struct TranscriptEntry {
  std::string sha256;
  std::string origin;
  std::string filename;
  long long size = 0;
  bool truncated = false;     // by vigil-python, at 1 MiB
  bool shortened = false;     // by the report
  std::string text;
  std::set<std::size_t> processes;
  std::string first_ts;
};

// Events grouped by what they reached: a network address, a file, a command.
struct ActivityTarget {
  std::string target;
  std::set<std::string> operations;
  long count = 0;
  std::set<std::size_t> processes;
  std::string first_ts;
  std::string first_site;
};

struct Incident {
  std::vector<ProcessRun> processes;
  long processes_omitted = 0;  // runs started beyond ReportLimits::processes
  std::vector<AlertRow> alerts;
  long alerts_omitted = 0;
  std::vector<TranscriptEntry> transcripts;  // in the order first seen
  long transcripts_omitted = 0;
  std::map<std::string, ActivityTarget> network;
  std::map<std::string, ActivityTarget> files;
  std::map<std::string, ActivityTarget> commands;
  long targets_omitted = 0;
  long records = 0;
  long bad_lines = 0;
  std::vector<std::string> unread;  // "PATH: what was not read", for logs not read whole
  std::set<std::string> hosts;
  std::string first_ts;
  std::string last_ts;
};

struct ReportLimits {
  std::size_t timeline_rows = 400;      // per process
  std::size_t alerts = 5000;
  std::size_t transcripts = 500;
  std::size_t transcript_bytes = 64 * 1024;
  std::size_t targets = 2000;           // per activity table
  std::size_t processes = 10000;
};

class IncidentBuilder {
 public:
  explicit IncidentBuilder(ReportLimits limits = {}) : limits_(limits) {}

  void add(simdjson::dom::object record);
  void add_bad_line() { ++incident_.bad_lines; }
  // Every record read, whether the report keeps it or not: the events
  // that because chains name may lie outside --tree, --since and --until.
  void see(simdjson::dom::object record) { fact_events_.offer(record); }
  // Reads the logs again for chain events not met in the first reading
  // (they come before the alert that names them); call before finish().
  void resolve_facts(const std::vector<std::string>& logs) {
    if (!fact_events_.complete()) fact_events_.read_again(logs);
  }
  void add_unread(std::string what) { incident_.unread.push_back(std::move(what)); }

  // Links parents and children and ranks the alerts, most severe first.
  Incident finish();

 private:
  // The run a record belongs to; nullopt once limits_.processes runs are kept.
  std::optional<std::size_t> process_for(simdjson::dom::object record, std::string_view kind, std::uint64_t seq);
  void add_event(std::size_t process, simdjson::dom::object record, TimelineRow row);
  void add_alert(std::size_t process, simdjson::dom::object record, const TimelineRow& row);
  void add_transcript(std::size_t process, simdjson::dom::object record);
  void add_timeline(ProcessRun& run, TimelineRow row);
  void explain(AlertRow& alert, const std::map<std::pair<std::string, long long>, std::vector<std::size_t>>& runs_of);
  void count_target(std::map<std::string, ActivityTarget>& table, std::string target, std::string operation,
                    std::size_t process, const TimelineRow& row);

  ReportLimits limits_;
  Incident incident_;
  std::map<std::pair<std::string, long long>, std::size_t> current_;  // (host, pid) -> its latest run
  std::map<std::string, std::size_t> transcript_index_;
  FactEvents fact_events_;
};

}  // namespace vigil
