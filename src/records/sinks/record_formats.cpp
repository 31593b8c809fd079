#include "sinks/record_formats.h"

#include "version.h"

#include <nlohmann/json.hpp>

#include <ctime>

namespace vigil {
namespace {

using nlohmann::json;

constexpr const char* kEcsVersion = "8.11.0";
constexpr const char* kOcsfVersion = "1.1.0";

// Native `ts` to milliseconds since the epoch (OCSF's `time`).
long long epoch_milliseconds(std::string_view ts) {
  tm parts{};
  if (ts.size() < 26 || strptime(std::string(ts.substr(0, 19)).c_str(), "%Y-%m-%dT%H:%M:%S", &parts) == nullptr) {
    return 0;
  }
  long long micros = std::strtoll(std::string(ts.substr(20, 6)).c_str(), nullptr, 10);
  return static_cast<long long>(timegm(&parts)) * 1000 + micros / 1000;
}

const json* member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

// An event's named argument, when the catalogue named it.
const json* argument(const json& native, const char* name) {
  const json* args = member(native, "args");
  return args != nullptr ? member(*args, name) : nullptr;
}

enum class Family { file, network, process, library, other };

Family family_of(std::string_view event) {
  if (event == "open" || event.starts_with("os.") || event.starts_with("shutil.") || event.starts_with("glob.") ||
      event.starts_with("tempfile.") || event.starts_with("pathlib.")) {
    if (event == "os.system" || event.starts_with("os.exec") || event.starts_with("os.spawn") ||
        event.starts_with("os.posix_spawn") || event == "os.fork" || event == "os.forkpty" || event == "os.kill" ||
        event == "os.killpg" || event == "os.startfile") {
      return Family::process;
    }
    return Family::file;
  }
  if (event.starts_with("socket.") || event.starts_with("urllib.") || event.starts_with("http.") ||
      event.starts_with("ftplib.") || event.starts_with("smtplib.") || event.starts_with("poplib.") ||
      event.starts_with("imaplib.") || event.starts_with("nntplib.") || event.starts_with("telnetlib.") ||
      event.starts_with("webbrowser.")) {
    return Family::network;
  }
  if (event.starts_with("subprocess.") || event.starts_with("pty.")) return Family::process;
  if (event == "import" || event == "ctypes.dlopen" || event == "sqlite3.load_extension") return Family::library;
  return Family::other;
}

bool is_denied(const json& native) {
  const json* decision = member(native, "decision");
  const json* enforced = decision != nullptr ? member(*decision, "enforced") : nullptr;
  return enforced != nullptr && enforced->is_boolean() && enforced->get<bool>();
}

// A socket address rendered as [host, port].
void split_address(const json* address, json& endpoint, const char* host_key) {
  if (address == nullptr || !address->is_array() || address->size() < 2) return;
  if ((*address)[0].is_string()) endpoint[host_key] = (*address)[0];
  if ((*address)[1].is_number_integer()) endpoint["port"] = (*address)[1];
}

json ecs_of(const Record& record, const json& native) {
  std::string_view kind = record.kind();
  std::string_view event_name = record.tags().event;
  json out;
  out["@timestamp"] = native.value("ts", "");
  out["ecs"] = {{"version", kEcsVersion}};
  out["agent"] = {{"type", "vigil"}, {"version", kVigilVersion}};
  out["host"] = {{"hostname", native.value("host", "")}};
  json& event = out["event"];
  event["module"] = "vigil";
  event["dataset"] = "vigil." + std::string(kind);
  event["sequence"] = record.seq();
  event["kind"] = kind == "alert" ? "alert" : "event";
  json& process = out["process"];
  process["pid"] = record.pid();
  if (const json* tid = member(native, "tid")) process["thread"] = {{"id", *tid}};
  if (kind == "event") {
    event["action"] = event_name;
    Family family = family_of(event_name);
    const char* category = family == Family::file      ? "file"
                           : family == Family::network ? "network"
                           : family == Family::process ? "process"
                           : family == Family::library ? "library"
                                                       : "api";
    event["category"] = json::array({category});
    bool denied = is_denied(native);
    event["type"] = json::array({denied ? "denied" : "info"});
    event["outcome"] = denied ? "failure" : "success";
    if (family == Family::file) {
      if (const json* path = argument(native, "path"); path != nullptr && path->is_string()) out["file"]["path"] = *path;
    }
    if (event_name == "socket.connect" || event_name == "socket.sendto") {
      json destination = json::object();
      split_address(argument(native, "address"), destination, "address");
      if (!destination.empty()) out["destination"] = destination;
    }
    if (const json* site = member(native, "site"); site != nullptr && site->is_object()) {
      json& origin = out["log"]["origin"];
      if (const json* file = member(*site, "file")) origin["file"]["name"] = *file;
      if (const json* line = member(*site, "line")) origin["file"]["line"] = *line;
      if (const json* function = member(*site, "function")) origin["function"] = *function;
    }
  } else if (kind == "alert") {
    static constexpr int kEcsSeverity[] = {1, 21, 47, 73, 99};
    int rank = record.tags().severity;
    event["action"] = native.value("rule", "");
    event["category"] = json::array({"intrusion_detection"});
    event["type"] = json::array({native.value("enforced", false) ? "denied" : "info"});
    if (rank >= 0) {
      event["severity"] = kEcsSeverity[rank];
      out["log"]["level"] = kSeverityNames[static_cast<std::size_t>(rank)];
    }
    out["rule"] = {{"id", native.value("rule", "")}, {"name", native.value("rule", "")}};
    out["message"] = native.value("message", "");
    if (const json* attack = member(native, "attack"); attack != nullptr && !attack->empty()) {
      out["threat"] = {{"framework", "MITRE ATT&CK"}, {"technique", {{"id", *attack}}}};
    }
  } else if (kind == "start" || kind == "stop") {
    event["action"] = kind == "start" ? "process-started" : "process-stopped";
    event["category"] = json::array({"process"});
    event["type"] = json::array({kind == "start" ? "start" : "end"});
    if (const json* exe = member(native, "exe")) process["executable"] = *exe;
    if (const json* argv = member(native, "argv")) process["args"] = *argv;
    if (const json* cwd = member(native, "cwd")) process["working_directory"] = *cwd;
    if (const json* ppid = member(native, "ppid")) process["parent"]["pid"] = *ppid;
    if (const json* uid = member(native, "uid"); uid != nullptr && uid->is_number()) {
      out["user"]["id"] = std::to_string(uid->get<long long>());
    }
    if (const json* status = member(native, "status")) process["exit_code"] = *status;
  } else {
    event["action"] = kind;
  }
  return out;
}

json ocsf_of(const Record& record, const json& native) {
  std::string_view kind = record.kind();
  std::string_view event_name = record.tags().event;
  int class_uid = 0;
  int category_uid = 0;
  int activity_id = 99;
  json out;
  int rank = record.tags().severity;
  out["severity_id"] = rank >= 0 ? rank + 1 : 1;
  out["severity"] = rank >= 0 ? std::string(kSeverityNames[static_cast<std::size_t>(rank)]) : "Informational";
  out["time"] = epoch_milliseconds(record.timestamp());
  std::string uid = native.value("host", "") + ":" + std::to_string(record.pid()) + ":" + std::to_string(record.seq());
  out["metadata"] = {{"version", kOcsfVersion},
                     {"product", {{"name", "Vigil"}, {"vendor_name", "Vigil"}, {"version", kVigilVersion}}},
                     {"uid", uid},
                     {"sequence", record.seq()},
                     {"log_name", "vigil"}};
  out["device"] = {{"hostname", native.value("host", "")}, {"type_id", 0}};
  json actor_process = {{"pid", record.pid()}};
  if (const json* tid = member(native, "tid")) actor_process["tid"] = *tid;
  out["actor"] = {{"process", actor_process}};
  bool denied = is_denied(native) || (kind == "alert" && native.value("enforced", false));
  out["status_id"] = denied ? 2 : 1;
  out["status"] = denied ? "Failure" : "Success";
  if (kind == "alert") {
    class_uid = 2004;  // Detection Finding
    category_uid = 2;
    activity_id = 1;  // Create
    json finding = {{"uid", uid},
                    {"title", native.value("rule", "")},
                    {"desc", native.value("message", "")},
                    {"analytic", {{"name", native.value("rule", "")}, {"uid", native.value("rule", "")}, {"type_id", 1}}}};
    if (const json* attack = member(native, "attack"); attack != nullptr && attack->is_array()) {
      json attacks = json::array();
      for (const json& id : *attack) attacks.push_back({{"technique", {{"uid", id}}}});
      finding["attacks"] = attacks;
    }
    out["finding_info"] = finding;
    out["message"] = native.value("message", "");
  } else if (kind == "start" || kind == "stop") {
    class_uid = 1007;  // Process Activity
    category_uid = 1;
    activity_id = kind == "start" ? 1 : 2;  // Launch, Terminate
    json process = {{"pid", record.pid()}};
    if (const json* exe = member(native, "exe")) process["file"] = {{"path", *exe}};
    if (const json* argv = member(native, "argv"); argv != nullptr && argv->is_array()) {
      std::string line;
      for (const json& word : *argv) {
        if (!line.empty()) line += ' ';
        if (word.is_string()) line += word.get<std::string>();
      }
      process["cmd_line"] = line;
    }
    if (const json* ppid = member(native, "ppid")) process["parent_process"] = {{"pid", *ppid}};
    if (const json* user = member(native, "uid"); user != nullptr && user->is_number()) {
      process["user"] = {{"uid", std::to_string(user->get<long long>())}};
    }
    out["process"] = process;
    if (const json* status = member(native, "status")) out["exit_code"] = *status;
  } else if (kind == "event") {
    switch (family_of(event_name)) {
      case Family::file:
        class_uid = 1001;  // File System Activity
        category_uid = 1;
        activity_id = event_name == "open" ? 14 : 99;  // Open, Other
        if (const json* path = argument(native, "path"); path != nullptr && path->is_string()) {
          out["file"] = {{"path", *path}, {"type_id", 0}};
        }
        break;
      case Family::network:
        class_uid = 4001;  // Network Activity
        category_uid = 4;
        activity_id = event_name == "socket.connect" ? 1 : 99;  // Open, Other
        if (event_name == "socket.connect") {
          json endpoint = json::object();
          split_address(argument(native, "address"), endpoint, "ip");
          if (!endpoint.empty()) out["dst_endpoint"] = endpoint;
        }
        break;
      case Family::process:
        class_uid = 1007;
        category_uid = 1;
        activity_id = 99;
        break;
      case Family::library:
      case Family::other:
        break;
    }
    out["activity_name"] = event_name;
  }
  out["class_uid"] = class_uid;
  out["category_uid"] = category_uid;
  out["activity_id"] = activity_id;
  out["type_uid"] = class_uid * 100 + activity_id;
  return out;
}

}  // namespace

std::string convert_record(RecordFormat format, const Record& record) {
  json native = json::parse(record.line(), nullptr, false);
  // nlohmann takes a NUL for the end of its input: what follows one would
  // reach the output unread.
  bool parsed = !native.is_discarded() && record.line().find('\0') == std::string_view::npos;
  if (!parsed) native = json::object();
  json converted = format == RecordFormat::ecs ? ecs_of(record, native) : ocsf_of(record, native);
  // Text that is not valid UTF-8 (never in Vigil's own lines) is replaced,
  // not thrown over.
  std::string text = converted.dump(-1, ' ', false, json::error_handler_t::replace);
  // The native record goes in as written, not parsed and written again:
  // that would be half the conversion's cost.
  text.pop_back();
  text += format == RecordFormat::ecs ? ",\"vigil\":" : ",\"unmapped\":";
  if (parsed) {
    text += record.line();
  } else {
    text += "{\"line\":";
    text += json(std::string(record.line())).dump(-1, ' ', false, json::error_handler_t::replace);
    text += '}';
  }
  text += '}';
  return text;
}

}  // namespace vigil
