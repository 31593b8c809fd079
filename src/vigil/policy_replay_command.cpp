#include "policy_replay_command.h"

#include "logs/safe_text.h"
#include "policy_replay.h"
#include "policy_selection.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace vigil {
namespace {

using json = nlohmann::ordered_json;

struct Location {
  std::string log;
  long line = 0;
  long long pid = 0;
  std::uint64_t seq = 0;
  std::string ts;
};

// Denials of one rule about one thing.
struct Group {
  Finding finding;
  std::string event;
  std::string subject;
  long count = 0;
  std::vector<Location> first;  // the first few
  Location last;
};

std::string location_text(const Location& at) {
  return at.log + ":" + std::to_string(at.line) + " pid " + std::to_string(at.pid) + " seq " + std::to_string(at.seq);
}

json gaps_json(const ReplayGaps& gaps, std::size_t processes_without_trust) {
  json rules = json::object();
  for (const auto& [id, reason] : gaps.rules_not_judged) rules[id] = reason;
  return {{"rules_not_judged", rules},
          {"events_without_start", gaps.events_without_start},
          {"after_refused_pth", gaps.after_refused_pth},
          {"compiles_without_provenance", gaps.compiles_without_provenance},
          {"xattr_verdicts_reused", gaps.xattr_verdicts_reused},
          {"kernel_verdicts_reused", gaps.kernel_verdicts_reused},
          {"recorded_findings", gaps.recorded_findings},
          {"processes_without_trust", processes_without_trust}};
}

void print_gaps(const ReplayGaps& gaps, std::size_t processes_without_trust) {
  if (processes_without_trust > 0) {
    std::printf("not judged: trust and provenance in %zu processes whose records carry no trust member (their "
                "policy had no [trust])\n",
                processes_without_trust);
  }
  for (const auto& [id, reason] : gaps.rules_not_judged) {
    std::printf("not judged: rule %s: %s%s\n", id.c_str(), reason.c_str(),
                gaps.recorded_findings > 0 ? " (the records' own decisions are listed as recorded)" : "");
  }
  if (gaps.events_without_start > 0) {
    std::printf("not judged: %ld events of processes whose start record was not read: process.* taken as unknown\n",
                gaps.events_without_start);
  }
  if (gaps.after_refused_pth > 0) {
    std::printf("not denied: %ld events of the lines of .pth files the policy refuses, which never run\n",
                gaps.after_refused_pth);
  }
  if (gaps.compiles_without_provenance > 0) {
    std::printf("not judged: %ld compiles without a provenance member: provenance not judged\n",
                gaps.compiles_without_provenance);
  }
  if (gaps.xattr_verdicts_reused > 0) {
    std::printf("as recorded: %ld files trusted by their security.vigil.sha256 attribute, which replay cannot "
                "read again\n",
                gaps.xattr_verdicts_reused);
  }
  if (gaps.kernel_verdicts_reused > 0) {
    std::printf("as recorded: %ld answers of the kernel (AT_EXECVE_CHECK)\n", gaps.kernel_verdicts_reused);
  }
}

}  // namespace

int policy_replay_command(const PolicyReplayOptions& options) {
  std::string error;
  auto policy = read_policy(options.policy, error);
  if (!policy) {
    std::fprintf(stderr, "vigil policy replay: %s\n", error.c_str());
    return 2;
  }
  auto database = load_policy_database(*policy, error);
  if (!error.empty()) {
    std::fprintf(stderr, "vigil policy replay: %s\n", error.c_str());
    return 2;
  }
  PolicyReplay replay(std::move(*policy), std::move(database));
  std::map<std::pair<std::string, std::string>, Group> groups;  // by rule and subject
  std::set<long long> pids;
  long denied_events = 0;
  long startup_events = 0;  // only [entry] restrictions of start-up
  long recorded_events = 0;
  for (const std::string& path : options.logs) {
    LogLines lines(path);
    if (!lines.open(error)) {
      std::fprintf(stderr, "vigil policy replay: %s\n", error.c_str());
      return 2;
    }
    replay.read(lines, [&](const JudgedEvent& judged) {
      bool startup_only = std::all_of(judged.findings.begin(), judged.findings.end(),
                                      [](const Finding& finding) { return is_startup_restriction(finding.rule); });
      if (startup_only) {
        ++startup_events;
      } else {
        ++denied_events;
        pids.insert(judged.pid);
      }
      bool replayed = false;
      std::string subject = recorded_subject(judged);
      for (const Finding& finding : judged.findings) {
        replayed |= finding.basis == Basis::replayed;
        std::string what = finding.detail.empty() ? std::string(judged.event) + " " + subject : finding.detail;
        Group& group = groups[{finding.rule, what}];
        if (group.count++ == 0) {
          group.finding = finding;
          group.event = std::string(judged.event);
          group.subject = subject;
        }
        Location at{path, judged.line, judged.pid, judged.seq, std::string(judged.ts)};
        if (group.first.size() < options.records_shown) group.first.push_back(at);
        group.last = std::move(at);
      }
      if (!replayed && !startup_only) ++recorded_events;
    });
    if (std::string what = lines.unread(); !what.empty()) {
      std::fprintf(stderr, "vigil policy replay: %s: %s\n", path.c_str(), what.c_str());
    }
  }
  const Policy& judged_policy = replay.policy();
  std::set<std::string> rules;
  for (const auto& [key, group] : groups) {
    if (!is_startup_restriction(key.first)) rules.insert(key.first);
  }

  if (options.json) {
    json out = {{"policy", {{"name", judged_policy.name}, {"source", judged_policy.source},
                            {"sha256", judged_policy.sha256}, {"mode", to_string(judged_policy.mode)}}},
                {"records", replay.records()},
                {"events", replay.events()},
                {"processes", replay.processes()},
                {"bad_lines", replay.bad_lines()}};
    json denials = json::array();
    for (const auto& [key, group] : groups) {
      json records = json::array();
      for (const Location& at : group.first) {
        records.push_back({{"log", at.log}, {"line", at.line}, {"pid", at.pid}, {"seq", at.seq}, {"ts", at.ts}});
      }
      denials.push_back({{"rule", group.finding.rule},
                         {"action", to_string(group.finding.action)},
                         {"severity", to_string(group.finding.severity)},
                         {"message", group.finding.message},
                         {"event", group.event},
                         {"subject", group.subject},
                         {"detail", group.finding.detail},
                         {"basis", group.finding.basis == Basis::replayed ? "replayed" : "recorded"},
                         {"startup", is_startup_restriction(group.finding.rule)},
                         {"count", group.count},
                         {"records", records},
                         {"last", {{"log", group.last.log}, {"line", group.last.line}, {"pid", group.last.pid},
                                   {"seq", group.last.seq}, {"ts", group.last.ts}}}});
    }
    out["denials"] = denials;
    out["not_judged"] = gaps_json(replay.gaps(), replay.processes_without_trust());
    out["summary"] = {{"denied_events", denied_events},
                      {"startup_refusals", startup_events},
                      {"rules", rules.size()},
                      {"processes", pids.size()},
                      {"as_recorded", recorded_events}};
    std::printf("%s\n", out.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return denied_events > 0 ? 1 : 0;
  }

  std::printf("policy \"%s\" (%s mode, %s) over %zu log%s: %ld records, %ld events in %zu processes\n",
              terminal_safe(judged_policy.name).c_str(), to_string(judged_policy.mode),
              terminal_safe(judged_policy.source).c_str(), options.logs.size(), options.logs.size() == 1 ? "" : "s",
              replay.records(), replay.events(), replay.processes());
  if (judged_policy.mode == Mode::audit) {
    std::printf("(audit mode: what follows would be alerts, and denials once the policy enforces)\n");
  }
  // The application's denials first, then what [entry] refuses of
  // Python's own start-up in every run.
  for (bool startup : {false, true}) {
    std::string rule_shown;
    for (const auto& [key, group] : groups) {
      if (is_startup_restriction(key.first) != startup) continue;
      if (key.first != rule_shown) {
        rule_shown = key.first;
        std::printf("%s%s by %s: %s\n", startup ? "start-up: " : "", to_string(group.finding.action),
                    terminal_safe(key.first).c_str(), terminal_safe(group.finding.message).c_str());
      }
      std::printf("  %ld × %s%s\n", group.count, bounded_text(key.second, 240).c_str(),
                  group.finding.basis == Basis::recorded ? " (as recorded)" : "");
      for (const Location& at : group.first) std::printf("      %s\n", terminal_safe(location_text(at)).c_str());
      if (group.count > static_cast<long>(group.first.size())) {
        std::printf("      … last %s\n", terminal_safe(location_text(group.last)).c_str());
      }
    }
  }
  print_gaps(replay.gaps(), replay.processes_without_trust());
  if (replay.bad_lines() > 0) std::printf("%ld lines were not JSON records\n", replay.bad_lines());
  std::string startup_note;
  if (startup_events > 0) {
    startup_note = " (besides " + std::to_string(startup_events) +
                   " refusals of start-up files and variables by [entry], which Python goes on from)";
  }
  if (denied_events == 0) {
    std::printf("summary: nothing would be denied%s\n", startup_note.c_str());
  } else {
    std::printf("summary: would deny %ld events by %zu rules in %zu processes (%ld only as recorded)%s\n",
                denied_events, rules.size(), pids.size(), recorded_events, startup_note.c_str());
  }
  return denied_events > 0 ? 1 : 0;
}

}  // namespace vigil
