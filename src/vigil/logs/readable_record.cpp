#include "readable_record.h"

#include "record_filter.h"
#include "safe_text.h"
#include "sinks/record.h"

namespace vigil {
namespace {

constexpr std::size_t kValueWidth = 160;
constexpr std::size_t kTextWidth = 100;

// Members every record has, or that only matter to `vigil log verify`.
bool is_envelope(std::string_view key) {
  return key == "ts" || key == "seq" || key == "kind" || key == "pid" || key == "host" || key == "prev" ||
         key == "hmac" || key == "tid";
}

class Line {
 public:
  explicit Line(bool colour) : colour_(colour) {}

  Line& styled(std::string_view style, std::string_view text) {
    if (colour_ && !style.empty()) {
      text_ += "\x1b[";
      text_ += style;
      text_ += 'm';
    }
    text_ += text;
    if (colour_ && !style.empty()) text_ += "\x1b[0m";
    return *this;
  }
  Line& plain(std::string_view text) { return styled({}, text); }
  // Text from the log: made safe and bounded. Every member is, numbers
  // too: a program can write its log, and `"pid":"\u001b[2J"` with it.
  Line& logged(std::string_view style, std::string_view text, std::size_t width = kValueWidth) {
    return styled(style, bounded_text(text, width));
  }
  std::string take() { return std::move(text_); }

 private:
  bool colour_;
  std::string text_;
};

std::string_view severity_style(std::string_view severity) {
  switch (severity_rank(severity)) {
    case 4: return "1;97;41";
    case 3: return "1;31";
    case 2: return "33";
    case 1: return "36";
    default: return "2";
  }
}

void add_members(Line& line, simdjson::dom::object members, bool skip_envelope) {
  for (auto [key, value] : members) {
    if (skip_envelope && is_envelope(key)) continue;
    line.plain(" ").styled("2", terminal_safe(key)).plain("=").logged({}, value_text(value));
  }
}

void add_args(Line& line, simdjson::dom::object record) {
  simdjson::dom::object args;
  simdjson::dom::array positional;
  if (record.at_key("args").get_object().get(args) == simdjson::SUCCESS) {
    add_members(line, args, false);
  } else if (record.at_key("args").get_array().get(positional) == simdjson::SUCCESS) {
    std::size_t index = 0;
    for (simdjson::dom::element value : positional) {
      line.plain(" ").styled("2", std::to_string(index++)).plain("=").logged({}, value_text(value));
    }
  }
}

void add_event(Line& line, simdjson::dom::object record) {
  line.logged("1", string_member(record, "event"), kTextWidth);
  add_args(line, record);
  simdjson::dom::object decision;
  bool enforced = false;
  if (record.at_key("decision").get_object().get(decision) == simdjson::SUCCESS &&
      decision.at_key("enforced").get_bool().get(enforced) == simdjson::SUCCESS && enforced) {
    line.plain(" ").styled("1;31", "DENIED");
  }
  simdjson::dom::object site;
  if (record.at_key("site").get_object().get(site) == simdjson::SUCCESS) {
    line.styled("2", "  @ ").logged("2", member_text(site, "file"), kTextWidth)
        .styled("2", ":").logged("2", member_text(site, "line"), kTextWidth).plain(" ")
        .logged("2", member_text(site, "function"), kTextWidth);
  }
}

void add_alert(Line& line, simdjson::dom::object record) {
  std::string_view severity = string_member(record, "severity");
  line.logged(severity_style(severity), severity, kTextWidth).plain(" ").logged("1", string_member(record, "rule"), kTextWidth);
  line.plain(": ").logged({}, string_member(record, "message"));
  std::string attack = member_text(record, "attack");
  if (attack != "[]" && !attack.empty()) line.plain(" ").logged("2", attack);
  bool enforced = false;
  if (record.at_key("enforced").get_bool().get(enforced) == simdjson::SUCCESS && enforced) {
    line.plain(" ").styled("1;31", "ENFORCED");
  }
  line.styled("2", " (event seq ").logged("2", member_text(record, "seq_ref"), kTextWidth).styled("2", ")");
}

void add_start(Line& line, simdjson::dom::object record) {
  simdjson::dom::object entry;
  if (record.at_key("entry").get_object().get(entry) == simdjson::SUCCESS) {
    line.logged("1", member_text(entry, "mode"), kTextWidth).plain(" ").logged({}, member_text(entry, "target"));
  }
  line.styled("2", " ppid ").logged({}, member_text(record, "ppid"), kTextWidth).styled("2", " uid ")
      .logged({}, member_text(record, "uid"), kTextWidth);
  simdjson::dom::object policy;
  if (record.at_key("policy").get_object().get(policy) == simdjson::SUCCESS) {
    line.styled("2", " policy ").logged({}, member_text(policy, "name"), kTextWidth).plain("/")
        .logged({}, member_text(policy, "mode"), kTextWidth);
  }
  line.styled("2", " argv ").logged({}, member_text(record, "argv"));
}

void add_stop(Line& line, simdjson::dom::object record) {
  line.plain("exit ").logged("1", member_text(record, "status"), kTextWidth);
  line.styled("2", " events_seen ").logged({}, member_text(record, "events_seen"), kTextWidth);
  std::string dropped = member_text(record, "records_dropped");
  if (!dropped.empty() && dropped != "0") line.styled("1;31", " records_dropped ").logged("1;31", dropped, kTextWidth);
}

void add_transcript(Line& line, simdjson::dom::object record) {
  line.logged("1", string_member(record, "origin"), kTextWidth).plain(" ")
      .logged({}, string_member(record, "filename"), kTextWidth)
      .plain(" ").logged("2", member_text(record, "size"), kTextWidth).styled("2", " bytes sha256 ")
      .logged("2", string_member(record, "sha256").substr(0, 12), kTextWidth).plain(" ")
      .logged({}, string_member(record, "text"), kTextWidth);
}

}  // namespace

std::string readable_args(simdjson::dom::object record, bool colour) {
  Line line(colour);
  add_args(line, record);
  std::string text = line.take();
  return text.empty() ? text : text.substr(1);
}

std::string readable_record(simdjson::dom::object record, bool colour) {
  Line line(colour);
  std::string ts(string_member(record, "ts"));
  if (ts.size() > 20 && ts[10] == 'T') {
    ts[10] = ' ';
    if (ts.back() == 'Z') ts.pop_back();
  }
  line.logged("2", ts, 40).plain(" ").logged({}, string_member(record, "host"), 64)
      .plain("[").logged({}, member_text(record, "pid"), kTextWidth).plain("]")
      .styled("2", "#").logged("2", member_text(record, "seq"), kTextWidth).plain(" ");
  std::string_view kind = string_member(record, "kind");
  if (kind == "event") {
    add_event(line.plain("event "), record);
  } else if (kind == "alert") {
    add_alert(line.styled("1;31", "ALERT").plain(" "), record);
  } else if (kind == "start") {
    add_start(line.styled("32", "start").plain(" "), record);
  } else if (kind == "stop") {
    add_stop(line.styled("32", "stop").plain(" "), record);
  } else if (kind == "transcript") {
    add_transcript(line.styled("35", "transcript").plain(" "), record);
  } else {
    line.logged("34", kind, kTextWidth);
    add_members(line, record, true);
  }
  return line.take();
}

}  // namespace vigil
