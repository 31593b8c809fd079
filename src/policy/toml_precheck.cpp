#include "toml_precheck.h"

#include <cstdint>
#include <cstdio>

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

enum class Context { bare, comment, basic, literal, multi_line_basic, multi_line_literal };

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  std::optional<Diagnostic> run() {
    Context context = Context::bare;
    std::uint32_t cp = 0;
    if (text_.starts_with("\xEF\xBB\xBF")) at_ = 3;  // toml++ skips a byte order mark
    while (next(cp)) {
      switch (context) {
        case Context::bare:
          if (cp >= 0x80) return error(cp, "only ASCII may stand outside strings and comments");
          if (cp == '#') context = Context::comment;
          if (cp == '"') context = opens_multi_line('"') ? Context::multi_line_basic : Context::basic;
          if (cp == '\'') context = opens_multi_line('\'') ? Context::multi_line_literal : Context::literal;
          break;
        case Context::comment:
          if (cp == '\n') context = Context::bare;
          break;
        case Context::basic:
          if (cp == '\\') {
            if (!next(cp)) return std::nullopt;
          } else if (cp == '"' || cp == '\n') {
            context = Context::bare;
          }
          break;
        case Context::literal:
          if (cp == '\'' || cp == '\n') context = Context::bare;
          break;
        case Context::multi_line_basic:
          if (cp == '\\') {
            if (auto problem = after_backslash()) return problem;
          } else if (cp == '"' && closes_multi_line('"')) {
            context = Context::bare;
          }
          break;
        case Context::multi_line_literal:
          if (cp == '\'' && closes_multi_line('\'')) context = Context::bare;
          break;
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
    if (line_ending) {
      at_ = before.at;
      line_ = before.line;
      column_ = before.column;
    }
    return std::nullopt;
  }

  Diagnostic error(std::uint32_t cp, const char* why) const {
    char name[16];
    std::snprintf(name, sizeof name, "U+%04X", cp);
    return {Diagnostic::Level::error, start_line_, start_column_, std::string(name) + ": " + why};
  }

  std::string_view text_;
  std::size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
  int start_line_ = 1;  // of the character next() returned last
  int start_column_ = 1;
};

}  // namespace

std::optional<Diagnostic> find_character_toml_cannot_read(std::string_view text) { return Scanner(text).run(); }

}  // namespace vigil
