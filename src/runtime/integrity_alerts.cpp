#include "integrity_alerts.h"

#include "json_text.h"

#include <string>

namespace vigil {

void emit_integrity_alert(Recorder& recorder, const IntegrityRule& rule, std::string_view event,
                          std::string_view message, std::uint64_t seq_ref) {
  std::string members;
  JsonText json(members, true);
  json.key("rule");
  json.string(rule.id);
  json.key("severity");
  json.string(rule.severity);
  json.key("attack");
  json.begin_array();
  for (std::string_view technique : rule.attack) {
    if (!technique.empty()) json.string(technique);
  }
  json.end_array();
  json.key("message");
  json.string(message);
  json.key("seq_ref");
  json.unsigned_integer(seq_ref);
  if (!event.empty()) {
    json.key("event");
    json.string(event);
  }
  recorder.emit("alert", members, {event, rule.id, severity_rank(rule.severity)});
}

}  // namespace vigil
