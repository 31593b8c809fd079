#include "safe_text.h"

#include <cstdio>

namespace vigil {

unsigned invisible_control_at(std::string_view text, std::size_t at, std::size_t& length) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (byte(at) == 0xC2 && at + 1 < text.size() && byte(at + 1) >= 0x80 && byte(at + 1) < 0xA0) {
    // U+0080..U+009F: C1 controls, CSI among them.
    length = 2;
    return byte(at + 1);
  }
  if (byte(at) == 0xE2 && at + 2 < text.size()) {
    unsigned code = ((byte(at) & 0x0Fu) << 12) | ((byte(at + 1) & 0x3Fu) << 6) | (byte(at + 2) & 0x3Fu);
    if (code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069)) {
      length = 3;
      return code;
    }
  }
  length = 0;
  return 0;
}

std::string visible_text(std::string_view text, bool keep_line_breaks) {
  std::string safe;
  safe.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    char escape[12];
    if (keep_line_breaks && (byte == '\n' || byte == '\t')) {
      safe += text[i];
    } else if (byte == '\n') {
      safe += "\\n";
    } else if (byte == '\t') {
      safe += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      std::snprintf(escape, sizeof escape, "\\x%02x", byte);
      safe += escape;
    } else if (std::size_t length = 0; unsigned code = invisible_control_at(text, i, length)) {
      std::snprintf(escape, sizeof escape, "\\u%04x", code);
      safe += escape;
      i += length - 1;
    } else {
      safe += text[i];
    }
  }
  return safe;
}

std::string terminal_safe(std::string_view text) { return visible_text(text, false); }

std::size_t character_boundary(std::string_view text, std::size_t at) {
  if (at >= text.size()) return text.size();
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

std::string bounded_text(std::string_view text, std::size_t width) {
  std::string safe = terminal_safe(text);
  if (safe.size() <= width) return safe;
  safe.resize(character_boundary(safe, width));
  return safe + "…";
}

}  // namespace vigil
