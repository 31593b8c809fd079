#include "bootstrap_command.h"

#include <array>
#include <cctype>
#include <cstddef>
#include <string>

namespace vigil {
namespace {

// Reads one command from left to right; every method consumes what it
// accepts and returns false, leaving the reader useless, when the text is
// not what it expects. Only the spellings Python's repr() writes are taken.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool at_end() const { return at_ == text_.size(); }

  bool literal(std::string_view expected) {
    if (text_.substr(at_, expected.size()) != expected) return false;
    at_ += expected.size();
    return true;
  }

  // repr() of a non-negative int: no sign, no leading zero, no separators.
  bool integer() {
    std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    std::size_t digits = at_ - start;
    return digits > 0 && digits <= 10 && (digits == 1 || text_[start] != '0');
  }

  // repr() of a str: one kind of quote around characters that are neither
  // that quote, a backslash nor a control character, and the escapes
  // repr() writes. What is inside never ends the literal early.
  bool string(std::string* value = nullptr) {
    if (at_ >= text_.size() || (text_[at_] != '\'' && text_[at_] != '"')) return false;
    char quote = text_[at_++];
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == quote) return true;
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
      if (c != '\\') {
        if (value != nullptr) *value += c;
        continue;
      }
      if (at_ >= text_.size()) return false;
      char escape = text_[at_++];
      std::size_t hex_digits = escape == 'x' ? 2 : escape == 'u' ? 4 : escape == 'U' ? 8 : 0;
      if (hex_digits == 0 && escape != '\\' && escape != '\'' && escape != '"' && escape != 't' && escape != 'n' &&
          escape != 'r') {
        return false;
      }
      for (std::size_t i = 0; i < hex_digits; ++i, ++at_) {
        if (at_ >= text_.size() || !std::isxdigit(static_cast<unsigned char>(text_[at_]))) return false;
      }
      // Only module and keyword names are compared, and they hold no escapes.
      if (value != nullptr) *value += '\\';
    }
    return false;
  }

  // A quoted module name: dotted Python identifiers (ASCII).
  bool module_name() {
    std::string name;
    if (!string(&name) || name.empty() || name.front() == '.' || name.back() == '.') return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      bool digit = c >= '0' && c <= '9';
      bool starts_part = i == 0 || name[i - 1] == '.';
      if (!(letter || (digit && !starts_part) || (c == '.' && name[i - 1] != '.'))) return false;
    }
    return true;
  }

  // repr() of a list whose items `item` reads.
  template <typename Item>
  bool list(Item item) {
    if (!literal("[")) return false;
    if (literal("]")) return true;
    do {
      if (!item()) return false;
    } while (literal(", "));
    return literal("]");
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

// spawn_main(pipe_handle=N, tracker_fd=N, parent_pid=N) in any order.
bool spawn_arguments(Reader& reader) {
  static constexpr std::array<std::string_view, 3> kKeywords = {"pipe_handle=", "tracker_fd=", "parent_pid="};
  bool seen[kKeywords.size()] = {};
  do {
    std::size_t found = kKeywords.size();
    for (std::size_t i = 0; i < kKeywords.size() && found == kKeywords.size(); ++i) {
      if (!seen[i] && reader.literal(kKeywords[i])) found = i;
    }
    if (found == kKeywords.size() || !reader.integer()) return false;
    seen[found] = true;
  } while (reader.literal(", "));
  return seen[0] && reader.literal(")");
}

// The forkserver's keyword dictionary: {} or {'main_path': …, …}.
bool forkserver_keywords(Reader& reader) {
  if (!reader.literal("{")) return false;
  if (reader.literal("}")) return true;
  static constexpr std::array<std::string_view, 4> kKeys = {"main_path", "sys_path", "sys_argv", "authkey_r"};
  bool seen[kKeys.size()] = {};
  do {
    std::string key;
    if (!reader.string(&key) || !reader.literal(": ")) return false;
    std::size_t found = kKeys.size();
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
      if (key == kKeys[i]) found = i;
    }
    if (found == kKeys.size() || seen[found]) return false;
    seen[found] = true;
    bool value = false;
    if (key == "main_path") {
      value = reader.literal("None") || reader.string();
    } else if (key == "authkey_r") {
      value = reader.integer();
    } else {
      value = reader.list([&] { return reader.string(); });
    }
    if (!value) return false;
  } while (reader.literal(", "));
  return reader.literal("}");
}

bool forkserver_call(Reader& reader, bool passes_argv) {
  return reader.literal("main(") && reader.integer() && reader.literal(", ") && reader.integer() &&
         reader.literal(", ") && reader.list([&] { return reader.module_name(); }) &&
         (!passes_argv || reader.literal(", sys_argv=sys.argv[1:]")) && reader.literal(", **") &&
         forkserver_keywords(reader) && reader.literal(")");
}

}  // namespace

std::optional<std::string_view> multiprocessing_bootstrap(std::string_view command) {
  {
    Reader reader(command);
    if (reader.literal("from multiprocessing.spawn import spawn_main; spawn_main(") && spawn_arguments(reader) &&
        reader.at_end()) {
      return "multiprocessing.spawn";
    }
  }
  {
    Reader reader(command);
    if (reader.literal("from multiprocessing.resource_tracker import main;main(") && reader.integer() &&
        reader.literal(")") && reader.at_end()) {
      return "multiprocessing.resource_tracker";
    }
  }
  for (bool passes_argv : {false, true}) {
    Reader reader(command);
    if ((!passes_argv || reader.literal("import sys; ")) &&
        reader.literal("from multiprocessing.forkserver import main; ") && forkserver_call(reader, passes_argv) &&
        reader.at_end()) {
      return "multiprocessing.forkserver";
    }
  }
  return std::nullopt;
}

}  // namespace vigil
