#include "safe_text.h"

#include <cstdio>

namespace vigil {

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
    } else if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
      // U+0080..U+009F: C1 controls, CSI among them.
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned char>(text[++i]));
      safe += escape;
    } else if (byte == 0xE2 && i + 2 < text.size()) {
      unsigned code = ((byte & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                      (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
      bool bidi = code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
                  (code >= 0x2066 && code <= 0x2069);
      if (bidi) {
        std::snprintf(escape, sizeof escape, "\\u%04x", code);
        safe += escape;
        i += 2;
      } else {
        safe += text[i];
      }
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
