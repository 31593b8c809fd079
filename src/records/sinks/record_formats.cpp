#include "sinks/record_formats.h"

#include "json_text.h"
#include "version.h"

#include <array>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vigil {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kEcsVersion = "8.11.0";
constexpr std::string_view kOcsfVersion = "1.1.0";

// ---- Reading the native line ------------------------------------------
//
// One pass over the line finds the members the mappings use; their values
// are copied as the line writes them, never decoded and encoded again. The
// line is the recorder's own, but its strings hold whatever a program
// passed, so the reader checks the whole of it against the JSON grammar
// (UTF-8 included): a line that fails is carried as a string, and the
// converted record is JSON whatever the line was.

// Nesting beyond this is refused, as simdjson refuses it (Vigil renders
// arguments far shallower).
constexpr std::size_t kMaxDepth = 1024;

using Cursor = const char*;

Cursor skip_space(Cursor p, Cursor end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) ++p;
  return p;
}

// Bytes a string holds as they are: printable ASCII and DEL, but the quote
// and backslash.
constexpr auto kStringPlain = [] {
  std::array<bool, 256> plain{};
  for (int byte = 0x20; byte < 0x80; ++byte) plain[byte] = byte != '"' && byte != '\\';
  return plain;
}();

// Where the first byte that is not kStringPlain lies in [p, end): sixteen
// bytes at a time where SSE2 is there (every x86-64), one at a time
// otherwise and for the last few.
Cursor first_special_byte(Cursor p, Cursor end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed, the bytes from 0x80 up are below the space too.
    __m128i special = _mm_or_si128(_mm_cmplt_epi8(bytes, space),
                                   _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
    if (int mask = _mm_movemask_epi8(special); mask != 0) return p + std::countr_zero(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && kStringPlain[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of `\uXXXX` at `p` (at the backslash), or -1.
long u_escape_at(Cursor p, Cursor end) {
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
  long unit = 0;
  for (int i = 2; i < 6; ++i) {
    int digit = hex_value(p[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

// From just after an opening quote to just after the closing one; nullptr
// when the string is not valid JSON.
Cursor skip_string(Cursor p, Cursor end) {
  for (;;) {
    p = first_special_byte(p, end);
    if (p == end) return nullptr;
    auto byte = static_cast<unsigned char>(*p);
    if (byte == '"') return p + 1;
    if (byte == '\\') {
      if (end - p < 2) return nullptr;
      char escaped = p[1];
      if (escaped != 'u') {
        if (std::strchr("\"\\/bfnrt", escaped) == nullptr || escaped == '\0') return nullptr;
        p += 2;
        continue;
      }
      long unit = u_escape_at(p, end);
      if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return nullptr;
      p += 6;
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        // A high surrogate stands only before a low one.
        long low = u_escape_at(p, end);
        if (low < 0xDC00 || low > 0xDFFF) return nullptr;
        p += 6;
      }
      continue;
    }
    if (byte < 0x20) return nullptr;
    std::uint32_t code_point = 0;
    std::size_t length = valid_utf8_length(reinterpret_cast<const unsigned char*>(p), end - p, code_point);
    if (length == 0) return nullptr;
    p += length;
  }
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Cursor skip_digits(Cursor p, Cursor end) {
  while (p < end && is_digit(*p)) ++p;
  return p;
}

// A number as the JSON grammar has it; nullptr when there is none at `p`.
Cursor skip_number(Cursor p, Cursor end) {
  if (p < end && *p == '-') ++p;
  if (p == end || !is_digit(*p)) return nullptr;
  p = *p == '0' ? p + 1 : skip_digits(p, end);
  if (p < end && *p == '.') {
    Cursor fraction = p + 1;
    p = skip_digits(fraction, end);
    if (p == fraction) return nullptr;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    Cursor exponent = p;
    p = skip_digits(exponent, end);
    if (p == exponent) return nullptr;
  }
  return p;
}

Cursor skip_word(Cursor p, Cursor end, std::string_view word) {
  return static_cast<std::size_t>(end - p) >= word.size() && std::string_view(p, word.size()) == word
             ? p + word.size()
             : nullptr;
}

// A member's name and colon, at the name's opening quote; nullptr when
// there is none.
Cursor skip_name(Cursor p, Cursor end) {
  if (p == end || *p != '"') return nullptr;
  p = skip_string(p + 1, end);
  if (p == nullptr) return nullptr;
  p = skip_space(p, end);
  return p < end && *p == ':' ? p + 1 : nullptr;
}

// A string, number, true, false or null at `p` (< end); nullptr when there
// is none.
Cursor skip_scalar(Cursor p, Cursor end) {
  switch (*p) {
    case '"': return skip_string(p + 1, end);
    case 't': return skip_word(p, end, "true");
    case 'f': return skip_word(p, end, "false");
    case 'n': return skip_word(p, end, "null");
    default: return skip_number(p, end);
  }
}

// An object or array at `p` (< end), whole; nullptr when it is not valid
// JSON.
Cursor skip_container(Cursor p, Cursor end) {
  char closers[kMaxDepth];
  std::size_t depth = 0;
  for (;;) {
    p = skip_space(p, end);
    if (p == end) return nullptr;
    if (*p == '{' || *p == '[') {
      char closer = *p == '{' ? '}' : ']';
      p = skip_space(p + 1, end);
      if (p < end && *p == closer) {
        ++p;
      } else {
        if (depth == kMaxDepth) return nullptr;
        closers[depth++] = closer;
        if (closer == '}') {
          p = skip_name(p, end);
          if (p == nullptr) return nullptr;
        }
        continue;
      }
    } else {
      p = skip_scalar(p, end);
      if (p == nullptr) return nullptr;
    }
    // After a value: close what it ends, then on to the next value.
    for (;;) {
      if (depth == 0) return p;
      p = skip_space(p, end);
      if (p == end) return nullptr;
      if (*p == closers[depth - 1]) {
        ++p;
        --depth;
        continue;
      }
      if (*p != ',') return nullptr;
      p = skip_space(p + 1, end);
      if (closers[depth - 1] == '}') {
        p = skip_name(p, end);
        if (p == nullptr) return nullptr;
      }
      break;
    }
  }
}

// One whole value from `p` (which may start with white space) to just after
// it; nullptr when it is not valid JSON. Most values are scalars, which
// need none of a container's bookkeeping.
Cursor skip_value(Cursor p, Cursor end) {
  p = skip_space(p, end);
  if (p == end) return nullptr;
  return *p == '{' || *p == '[' ? skip_container(p, end) : skip_scalar(p, end);
}

// Reads the object at `p` (its '{'), calling read_value(name, at) for each
// member with the name as written between its quotes (Vigil's names need no
// escapes) and where its value begins; read_value returns where the value
// ends, or nullptr when it is not valid JSON. Returns where the object
// ends, or nullptr.
template <typename ReadValue>
Cursor read_object(Cursor p, Cursor end, ReadValue read_value) {
  if (p == end || *p != '{') return nullptr;
  p = skip_space(p + 1, end);
  if (p < end && *p == '}') return p + 1;
  for (;;) {
    Cursor name = p + 1;
    Cursor after_name = skip_name(p, end);
    if (after_name == nullptr) return nullptr;
    Cursor name_end = after_name - 1;
    while (*name_end != '"') --name_end;
    p = read_value(std::string_view(name, name_end - name), skip_space(after_name, end));
    if (p == nullptr) return nullptr;
    p = skip_space(p, end);
    if (p == end) return nullptr;
    if (*p == '}') return p + 1;
    if (*p != ',') return nullptr;
    p = skip_space(p + 1, end);
  }
}

// Calls visit(value) for each element of the array `text`; false when
// `text` is not one JSON array.
template <typename Visit>
bool each_element(std::string_view text, Visit visit) {
  Cursor end = text.data() + text.size();
  Cursor p = skip_space(text.data(), end);
  if (p == end || *p != '[') return false;
  p = skip_space(p + 1, end);
  if (p < end && *p == ']') return skip_space(p + 1, end) == end;
  for (;;) {
    Cursor after_value = skip_value(p, end);
    if (after_value == nullptr) return false;
    visit(std::string_view(p, after_value - p));
    p = skip_space(after_value, end);
    if (p == end) return false;
    if (*p == ']') return skip_space(p + 1, end) == end;
    if (*p != ',') return false;
    p = skip_space(p + 1, end);
  }
}

bool is_string(std::string_view value) { return !value.empty() && value.front() == '"'; }
bool is_object(std::string_view value) { return !value.empty() && value.front() == '{'; }
bool is_array(std::string_view value) { return !value.empty() && value.front() == '['; }
bool is_number(std::string_view value) { return !value.empty() && (value.front() == '-' || is_digit(value.front())); }

// A number without fraction or exponent that fits 64 bits, as a JSON
// reader keeps it an integer.
bool is_integer(std::string_view value) {
  if (!is_number(value) || value.find_first_of(".eE") != std::string_view::npos) return false;
  const char* end = value.data() + value.size();
  if (value.front() == '-') {
    long long number;
    return std::from_chars(value.data(), end, number).ec == std::errc{};
  }
  unsigned long long number;
  return std::from_chars(value.data(), end, number).ec == std::errc{};
}

// Nothing in it: null, [] or {}.
bool is_empty(std::string_view value) {
  if (value.empty() || value == "null") return true;
  if (value.front() != '[' && value.front() != '{') return false;
  Cursor inside = skip_space(value.data() + 1, value.data() + value.size());
  return *inside == ']' || *inside == '}';
}

// The members the mappings use, as the native line writes them; empty when
// absent. As JSON readers do, the last of a repeated name counts.
struct NativeMembers {
  std::string_view ts, host, tid, site, rule, message, attack, enforced;
  std::string_view exe, argv, cwd, ppid, uid, status;
  std::string_view args_path, args_address;            // of `args`, when it is an object
  std::string_view site_file, site_line, site_function;  // of `site`, when it is an object
  std::string_view decision_enforced;                    // of `decision`, when it is an object
};

// Appends `before`, a member's value as the native line wrote it, and
// `after`; nothing when the native line did not have the member.
void append_when_present(std::string& out, std::string_view before, std::string_view value, std::string_view after) {
  if (value.empty()) return;
  out += before;
  out += value;
  out += after;
}

// Reads the value at `p`, the members of `args`, `site` and `decision`
// among them: one pass over the line.
Cursor read_native_value(NativeMembers& native, std::string_view name, Cursor p, Cursor end) {
  auto read_members = [&](std::initializer_list<std::pair<std::string_view, std::string_view*>> slots) {
    for (auto [member, slot] : slots) *slot = {};
    if (p == end || *p != '{') return skip_value(p, end);
    return read_object(p, end, [&](std::string_view member, Cursor at) {
      Cursor after = skip_value(at, end);
      for (auto [wanted, slot] : slots) {
        if (member == wanted && after != nullptr) *slot = std::string_view(at, after - at);
      }
      return after;
    });
  };
  std::string_view* slot = nullptr;
  switch (name.size()) {
    case 2: slot = name == "ts" ? &native.ts : nullptr; break;
    case 3:
      slot = name == "tid"   ? &native.tid
             : name == "exe" ? &native.exe
             : name == "cwd" ? &native.cwd
             : name == "uid" ? &native.uid
                             : nullptr;
      break;
    case 4:
      if (name == "args") return read_members({{"path", &native.args_path}, {"address", &native.args_address}});
      if (name == "site") {
        Cursor after = read_members(
            {{"file", &native.site_file}, {"line", &native.site_line}, {"function", &native.site_function}});
        native.site = after != nullptr ? std::string_view(p, after - p) : std::string_view{};
        return after;
      }
      slot = name == "host"   ? &native.host
             : name == "rule" ? &native.rule
             : name == "argv" ? &native.argv
             : name == "ppid" ? &native.ppid
                              : nullptr;
      break;
    case 6: slot = name == "attack" ? &native.attack : name == "status" ? &native.status : nullptr; break;
    case 7: slot = name == "message" ? &native.message : nullptr; break;
    case 8:
      if (name == "decision") return read_members({{"enforced", &native.decision_enforced}});
      slot = name == "enforced" ? &native.enforced : nullptr;
      break;
    default: break;
  }
  Cursor after = skip_value(p, end);
  if (slot != nullptr && after != nullptr) *slot = std::string_view(p, after - p);
  return after;
}

// False when `line` is not one JSON object.
bool read_native(std::string_view line, NativeMembers& native) {
  Cursor end = line.data() + line.size();
  Cursor after = read_object(skip_space(line.data(), end), end, [&](std::string_view name, Cursor at) {
    return read_native_value(native, name, at, end);
  });
  return after != nullptr && skip_space(after, end) == end;
}

// ---- Writing ----------------------------------------------------------

// A string member's value, or "" when it is absent or not a string.
void append_string_or_empty(std::string& out, std::string_view value) {
  out += is_string(value) ? value : "\"\""sv;
}

// The content of a string member, between its quotes; empty otherwise.
std::string_view string_content(std::string_view value) {
  return is_string(value) ? value.substr(1, value.size() - 2) : std::string_view{};
}

void append_quoted(std::string& out, std::string_view utf8) {
  out += '"';
  append_json_utf8(out, utf8);
  out += '"';
}

// Native `ts` (2026-11-22T10:00:00.123456Z) in milliseconds since the
// epoch (OCSF's `time`); 0 when it is not one.
long long epoch_milliseconds(std::string_view ts) {
  if (ts.size() < 26) return 0;
  auto field = [&](std::size_t at, std::size_t digits, int low, int high, int& value) {
    value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      if (!is_digit(ts[i])) return false;
      value = value * 10 + (ts[i] - '0');
    }
    return value >= low && value <= high;
  };
  int year, month, day, hour, minute, second;
  if (!field(0, 4, 0, 9999, year) || ts[4] != '-' || !field(5, 2, 1, 12, month) || ts[7] != '-' ||
      !field(8, 2, 1, 31, day) || ts[10] != 'T' || !field(11, 2, 0, 23, hour) || ts[13] != ':' ||
      !field(14, 2, 0, 59, minute) || ts[16] != ':' || !field(17, 2, 0, 61, second)) {
    return 0;
  }
  // Days from the civil date (Howard Hinnant's algorithm).
  int y = month <= 2 ? year - 1 : year;
  long long era = (y >= 0 ? y : y - 399) / 400;
  long long year_of_era = y - era * 400;
  long long day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  long long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  long long days = era * 146097 + day_of_era - 719468;
  long long micros = 0;
  for (std::size_t i = 20; i < 26 && is_digit(ts[i]); ++i) micros = micros * 10 + (ts[i] - '0');
  return ((days * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL + micros / 1000;
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

bool is_denied(const NativeMembers& native) { return native.decision_enforced == "true"; }

// An event's path argument, when it is a string.
std::string_view file_path(const NativeMembers& native) {
  return is_string(native.args_path) ? native.args_path : std::string_view{};
}

// A socket address rendered as [host, port], as an object's members:
// `"<host_name>":host,"port":port`, either left out when it is not a
// string or an integer; empty when there is neither.
std::string address_members(const NativeMembers& native, std::string_view host_name) {
  std::string members;
  std::string_view address = native.args_address;
  std::string_view host;
  std::string_view port;
  std::size_t count = 0;
  if (!is_array(address)) return members;
  each_element(address, [&](std::string_view element) {
    if (count == 0) host = element;
    if (count == 1) port = element;
    ++count;
  });
  if (count < 2) return members;
  if (is_string(host)) {
    members += '"';
    members += host_name;
    members += "\":";
    members += host;
  }
  if (is_integer(port)) {
    if (!members.empty()) members += ',';
    members += "\"port\":";
    members += port;
  }
  return members;
}

// `uid` as a string, as ECS and OCSF have user ids; empty when it is not a
// number.
std::string user_id(std::string_view uid) {
  std::string id;
  if (is_integer(uid)) {
    id.append(uid);
  } else if (is_number(uid)) {
    double number = 0;
    std::from_chars(uid.data(), uid.data() + uid.size(), number);
    if (number > -9.2e18 && number < 9.2e18) id = std::to_string(static_cast<long long>(number));
  }
  return id;
}

// Object members are written in the order of their names, as the
// converters always have (sorted, as a JSON library's ordered map writes
// them), so that a consumer comparing texts sees no change.

void write_ecs(std::string& out, const Record& record, const NativeMembers& native) {
  std::string_view kind = record.kind();
  std::string_view event_name = record.tags().event;
  bool is_event = kind == "event";
  bool is_alert = kind == "alert";
  bool is_start = kind == "start";
  bool is_process = is_start || kind == "stop";
  Family family = is_event ? family_of(event_name) : Family::other;
  int rank = record.tags().severity;

  out += R"({"@timestamp":)";
  append_string_or_empty(out, native.ts);
  out += R"(,"agent":{"type":"vigil","version":")";
  out += kVigilVersion;
  out += "\"}";
  if (is_event && (event_name == "socket.connect" || event_name == "socket.sendto")) {
    std::string destination = address_members(native, "address");
    if (!destination.empty()) {
      out += R"(,"destination":{)";
      out += destination;
      out += '}';
    }
  }
  out += R"(,"ecs":{"version":")";
  out += kEcsVersion;
  out += R"("},"event":{"action":)";
  bool denied = false;
  if (is_event) {
    append_quoted(out, event_name);
    static constexpr std::string_view kCategories[] = {"file", "network", "process", "library", "api"};
    out += R"(,"category":[")";
    out += kCategories[static_cast<int>(family)];
    out += "\"]";
    denied = is_denied(native);
  } else if (is_alert) {
    append_string_or_empty(out, native.rule);
    out += R"(,"category":["intrusion_detection"])";
  } else if (is_process) {
    out += is_start ? R"("process-started","category":["process"])"sv : R"("process-stopped","category":["process"])"sv;
  } else {
    append_quoted(out, kind);
  }
  out += R"(,"dataset":"vigil.)";
  append_json_utf8(out, kind);
  out += is_alert ? R"(","kind":"alert","module":"vigil")"sv : R"(","kind":"event","module":"vigil")"sv;
  if (is_event) out += denied ? R"(,"outcome":"failure")"sv : R"(,"outcome":"success")"sv;
  out += R"(,"sequence":)";
  append_decimal(out, record.seq());
  if (is_alert && rank >= 0) {
    static constexpr int kEcsSeverity[] = {1, 21, 47, 73, 99};
    out += R"(,"severity":)";
    append_decimal(out, kEcsSeverity[rank]);
  }
  if (is_event) {
    out += denied ? R"(,"type":["denied"])"sv : R"(,"type":["info"])"sv;
  } else if (is_alert) {
    out += native.enforced == "true" ? R"(,"type":["denied"])"sv : R"(,"type":["info"])"sv;
  } else if (is_process) {
    out += is_start ? R"(,"type":["start"])"sv : R"(,"type":["end"])"sv;
  }
  out += '}';
  if (family == Family::file) {
    if (std::string_view path = file_path(native); !path.empty()) {
      out += R"(,"file":{"path":)";
      out += path;
      out += '}';
    }
  }
  out += R"(,"host":{"hostname":)";
  append_string_or_empty(out, native.host);
  out += '}';
  if (is_alert && rank >= 0) {
    out += R"(,"log":{"level":")";
    out += kSeverityNames[static_cast<std::size_t>(rank)];
    out += "\"}";
  }
  if (is_event && is_object(native.site)) {
    std::string_view file = native.site_file;
    std::string_view line = native.site_line;
    std::string_view function = native.site_function;
    out += R"(,"log":{"origin":)";
    if (file.empty() && line.empty() && function.empty()) {
      out += "null";
    } else {
      out += '{';
      if (!file.empty() || !line.empty()) {
        out += R"("file":{)";
        if (!line.empty()) {
          out += R"("line":)";
          out += line;
          if (!file.empty()) out += ',';
        }
        if (!file.empty()) {
          out += R"("name":)";
          out += file;
        }
        out += '}';
        if (!function.empty()) out += ',';
      }
      if (!function.empty()) {
        out += R"("function":)";
        out += function;
      }
      out += '}';
    }
    out += '}';
  }
  if (is_alert) {
    out += R"(,"message":)";
    append_string_or_empty(out, native.message);
  }
  out += R"(,"process":{)";
  if (is_process) {
    append_when_present(out, R"("args":)", native.argv, ",");
    append_when_present(out, R"("executable":)", native.exe, ",");
    append_when_present(out, R"("exit_code":)", native.status, ",");
    append_when_present(out, R"("parent":{"pid":)", native.ppid, "},");
  }
  out += R"("pid":)";
  append_decimal(out, static_cast<std::uint64_t>(record.pid()));
  append_when_present(out, R"(,"thread":{"id":)", native.tid, "}");
  if (is_process && !native.cwd.empty()) {
    out += R"(,"working_directory":)";
    out += native.cwd;
  }
  out += '}';
  if (is_alert) {
    out += R"(,"rule":{"id":)";
    append_string_or_empty(out, native.rule);
    out += R"(,"name":)";
    append_string_or_empty(out, native.rule);
    out += '}';
    if (!is_empty(native.attack)) {
      out += R"(,"threat":{"framework":"MITRE ATT&CK","technique":{"id":)";
      out += native.attack;
      out += "}}";
    }
  }
  if (is_process) {
    if (std::string id = user_id(native.uid); !id.empty()) {
      out += R"(,"user":{"id":")";
      out += id;
      out += "\"}";
    }
  }
}

void write_ocsf(std::string& out, const Record& record, const NativeMembers& native) {
  std::string_view kind = record.kind();
  std::string_view event_name = record.tags().event;
  bool is_event = kind == "event";
  bool is_alert = kind == "alert";
  bool is_start = kind == "start";
  bool is_process = is_start || kind == "stop";
  Family family = is_event ? family_of(event_name) : Family::other;
  int rank = record.tags().severity;

  int class_uid = 0;
  int category_uid = 0;
  int activity_id = 99;
  if (is_alert) {
    class_uid = 2004;  // Detection Finding
    category_uid = 2;
    activity_id = 1;  // Create
  } else if (is_process) {
    class_uid = 1007;  // Process Activity
    category_uid = 1;
    activity_id = is_start ? 1 : 2;  // Launch, Terminate
  } else if (family == Family::file) {
    class_uid = 1001;  // File System Activity
    category_uid = 1;
    activity_id = event_name == "open" ? 14 : 99;  // Open, Other
  } else if (family == Family::network) {
    class_uid = 4001;  // Network Activity
    category_uid = 4;
    activity_id = event_name == "socket.connect" ? 1 : 99;  // Open, Other
  } else if (family == Family::process) {
    class_uid = 1007;
    category_uid = 1;
  }
  std::string_view host = string_content(native.host);

  out += R"({"activity_id":)";
  append_decimal(out, static_cast<std::uint64_t>(activity_id));
  if (is_event) {
    out += R"(,"activity_name":)";
    append_quoted(out, event_name);
  }
  out += R"(,"actor":{"process":{"pid":)";
  append_decimal(out, static_cast<std::uint64_t>(record.pid()));
  append_when_present(out, R"(,"tid":)", native.tid, "");
  out += R"(}},"category_uid":)";
  append_decimal(out, static_cast<std::uint64_t>(category_uid));
  out += R"(,"class_uid":)";
  append_decimal(out, static_cast<std::uint64_t>(class_uid));
  out += R"(,"device":{"hostname":")";
  out += host;
  out += R"(","type_id":0})";
  if (is_event && event_name == "socket.connect") {
    std::string endpoint = address_members(native, "ip");
    if (!endpoint.empty()) {
      out += R"(,"dst_endpoint":{)";
      out += endpoint;
      out += '}';
    }
  }
  if (is_process && !native.status.empty()) {
    out += R"(,"exit_code":)";
    out += native.status;
  }
  if (family == Family::file) {
    if (std::string_view path = file_path(native); !path.empty()) {
      out += R"(,"file":{"path":)";
      out += path;
      out += R"(,"type_id":0})";
    }
  }
  auto append_uid = [&] {
    out += '"';
    out += host;
    out += ':';
    append_decimal(out, static_cast<std::uint64_t>(record.pid()));
    out += ':';
    append_decimal(out, record.seq());
    out += '"';
  };
  if (is_alert) {
    out += R"(,"finding_info":{"analytic":{"name":)";
    append_string_or_empty(out, native.rule);
    out += R"(,"type_id":1,"uid":)";
    append_string_or_empty(out, native.rule);
    out += '}';
    if (is_array(native.attack)) {
      out += R"(,"attacks":[)";
      char separator = '\0';
      each_element(native.attack, [&](std::string_view id) {
        if (separator != '\0') out += separator;
        separator = ',';
        out += R"({"technique":{"uid":)";
        out += id;
        out += "}}";
      });
      out += ']';
    }
    out += R"(,"desc":)";
    append_string_or_empty(out, native.message);
    out += R"(,"title":)";
    append_string_or_empty(out, native.rule);
    out += R"(,"uid":)";
    append_uid();
    out += R"(},"message":)";
    append_string_or_empty(out, native.message);
  }
  out += R"(,"metadata":{"log_name":"vigil","product":{"name":"Vigil","vendor_name":"Vigil","version":")";
  out += kVigilVersion;
  out += R"("},"sequence":)";
  append_decimal(out, record.seq());
  out += R"(,"uid":)";
  append_uid();
  out += R"(,"version":")";
  out += kOcsfVersion;
  out += "\"}";
  if (is_process) {
    out += R"(,"process":{)";
    if (is_array(native.argv)) {
      // The words' escaped texts joined: the escape of the joined words.
      out += R"("cmd_line":")";
      bool empty = true;
      each_element(native.argv, [&](std::string_view word) {
        if (!empty) out += ' ';
        std::string_view text = string_content(word);
        out += text;
        if (!text.empty()) empty = false;
      });
      out += "\",";
    }
    append_when_present(out, R"("file":{"path":)", native.exe, "},");
    append_when_present(out, R"("parent_process":{"pid":)", native.ppid, "},");
    out += R"("pid":)";
    append_decimal(out, static_cast<std::uint64_t>(record.pid()));
    if (std::string id = user_id(native.uid); !id.empty()) {
      out += R"(,"user":{"uid":")";
      out += id;
      out += "\"}";
    }
    out += '}';
  }
  out += R"(,"severity":")";
  out += rank >= 0 ? kSeverityNames[static_cast<std::size_t>(rank)] : "Informational"sv;
  out += R"(","severity_id":)";
  append_decimal(out, static_cast<std::uint64_t>(rank >= 0 ? rank + 1 : 1));
  bool denied = is_denied(native) || (is_alert && native.enforced == "true");
  out += denied ? R"(,"status":"Failure","status_id":2,"time":)"sv : R"(,"status":"Success","status_id":1,"time":)"sv;
  out += std::to_string(epoch_milliseconds(record.timestamp()));
  out += R"(,"type_uid":)";
  append_decimal(out, static_cast<std::uint64_t>(class_uid) * 100 + static_cast<std::uint64_t>(activity_id));
}

}  // namespace

std::string convert_record(RecordFormat format, const Record& record) {
  std::string_view line = record.line();
  NativeMembers native;
  bool is_json = read_native(line, native);
  if (!is_json) native = NativeMembers{};
  std::string text;
  text.reserve(line.size() + 1024);
  if (format == RecordFormat::ecs) {
    write_ecs(text, record, native);
    text += R"(,"vigil":)";
  } else {
    write_ocsf(text, record, native);
    text += R"(,"unmapped":)";
  }
  if (is_json) {
    text += line;
  } else {
    text += R"({"line":)";
    append_quoted(text, line);
    text += '}';
  }
  text += '}';
  return text;
}

}  // namespace vigil
