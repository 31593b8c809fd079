#include "type_expression.h"

namespace vigil {
namespace {

// Bytes from 0x80 are parts of non-ASCII identifiers.
bool name_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '_' ||
         byte >= 0x80;
}

// Whether the name before a quote at `quote` is a prefix that leaves the
// string a plain value: r, b, u and rb in any case. f and t make it an
// f-string or a template string, which evaluate what they hold.
bool plain_string_prefix(std::string_view text, std::size_t quote) {
  std::size_t start = quote;
  while (start > 0 && name_byte(text[start - 1])) --start;
  std::string_view prefix = text.substr(start, quote - start);
  if (prefix.size() > 2) return false;
  for (char c : prefix) {
    if (c != 'r' && c != 'R' && c != 'b' && c != 'B' && c != 'u' && c != 'U') return false;
  }
  return true;
}

}  // namespace

bool is_type_expression(std::string_view text) {
  // What the last token was: a value (a name, a number, a string, a closing
  // bracket) may be followed by `(` only in a call, and by a quote only
  // when it is a string prefix.
  bool after_value = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    char c = text[at];
    if (c == '"' || c == '\'') {
      if (!plain_string_prefix(text, at)) return false;
      // Ends at the first unescaped quote of the same kind: a triple
      // quote ends no earlier in Python, so nothing read as string here
      // is code there.
      std::size_t end = at + 1;
      while (end < text.size() && text[end] != c && text[end] != '\n') end += text[end] == '\\' ? 2 : 1;
      if (end >= text.size() || text[end] != c) return false;
      at = end;
      after_value = true;
    } else if (name_byte(c)) {
      after_value = true;
    } else if (c == '(') {
      if (after_value) return false;
    } else if (c == ')' || c == ']') {
      after_value = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      // Whitespace between a name and `(` still makes a call.
    } else if (c == '.' || c == '[' || c == ',' || c == '|' || c == '-' || c == '*') {
      after_value = false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace vigil
