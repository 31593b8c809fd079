#include "because_chain.h"

#include "event_target.h"
#include "log_lines.h"
#include "record_filter.h"
#include "safe_text.h"

#include <sys/stat.h>

namespace vigil {
namespace {

constexpr std::size_t kFactWidth = 80;
constexpr std::size_t kSubjectWidth = 200;

bool is_regular_file(const std::string& path) {
  struct stat status {};
  return path != "-" && ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

}  // namespace

AlertExplanation explanation_of(simdjson::dom::object alert) {
  AlertExplanation explanation;
  explanation.subject = bounded_text(text_member(alert, "subject"), kSubjectWidth);
  simdjson::dom::array because;
  if (alert.at_key("because").get_array().get(because) != simdjson::SUCCESS) return explanation;
  for (simdjson::dom::element element : because) {
    simdjson::dom::object fact;
    std::uint64_t seq = 0;
    // A fact without the event that established it explains nothing.
    if (element.get_object().get(fact) != simdjson::SUCCESS ||
        fact.at_key("seq").get_uint64().get(seq) != simdjson::SUCCESS) {
      continue;
    }
    if (explanation.because.size() >= AlertExplanation::kMaxFacts) {
      ++explanation.facts_omitted;
      continue;
    }
    BecauseFact entry;
    entry.fact = bounded_text(member_text(fact, "fact"), kFactWidth);
    entry.pid = integer_member(fact, "pid", integer_member(alert, "pid", 0));
    entry.seq = seq;
    entry.subject = bounded_text(text_member(fact, "subject"), kSubjectWidth);
    explanation.because.push_back(std::move(entry));
  }
  return explanation;
}

std::string kinship_text(Kinship kinship, long long pid) {
  switch (kinship) {
    case Kinship::same: return {};
    case Kinship::parent: return "in its parent, pid " + std::to_string(pid);
    case Kinship::ancestor: return "in an ancestor, pid " + std::to_string(pid);
    case Kinship::other: break;
  }
  return "in pid " + std::to_string(pid);
}

void FactEvents::want(const std::string& host, long long pid, std::uint64_t seq) {
  wanted_.emplace(Key{host, pid, seq}, std::nullopt);
}

void FactEvents::offer(simdjson::dom::object record) {
  if (wanted_.empty() || complete()) return;
  std::uint64_t seq = 0;
  if (record.at_key("seq").get_uint64().get(seq) != simdjson::SUCCESS) return;
  auto found = wanted_.find(Key{std::string(string_member(record, "host")), integer_member(record, "pid", 0), seq});
  if (found == wanted_.end() || found->second) return;
  FactEvent event;
  event.ts = bounded_text(string_member(record, "ts"), 40);
  std::string_view kind = string_member(record, "kind");
  if (kind == "event") {
    event.event = bounded_text(string_member(record, "event"), 120);
    event.argument = event_argument(record);
    simdjson::dom::object site;
    event.site = record.at_key("site").get_object().get(site) == simdjson::SUCCESS
                     ? bounded_text(member_text(site, "file"), 200) + ":" + bounded_text(member_text(site, "line"), 20)
                     : "(start-up)";
  } else {
    // A chain should name events; say plainly what it named instead.
    event.event = std::string("(").append(bounded_text(kind, 40)).append(" record, not an event)");
  }
  found->second = std::move(event);
  ++found_;
}

void FactEvents::read_again(const std::vector<std::string>& paths) {
  simdjson::dom::parser parser;
  for (const std::string& path : paths) {
    if (complete()) return;
    if (!is_regular_file(path)) continue;
    LogLines lines(path);
    std::string error;
    if (!lines.open(error)) continue;
    std::string_view line;
    while (!complete() && lines.next(line)) {
      simdjson::dom::object record;
      if (parser.parse(line.data(), line.size(), false).get_object().get(record) == simdjson::SUCCESS) offer(record);
    }
  }
}

const FactEvent* FactEvents::find(const std::string& host, long long pid, std::uint64_t seq) const {
  auto found = wanted_.find(Key{host, pid, seq});
  return found != wanted_.end() && found->second ? &*found->second : nullptr;
}

}  // namespace vigil
