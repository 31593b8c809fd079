#include "record_filter.h"

#include "glob.h"
#include "sinks/record.h"

#include <algorithm>
#include <charconv>

namespace vigil {
namespace {

bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) { return glob_match(glob, text); });
}

bool find_path(simdjson::dom::object record, const std::vector<std::string>& path, simdjson::dom::element& found) {
  simdjson::dom::element value;
  if (record.at_key(path.front()).get(value) != simdjson::SUCCESS) return false;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const std::string& part = path[i];
    simdjson::dom::object object;
    simdjson::dom::array array;
    if (value.get_object().get(object) == simdjson::SUCCESS) {
      if (object.at_key(part).get(value) != simdjson::SUCCESS) return false;
    } else if (value.get_array().get(array) == simdjson::SUCCESS) {
      std::size_t index = 0;
      auto [end, problem] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (problem != std::errc() || end != part.data() + part.size()) return false;
      if (array.at(index).get(value) != simdjson::SUCCESS) return false;
    } else {
      return false;
    }
  }
  found = value;
  return true;
}

}  // namespace

bool parse_field_condition(std::string_view text, std::string_view prefix, FieldCondition& condition) {
  auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  std::string path = std::string(prefix) + std::string(text.substr(0, equals));
  condition.path.clear();
  for (std::size_t start = 0;;) {
    auto dot = path.find('.', start);
    condition.path.push_back(path.substr(start, dot - start));
    if (condition.path.back().empty()) return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  condition.glob = std::string(text.substr(equals + 1));
  return true;
}

std::string_view string_member(simdjson::dom::object object, std::string_view key) {
  std::string_view text;
  if (object.at_key(key).get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

std::string_view text_member(simdjson::dom::object object, std::string_view key) {
  std::string_view text = string_member(object, key);
  simdjson::dom::object lossless;
  if (text.empty() && object.at_key(key).get_object().get(lossless) == simdjson::SUCCESS) {
    return string_member(lossless, "text");
  }
  return text;
}

long long integer_member(simdjson::dom::object object, std::string_view key, long long otherwise) {
  std::int64_t value = 0;
  return object.at_key(key).get_int64().get(value) == simdjson::SUCCESS ? value : otherwise;
}

std::string member_text(simdjson::dom::object object, std::string_view key) {
  simdjson::dom::element value;
  if (object.at_key(key).get(value) != simdjson::SUCCESS) return {};
  return value_text(value);
}

std::string value_text(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  return simdjson::minify(value);
}

RecordFilter::RecordFilter(RecordQuery query)
    : query_(std::move(query)),
      pids_(query_.pids.begin(), query_.pids.end()),
      tree_pids_(query_.trees.begin(), query_.trees.end()) {}

bool RecordFilter::selects_everything() const {
  return query_.kinds.empty() && query_.events.empty() && query_.min_severity < 0 && pids_.empty() && tree_pids_.empty() &&
         query_.since.empty() && query_.until.empty() && query_.fields.empty();
}

bool RecordFilter::pid_matches(simdjson::dom::object record) {
  if (pids_.empty() && tree_pids_.empty()) return true;
  std::int64_t pid = 0;
  if (record.at_key("pid").get_int64().get(pid) != simdjson::SUCCESS) return false;
  if (pids_.count(pid) || tree_pids_.count(pid)) return true;
  std::int64_t ppid = 0;
  if (!tree_pids_.empty() && string_member(record, "kind") == "start" &&
      record.at_key("ppid").get_int64().get(ppid) == simdjson::SUCCESS && tree_pids_.count(ppid)) {
    tree_pids_.insert(pid);
    return true;
  }
  return false;
}
bool RecordFilter::matches(simdjson::dom::object record) {
  if (!pid_matches(record)) return false;
  if (!query_.kinds.empty() &&
      std::find(query_.kinds.begin(), query_.kinds.end(), string_member(record, "kind")) == query_.kinds.end()) {
    return false;
  }
  if (!query_.events.empty() && !any_glob(query_.events, string_member(record, "event"))) return false;
  if (query_.min_severity >= 0 && severity_rank(string_member(record, "severity")) < query_.min_severity) {
    return false;
  }
  if (!query_.since.empty() || !query_.until.empty()) {
    std::string_view ts = string_member(record, "ts");
    if (ts.empty() || (!query_.since.empty() && ts < query_.since) || (!query_.until.empty() && ts >= query_.until)) {
      return false;
    }
  }
  for (const FieldCondition& condition : query_.fields) {
    simdjson::dom::element value;
    if (!find_path(record, condition.path, value) || !glob_match(condition.glob, value_text(value))) return false;
  }
  return true;
}

}  // namespace vigil
