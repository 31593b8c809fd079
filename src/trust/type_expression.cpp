#include "type_expression.h"

namespace vigil {
namespace {

// Bytes from 0x80 are parts of non-ASCII identifiers.
bool name_byte(char c) {
  auto byte = static_cast<unsigned char>(c);
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') || byte == '_' ||
         byte >= 0x80;
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
      // A string prefix (f, r, b, u) makes the quote follow a name.
      if (at > 0 && name_byte(text[at - 1])) return false;
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
