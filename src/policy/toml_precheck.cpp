#include "toml_precheck.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace vigil {
namespace {

// The code point at text[at], and its length in bytes; 0 when the bytes
// are not UTF-8 (toml++ stops there with an error of its own).
std::size_t decode(std::string_view text, std::size_t at, std::uint32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
  unsigned char lead = byte(0);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  cp = lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  return length;
}

// Where the scan stands, as toml++'s parser would.
enum class Place {
  key,          // a key, a table header, or before either
  value_start,  // after `=`, `[` or `,` of an array: a value comes
  value_run,    // inside a value that is not a string: toml++ scans it to a terminator, quotes and all
  after_value,  // a value ended
};

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::optional<Diagnostic> run() {
    if (text_.starts_with("\xEF\xBB\xBF")) at_ = 3;  // toml++ skips a byte order mark
    std::uint32_t cp = 0;
    while (next(cp)) {
      if (cp >= 0x80) return error(cp, "only ASCII may stand outside strings and comments");
      if (place_ == Place::value_run && !ends_value_run(cp)) continue;
      if (cp == '#') {
        skip_comment();
      } else if (cp == '\n') {
        if (open_.empty()) {
          place_ = Place::key;
        } else if (place_ == Place::value_run) {
          place_ = Place::after_value;
        }
      } else if (cp == ' ' || cp == '\t' || cp == '\r') {
        if (place_ == Place::value_run) place_ = Place::after_value;
      } else if (cp == '"' || cp == '\'') {
        if (auto problem = string(static_cast<char>(cp))) return problem;
        if (place_ != Place::key) place_ = Place::after_value;
      } else if (cp == '[' && place_ == Place::key && open_.empty()) {
        if (auto problem = table_header()) return problem;
      } else if (cp == '=' && place_ == Place::key) {
        place_ = Place::value_start;
      } else if (cp == '[' && place_ == Place::value_start) {
        open_.push_back('[');
      } else if (cp == '{' && place_ == Place::value_start) {
        open_.push_back('{');
        place_ = Place::key;
      } else if (cp == '}' && place_ == Place::value_start && !open_.empty() && open_.back() == '[') {
        // toml++ would take it for a value's first character (an assertion).
        return error(cp, "an array holds values, and ends with ']'");
      } else if (!open_.empty() && ((cp == ']' && place_ != Place::key) || cp == '}')) {
        open_.pop_back();
        place_ = Place::after_value;
      } else if (cp == ',' && !open_.empty()) {
        place_ = open_.back() == '[' ? Place::value_start : Place::key;
      } else if (place_ == Place::value_start || place_ == Place::after_value) {
        // A number, date, boolean… or, after a date and a space, its time.
        place_ = Place::value_run;
      }
    }
    return std::nullopt;
  }

 private:
  struct Position {
    std::size_t at;
    int line;
    int column;
  };

  // toml++ reads a value that is not a string up to one of these.
  static bool ends_value_run(std::uint32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == ',' || cp == ']' || cp == '}' || cp == '#';
  }

  void skip_comment() {
    std::uint32_t cp = 0;
    Position before{at_, line_, column_};
    while (next(cp) && cp != '\n') before = {at_, line_, column_};
    if (cp == '\n') restore(before);  // the line break counts where the comment stood
  }

  // After a table header's first '['. toml++ takes the first character of
  // its name (after a second '[' and blanks) for a key's without looking:
  // anything else trips an assertion, undefined behaviour without one.
  std::optional<Diagnostic> table_header() {
    Position name{at_, line_, column_};
    std::uint32_t cp = 0;
    bool second = false;
    while (next(cp) && (cp == ' ' || cp == '\t' || (cp == '[' && !second))) {
      second = second || cp == '[';
      name = {at_, line_, column_};
    }
    if (at_ == name.at) return std::nullopt;  // the end of the text
    bool key_start = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
                     cp == '_' || cp == '-' || cp == '"' || cp == '\'' || cp == ']';
    if (!key_start) return error(cp, "a table header must begin with its name");
    restore(name);
    return std::nullopt;
  }

  // After the opening quote. Everything in a string is text but, in a
  // multi-line basic one, what follows a backslash.
  std::optional<Diagnostic> string(char quote) {
    bool multi_line = opens_multi_line(quote);
    std::uint32_t cp = 0;
    while (next(cp)) {
      if (cp == static_cast<unsigned char>(quote)) {
        if (!multi_line || closes_multi_line(quote)) return std::nullopt;
      } else if (cp == '\\' && quote == '"') {
        if (!multi_line) {
          if (!next(cp)) return std::nullopt;
        } else if (auto problem = after_backslash()) {
          return problem;
        }
      } else if (cp == '\n' && !multi_line) {
        return std::nullopt;  // toml++ stops there with an error
      }
    }
    return std::nullopt;
  }

  bool next(std::uint32_t& cp) {
    if (at_ >= text_.size()) return false;
    std::size_t length = decode(text_, at_, cp);
    if (length == 0) return false;
    start_line_ = line_;
    start_column_ = column_;
    at_ += length;
    if (cp == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return true;
  }

  // After the first quote: two more open a multi-line string.
  bool opens_multi_line(char quote) {
    std::string_view two = text_.substr(at_, 2);
    if (two.size() != 2 || two[0] != quote || two[1] != quote) return false;
    at_ += 2;
    column_ += 2;
    return true;
  }

  // After a quote inside a multi-line string: it and two more close it;
  // up to two more belong to the string.
  bool closes_multi_line(char quote) {
    std::size_t run = 1;
    while (at_ < text_.size() && text_[at_] == quote) {
      ++at_;
      ++column_;
      ++run;
    }
    return run >= 3;
  }

  // toml++ asks whether the character after a backslash is whitespace, and
  // after a line-ending backslash, each character until one is not. That
  // one is read again as part of the string.
  std::optional<Diagnostic> after_backslash() {
    std::uint32_t cp = 0;
    if (!next(cp)) return std::nullopt;
    bool line_ending = false;
    Position before{at_, line_, column_};
    while (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n') {
      line_ending = true;
      before = {at_, line_, column_};
      if (!next(cp)) return std::nullopt;
    }
    if (cp >= 0x80) return error(cp, "toml++ cannot read it safely right after a backslash; write it as an escape");
    if (line_ending) restore(before);
    return std::nullopt;
  }

  void restore(const Position& position) {
    at_ = position.at;
    line_ = position.line;
    column_ = position.column;
  }

  Diagnostic error(std::uint32_t cp, const char* why) const {
    char name[16];
    std::snprintf(name, sizeof name, "U+%04X", cp);
    return {Diagnostic::Level::error, start_line_, start_column_, std::string(name) + ": " + why};
  }

  std::string_view text_;
  Place place_ = Place::key;
  std::string open_;  // the arrays ('[') and inline tables ('{') the scan is in
  std::size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
  int start_line_ = 1;  // of the character next() returned last
  int start_column_ = 1;
};

}  // namespace

std::optional<Diagnostic> find_character_toml_cannot_read(std::string_view text) { return Scanner(text).run(); }

}  // namespace vigil
