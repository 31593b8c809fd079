// Text from a logged program, made harmless to show to a person:
// control characters, C1 controls (CSI among them) and bidirectional
// overrides become visible escapes, so a record cannot move a terminal's
// cursor, retitle it, or reorder what the analyst reads, in a terminal or
// in a report.
#pragma once

#include <string>
#include <string_view>

namespace vigil {

// Line feeds and tabs stay as they are when keep_line_breaks is set (for
// source text in a report); everything else is escaped the same way.
std::string visible_text(std::string_view text, bool keep_line_breaks);

// visible_text on one line.
std::string terminal_safe(std::string_view text);

// terminal_safe, cut to at most `width` bytes at a character boundary and
// marked with "…" when cut.
std::string bounded_text(std::string_view text, std::size_t width);

// The code point of a character at text[at] that text shows nothing of
// but that can change what is shown (a C1 control, CSI among them, or a
// bidirectional override or isolate), with its length in bytes; 0 when
// there is none there.
unsigned invisible_control_at(std::string_view text, std::size_t at, std::size_t& length);

// The largest length up to `at` that ends at a UTF-8 character boundary.
std::size_t character_boundary(std::string_view text, std::size_t at);

}  // namespace vigil
