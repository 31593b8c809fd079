#include "event_target.h"

#include "activity.h"
#include "readable_record.h"
#include "record_filter.h"
#include "safe_text.h"

#include <utility>

namespace vigil {
namespace {

// A string, or the text of a {"bytes": …} value, or compact JSON.
std::string word_of(simdjson::dom::element value) {
  simdjson::dom::object object;
  std::string_view text;
  if (value.get_object().get(object) == simdjson::SUCCESS && object.at_key("bytes").get_string().get(text) == simdjson::SUCCESS) {
    return std::string(text);
  }
  return value_text(value);
}

// ["host", port, …] as host:port; other addresses (unix paths) as text.
std::string address_of(simdjson::dom::object args, std::string_view key) {
  simdjson::dom::element value;
  if (args.at_key(key).get(value) != simdjson::SUCCESS) return {};
  simdjson::dom::array parts;
  simdjson::dom::element host;
  simdjson::dom::element port;
  if (value.get_array().get(parts) == simdjson::SUCCESS && parts.at(0).get(host) == simdjson::SUCCESS &&
      parts.at(1).get(port) == simdjson::SUCCESS) {
    std::string host_text = word_of(host);
    if (host_text.find(':') != std::string::npos) host_text = "[" + host_text + "]";
    return host_text + ":" + value_text(port);
  }
  return word_of(value);
}

std::string host_port(simdjson::dom::object args) {
  std::string host = member_text(args, "host");
  std::string port = member_text(args, "port");
  return port.empty() || port == "null" ? host : host + ":" + port;
}

// The text code was compiled from, or the file or name it came from.
std::string code_target(std::string_view event, simdjson::dom::object args) {
  simdjson::dom::element source;
  if (args.at_key("source").get(source) == simdjson::SUCCESS) return word_of(source);
  if (event == "cpython.run_command") return command_of(args, "command");
  simdjson::dom::object code;
  if (args.at_key("code_object").get_object().get(code) == simdjson::SUCCESS) {
    return member_text(code, "filename") + " " + member_text(code, "name");
  }
  if (event == "pickle.find_class") return member_text(args, "module") + "." + member_text(args, "name");
  std::string path = member_text(args, "path");
  return path.empty() ? member_text(args, "filename") : path;
}

}  // namespace

std::string command_of(simdjson::dom::object args, std::string_view key) {
  simdjson::dom::element value;
  if (args.at_key(key).get(value) != simdjson::SUCCESS) return {};
  simdjson::dom::array words;
  if (value.get_array().get(words) != simdjson::SUCCESS) return word_of(value);
  std::string line;
  for (simdjson::dom::element word : words) {
    if (!line.empty()) line += ' ';
    line += word_of(word);
  }
  return line;
}

std::string network_target(std::string_view event, simdjson::dom::object args) {
  if (event.starts_with("socket.") && args.at_key("address").error() == simdjson::SUCCESS) {
    return address_of(args, "address");
  }
  if (event == "socket.getaddrinfo" || event.ends_with(".connect") || event == "imaplib.open" ||
      event == "telnetlib.Telnet.open") {
    return host_port(args);
  }
  if (event == "urllib.Request") return member_text(args, "method") + " " + member_text(args, "fullurl");
  if (event == "webbrowser.open") return member_text(args, "url");
  if (event == "socket.gethostbyname" || event == "socket.gethostbyaddr") return member_text(args, "hostname");
  return {};
}

std::string file_target(std::string_view event, simdjson::dom::object args) {
  for (auto [from, to] : {std::pair{"src", "dst"}, std::pair{"source", "destination"}}) {
    std::string source = member_text(args, from);
    if (!source.empty()) return source + " → " + member_text(args, to);
  }
  if (event == "shutil.make_archive") return member_text(args, "base_name");
  if (event == "shutil.unpack_archive") return member_text(args, "filename") + " → " + member_text(args, "extract_dir");
  std::string path = member_text(args, "path");
  return path.empty() ? member_text(args, "dir") : path;
}

std::string command_target(std::string_view event, simdjson::dom::object args) {
  if (event == "os.system") return command_of(args, "command");
  if (event == "os.kill" || event == "os.killpg") {
    return "signal " + member_text(args, "sig") + " to " + member_text(args, event == "os.kill" ? "pid" : "pgid");
  }
  if (event == "os.fork" || event == "os.forkpty") return "(fork)";
  if (event == "pty.spawn" || event == "os.posix_spawn") return command_of(args, "argv");
  std::string line = command_of(args, "args");
  return line.empty() ? command_of(args, "path") : line;
}

std::string event_argument(simdjson::dom::object record, std::size_t width) {
  std::string_view event = string_member(record, "event");
  simdjson::dom::object args;
  std::string target;
  if (record.at_key("args").get_object().get(args) == simdjson::SUCCESS) {
    switch (activity_of(event)) {
      case Activity::network: target = network_target(event, args); break;
      case Activity::file: target = file_target(event, args); break;
      case Activity::process: target = command_target(event, args); break;
      case Activity::code: target = code_target(event, args); break;
      default: break;
    }
  }
  if (target.empty()) return bounded_text(readable_args(record, false), width);
  return bounded_text(target, width);
}

}  // namespace vigil
