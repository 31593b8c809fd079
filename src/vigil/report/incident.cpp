#include "incident.h"

#include "logs/activity.h"
#include "logs/event_target.h"
#include "logs/readable_record.h"
#include "logs/record_filter.h"
#include "logs/safe_text.h"
#include "sinks/record.h"

#include <algorithm>

namespace vigil {
namespace {

constexpr std::size_t kRecentEvents = 64;
constexpr std::size_t kTargetWidth = 300;

std::string site_of(simdjson::dom::object record) {
  simdjson::dom::object site;
  if (record.at_key("site").get_object().get(site) != simdjson::SUCCESS) return {};
  return bounded_text(member_text(site, "file") + ":" + member_text(site, "line") + " " + member_text(site, "function"),
                      kTargetWidth);
}

bool is_dynamic_origin(std::string_view origin) { return origin != "import"; }

}  // namespace

std::optional<std::size_t> IncidentBuilder::process_for(simdjson::dom::object record, std::string_view kind,
                                                       std::uint64_t seq) {
  std::pair<std::string, long long> key{std::string(string_member(record, "host")), integer_member(record, "pid", 0)};
  auto found = current_.find(key);
  bool fresh_run = kind == "start" && seq == 1;
  if (found != current_.end() && !fresh_run) return found->second;
  if (incident_.processes.size() >= limits_.processes) {
    // A new run of a kept pid must not fall back to the old run's records.
    if (found != current_.end()) current_.erase(found);
    if (fresh_run) ++incident_.processes_omitted;
    return std::nullopt;
  }
  ProcessRun run;
  run.host = bounded_text(key.first, 255);
  run.pid = key.second;
  incident_.processes.push_back(std::move(run));
  std::size_t index = incident_.processes.size() - 1;
  current_[key] = index;
  return index;
}

void IncidentBuilder::add(simdjson::dom::object record) {
  std::string_view kind = string_member(record, "kind");
  std::uint64_t seq = 0;
  if (record.at_key("seq").get_uint64().get(seq) != simdjson::SUCCESS || kind.empty()) {
    ++incident_.bad_lines;
    return;
  }
  std::string ts = bounded_text(string_member(record, "ts"), 40);
  ++incident_.records;
  if (incident_.first_ts.empty() || ts < incident_.first_ts) incident_.first_ts = ts;
  if (ts > incident_.last_ts) incident_.last_ts = ts;
  std::optional<std::size_t> found = process_for(record, kind, seq);
  if (!found) return;
  std::size_t index = *found;
  ProcessRun& run = incident_.processes[index];
  incident_.hosts.insert(run.host);
  if (seq != run.last_seq + 1) ++run.gaps;
  run.last_seq = seq;
  ++run.records;
  if (run.first_ts.empty()) run.first_ts = ts;
  run.last_ts = ts;

  TimelineRow row;
  row.ts = ts;
  row.seq = seq;
  row.kind = bounded_text(kind, 40);
  if (kind == "start") {
    run.started = true;
    run.ppid = integer_member(record, "ppid", -1);
    run.uid = integer_member(record, "uid", -1);
    run.exe = bounded_text(member_text(record, "exe"), kTargetWidth);
    run.cwd = bounded_text(member_text(record, "cwd"), kTargetWidth);
    run.argv = bounded_text(command_of(record, "argv"), 2000);
    simdjson::dom::object entry;
    if (record.at_key("entry").get_object().get(entry) == simdjson::SUCCESS) {
      run.entry_mode = bounded_text(member_text(entry, "mode"), 40);
      run.entry_target = bounded_text(member_text(entry, "target"), kTargetWidth);
    }
    simdjson::dom::object policy;
    if (record.at_key("policy").get_object().get(policy) == simdjson::SUCCESS) {
      run.policy = bounded_text(member_text(policy, "name") + " (" + member_text(policy, "mode") + ")", 120);
    }
    row.name = run.entry_mode;
    row.details = run.argv;
    add_timeline(run, std::move(row));
  } else if (kind == "stop") {
    run.exit_status = integer_member(record, "status", -1);
    // Its alerts have all been written; what they refer to is no longer needed.
    std::deque<TimelineRow>().swap(run.recent_events);
    row.name = "exit " + std::to_string(*run.exit_status);
    add_timeline(run, std::move(row));
  } else if (kind == "event") {
    ++run.events;
    add_event(index, record, std::move(row));
  } else if (kind == "alert") {
    add_alert(index, record, row);
  } else if (kind == "transcript") {
    add_transcript(index, record);
  } else if (kind != "heartbeat") {
    row.name = row.kind;
    row.details = bounded_text(simdjson::minify(record), kTargetWidth);
    add_timeline(run, std::move(row));
  }
}

void IncidentBuilder::add_timeline(ProcessRun& run, TimelineRow row) {
  if (run.timeline.size() >= limits_.timeline_rows && row.kind != "alert" && row.kind != "stop") {
    ++run.timeline_omitted;
    return;
  }
  run.timeline.push_back(std::move(row));
}

void IncidentBuilder::count_target(std::map<std::string, ActivityTarget>& table, std::string target,
                                   std::string operation, std::size_t process, const TimelineRow& row) {
  target = bounded_text(target, kTargetWidth);
  auto found = table.find(target);
  if (found == table.end()) {
    if (table.size() >= limits_.targets) {
      ++incident_.targets_omitted;
      return;
    }
    found = table.emplace(target, ActivityTarget{}).first;
    found->second.target = target;
    found->second.first_ts = row.ts;
    found->second.first_site = row.site;
  }
  ActivityTarget& entry = found->second;
  entry.operations.insert(bounded_text(operation, 80));
  ++entry.count;
  entry.processes.insert(process);
}

void IncidentBuilder::add_event(std::size_t process, simdjson::dom::object record, TimelineRow row) {
  ProcessRun& run = incident_.processes[process];
  std::string_view event = string_member(record, "event");
  simdjson::dom::object args;
  bool has_args = record.at_key("args").get_object().get(args) == simdjson::SUCCESS;
  simdjson::dom::object site;
  bool has_site = record.at_key("site").get_object().get(site) == simdjson::SUCCESS;
  Activity activity = activity_of(event);
  row.name = bounded_text(event, 120);
  row.details = readable_args(record, false);
  row.site = site_of(record);
  row.area = std::string(activity_name(activity));
  simdjson::dom::object decision;
  bool enforced = false;
  row.denied = record.at_key("decision").get_object().get(decision) == simdjson::SUCCESS &&
               decision.at_key("enforced").get_bool().get(enforced) == simdjson::SUCCESS && enforced;
  run.recent_events.push_back(row);
  if (run.recent_events.size() > kRecentEvents) run.recent_events.pop_front();
  std::string mode = has_args ? std::string(string_member(args, "mode")) : "";
  EventFacts facts{.event = event,
                   .has_site = has_site,
                   .site_file = has_site ? string_member(site, "file") : std::string_view(),
                   .open_mode = mode,
                   .open_flags = has_args ? integer_member(args, "flags", 0) : 0};
  if (!row.denied && !is_program_activity(facts)) return;
  if (has_args) {
    if (activity == Activity::network) {
      std::string target = network_target(event, args);
      if (!target.empty()) count_target(incident_.network, target, std::string(event), process, row);
    } else if (activity == Activity::file) {
      std::string operation = event == "open" ? "open(" + (mode.empty() ? member_text(args, "flags") : mode) + ")"
                                              : std::string(event);
      count_target(incident_.files, file_target(event, args), operation, process, row);
    } else if (activity == Activity::process) {
      count_target(incident_.commands, command_target(event, args), std::string(event), process, row);
    }
  }
  add_timeline(run, std::move(row));
}

void IncidentBuilder::add_alert(std::size_t process, simdjson::dom::object record, const TimelineRow& base) {
  ProcessRun& run = incident_.processes[process];
  AlertRow alert;
  alert.process = process;
  alert.ts = base.ts;
  alert.seq = base.seq;
  alert.seq_ref = static_cast<std::uint64_t>(integer_member(record, "seq_ref", 0));
  alert.rule = bounded_text(string_member(record, "rule"), 120);
  alert.severity = bounded_text(string_member(record, "severity"), 20);
  alert.rank = severity_rank(alert.severity);
  alert.message = bounded_text(string_member(record, "message"), 1000);
  simdjson::dom::array attack;
  if (record.at_key("attack").get_array().get(attack) == simdjson::SUCCESS) {
    for (simdjson::dom::element id : attack) alert.attack.push_back(bounded_text(value_text(id), 40));
  }
  bool enforced = false;
  alert.enforced = record.at_key("enforced").get_bool().get(enforced) == simdjson::SUCCESS && enforced;
  for (const TimelineRow& event : run.recent_events) {
    if (event.seq == alert.seq_ref) alert.trigger = event;
  }
  AlertExplanation explanation = explanation_of(record);
  alert.subject = std::move(explanation.subject);
  alert.facts_omitted = explanation.facts_omitted;
  for (BecauseFact& fact : explanation.because) {
    fact_events_.want(run.host, fact.pid, fact.seq);
    BecauseRow row;
    row.fact = std::move(fact);
    alert.because.push_back(std::move(row));
  }
  if (alert.rank >= 0) ++run.alerts[static_cast<std::size_t>(alert.rank)];
  TimelineRow row = base;
  row.name = alert.rule;
  row.details = alert.message;
  row.area = alert.severity;
  row.denied = alert.enforced;
  add_timeline(run, std::move(row));
  if (incident_.alerts.size() >= limits_.alerts) {
    ++incident_.alerts_omitted;
    return;
  }
  incident_.alerts.push_back(std::move(alert));
}

void IncidentBuilder::add_transcript(std::size_t process, simdjson::dom::object record) {
  std::string sha256 = bounded_text(string_member(record, "sha256"), 64);
  std::string origin = bounded_text(string_member(record, "origin"), 40);
  auto found = transcript_index_.find(sha256);
  if (found == transcript_index_.end()) {
    if (incident_.transcripts.size() >= limits_.transcripts) {
      ++incident_.transcripts_omitted;
      return;
    }
    TranscriptEntry entry;
    entry.sha256 = sha256;
    entry.origin = origin;
    entry.filename = bounded_text(string_member(record, "filename"), kTargetWidth);
    entry.size = integer_member(record, "size", 0);
    bool truncated = false;
    entry.truncated = record.at_key("truncated").get_bool().get(truncated) == simdjson::SUCCESS && truncated;
    entry.first_ts = incident_.processes[process].last_ts;
    if (is_dynamic_origin(origin)) {
      std::string_view text = string_member(record, "text");
      entry.shortened = text.size() > limits_.transcript_bytes;
      entry.text = visible_text(text.substr(0, character_boundary(text, limits_.transcript_bytes)), true);
    }
    incident_.transcripts.push_back(std::move(entry));
    found = transcript_index_.emplace(sha256, incident_.transcripts.size() - 1).first;
  }
  incident_.transcripts[found->second].processes.insert(process);
  if (is_dynamic_origin(origin) && origin != "script") {
    ProcessRun& run = incident_.processes[process];
    TimelineRow row;
    row.ts = run.last_ts;
    row.seq = run.last_seq;
    row.kind = "transcript";
    row.name = origin;
    row.details = bounded_text(string_member(record, "text"), 200);
    row.area = "code";
    add_timeline(run, std::move(row));
  }
}

// Each fact's event and the run it belongs to: the alert's own, one of its
// ancestors, or another run of that pid. The event gets a row in that
// run's timeline, for the alert to link to, if the timeline left it out.
void IncidentBuilder::explain(AlertRow& alert,
                              const std::map<std::pair<std::string, long long>, std::vector<std::size_t>>& runs_of) {
  const ProcessRun& alerting = incident_.processes[alert.process];
  for (BecauseRow& row : alert.because) {
    if (const FactEvent* event = fact_events_.find(alerting.host, row.fact.pid, row.fact.seq)) row.event = *event;
    if (row.fact.pid == alerting.pid) {
      row.kinship = Kinship::same;
      row.process = alert.process;
    } else {
      std::optional<std::size_t> current = alerting.parent;
      for (int depth = 0; current && depth < 256; ++depth) {
        if (incident_.processes[*current].pid == row.fact.pid) {
          row.kinship = depth == 0 ? Kinship::parent : Kinship::ancestor;
          row.process = current;
          break;
        }
        current = incident_.processes[*current].parent;
      }
      // A parent left out of the report (--tree, --since) is still the parent.
      if (!row.process && alerting.started && alerting.ppid == row.fact.pid) row.kinship = Kinship::parent;
      auto runs = runs_of.find({alerting.host, row.fact.pid});
      if (!row.process && runs != runs_of.end()) row.process = runs->second.back();
    }
    if (!row.event || !row.process || row.event->site.empty()) continue;
    std::vector<TimelineRow>& timeline = incident_.processes[*row.process].timeline;
    auto same_event = [&](const TimelineRow& r) { return r.kind == "event" && r.seq == row.fact.seq; };
    if (std::any_of(timeline.begin(), timeline.end(), same_event)) continue;
    TimelineRow added;
    added.ts = row.event->ts;
    added.seq = row.fact.seq;
    added.kind = "event";
    added.name = row.event->event;
    added.details = row.event->argument;
    added.site = row.event->site;
    added.area = std::string(activity_name(activity_of(row.event->event)));
    auto at = std::find_if(timeline.begin(), timeline.end(),
                           [&](const TimelineRow& r) { return r.seq > row.fact.seq; });
    timeline.insert(at, std::move(added));
  }
}

Incident IncidentBuilder::finish() {
  std::map<std::pair<std::string, long long>, std::vector<std::size_t>> runs_of;
  for (std::size_t i = 0; i < incident_.processes.size(); ++i) {
    runs_of[{incident_.processes[i].host, incident_.processes[i].pid}].push_back(i);
  }
  for (std::size_t i = 0; i < incident_.processes.size(); ++i) {
    ProcessRun& run = incident_.processes[i];
    run.recent_events.clear();
    if (!run.started) continue;
    auto parents = runs_of.find({run.host, run.ppid});
    if (parents == runs_of.end()) continue;
    // The parent is the latest run of that pid that began before this one.
    for (auto candidate = parents->second.rbegin(); candidate != parents->second.rend(); ++candidate) {
      if (*candidate != i && incident_.processes[*candidate].first_ts <= run.first_ts) {
        run.parent = *candidate;
        incident_.processes[*candidate].children.push_back(i);
        break;
      }
    }
  }
  for (AlertRow& alert : incident_.alerts) explain(alert, runs_of);
  std::stable_sort(incident_.alerts.begin(), incident_.alerts.end(),
                   [](const AlertRow& a, const AlertRow& b) { return a.rank > b.rank; });
  return std::move(incident_);
}

}  // namespace vigil
