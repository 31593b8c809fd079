#include "repeated_values.h"

#include "event_catalog.h"
#include "json_text.h"

#include <vector>

namespace vigil {
namespace {

void append_key(std::string& text, std::string_view key) {
  if (text.size() > 1) text += ',';
  text += '"';
  append_json_utf8(text, key);
  text += "\":";
}

}  // namespace

std::uint64_t referred_seq(simdjson::dom::element value) {
  simdjson::dom::object object;
  std::uint64_t seq = 0;
  if (value.get_object().get(object) != simdjson::SUCCESS || object.size() != 1 ||
      object.at_key("same_as").get_uint64().get(seq) != simdjson::SUCCESS) {
    return 0;
  }
  return seq;
}

void RepeatedValues::resolve(simdjson::dom::object& record, std::string_view& line) {
  std::string_view kind;
  std::int64_t pid = 0;
  if (record.at_key("kind").get_string().get(kind) != simdjson::SUCCESS ||
      record.at_key("pid").get_int64().get(pid) != simdjson::SUCCESS) {
    return;
  }
  if (kind == "start") {
    // A new process of that pid (or the same pid again in a later run):
    // its seq numbers begin anew.
    values_.erase(values_.lower_bound({pid, 0, std::string()}), values_.lower_bound({pid + 1, 0, std::string()}));
    return;
  }
  std::string_view event;
  if (kind != "event" || record.at_key("event").get_string().get(event) != simdjson::SUCCESS) return;
  const EventSignature* signature = find_event_signature(event);
  if (signature == nullptr || signature->recorded_once_per_change == 0) return;
  simdjson::dom::object args;
  std::uint64_t seq = 0;
  if (record.at_key("args").get_object().get(args) != simdjson::SUCCESS ||
      record.at_key("seq").get_uint64().get(seq) != simdjson::SUCCESS) {
    return;
  }
  struct Found {
    std::string_view field;
    const std::string* value;
  };
  std::vector<Found> found;
  for (auto [field, value] : args) {
    if (!signature->is_recorded_once_per_change(signature->field_index(field))) continue;
    std::uint64_t referred = referred_seq(value);
    if (referred == 0) {
      values_[{pid, seq, std::string(field)}] = simdjson::minify(value);
      continue;
    }
    auto held = values_.find({pid, referred, std::string(field)});
    if (held != values_.end()) found.push_back({field, &held->second});
  }
  if (found.empty()) return;
  std::string text = "{";
  for (auto [key, value] : record) {
    append_key(text, key);
    if (key != "args") {
      text += simdjson::minify(value);
      continue;
    }
    std::size_t args_start = text.size();
    text += '{';
    for (auto [field, argument] : args) {
      if (text.size() > args_start + 1) text += ',';
      text += '"';
      append_json_utf8(text, field);
      text += "\":";
      const std::string* held = nullptr;
      for (const Found& one : found) {
        if (one.field == field) held = one.value;
      }
      text += held != nullptr ? *held : simdjson::minify(argument);
    }
    text += '}';
  }
  text += '}';
  simdjson::dom::object resolved;
  if (parser_.parse(text).get_object().get(resolved) != simdjson::SUCCESS) return;
  resolved_ = std::move(text);
  record = resolved;
  line = resolved_;
}

}  // namespace vigil
