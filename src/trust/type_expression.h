// What a generator of input kind "type-expression" may compile
// (docs/trust.md): the text of an annotation, such as
// `dict[str, list[int]] | None` or `Literal["a", -1]`.
#pragma once

#include <string_view>

namespace vigil {

// Whether `text` holds only names, attribute accesses, subscripts, the
// operators `|`, `-` and `*`, commas, parentheses that group (never a
// call), numbers and plain string literals (prefixes r, b and u; an
// f-string or a t-string evaluates what it holds). Such text can only look up and combine
// objects the program already has; it calls nothing it names. Anything
// else, comments and keywords' punctuation (`:`, `=`) included, is not.
bool is_type_expression(std::string_view text);

}  // namespace vigil
