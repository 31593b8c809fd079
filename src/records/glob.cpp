#include "glob.h"

namespace vigil {
namespace {

// Matches one [set] at pattern[p] against `c`. Returns the index after the
// set, or npos when the set is not closed (then `[` is a literal).
std::size_t match_set(std::string_view pattern, std::size_t p, unsigned char c, bool& matched) {
  std::size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool found = false;
  bool first = true;
  while (i < pattern.size() && (pattern[i] != ']' || first)) {
    first = false;
    unsigned char low = static_cast<unsigned char>(pattern[i]);
    if (low == '\\' && i + 1 < pattern.size()) low = static_cast<unsigned char>(pattern[++i]);
    unsigned char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      high = static_cast<unsigned char>(pattern[i + 2]);
      i += 2;
    }
    if (c >= low && c <= high) found = true;
    ++i;
  }
  if (i >= pattern.size()) return std::string_view::npos;
  matched = found != negate;
  return i + 1;
}

constexpr char kHex[] = "0123456789abcdef";

void append_byte(std::string& regex, unsigned char c) {
  regex += "\\x";
  regex += kHex[c >> 4];
  regex += kHex[c & 15];
}

}  // namespace

std::string glob_to_regex(std::string_view pattern) {
  std::string regex;
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    char token = pattern[p];
    if (token == '*') {
      regex += ".*";
    } else if (token == '?') {
      regex += '.';
    } else if (token == '[') {
      // The set as match_set reads it; an unclosed one is a literal `[`.
      std::size_t i = p + 1;
      bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
      if (negate) ++i;
      std::string set = negate ? "[^" : "[";
      bool first = true;
      while (i < pattern.size() && (pattern[i] != ']' || first)) {
        first = false;
        unsigned char low = static_cast<unsigned char>(pattern[i]);
        if (low == '\\' && i + 1 < pattern.size()) low = static_cast<unsigned char>(pattern[++i]);
        append_byte(set, low);
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
          set += '-';
          append_byte(set, static_cast<unsigned char>(pattern[i + 2]));
          i += 2;
        }
        ++i;
      }
      if (i >= pattern.size()) {
        append_byte(regex, '[');
        continue;
      }
      regex += set + "]";
      p = i;
    } else {
      if (token == '\\' && p + 1 < pattern.size()) token = pattern[++p];
      append_byte(regex, static_cast<unsigned char>(token));
    }
  }
  return regex;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative with one backtrack point: linear in practice, and no
  // recursion for hostile input to exhaust.
  std::size_t p = 0, t = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size()) {
      char token = pattern[p];
      if (token == '*') {
        star = p++;
        resume = t;
        continue;
      }
      if (token == '?') {
        ++p;
        ++t;
        continue;
      }
      if (token == '[') {
        bool matched = false;
        std::size_t after = match_set(pattern, p, static_cast<unsigned char>(text[t]), matched);
        if (after != std::string_view::npos) {
          if (matched) {
            p = after;
            ++t;
            continue;
          }
        } else if (text[t] == '[') {
          ++p;
          ++t;
          continue;
        }
      } else {
        if (token == '\\' && p + 1 < pattern.size()) token = pattern[++p];
        if (token == text[t]) {
          ++p;
          ++t;
          continue;
        }
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    t = ++resume;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool has_glob_characters(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

std::string glob_problem(std::string_view pattern) {
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] == '\\') {
      if (++p == pattern.size()) return "the glob ends with a lone `\\`";
      continue;
    }
    if (pattern[p] != '[') continue;
    bool matched = false;
    std::size_t after = match_set(pattern, p, 0, matched);
    if (after == std::string_view::npos) {
      return "`[` at offset " + std::to_string(p) + " opens a set that is never closed (write `\\[` for the character)";
    }
    // The same walk as match_set's, for ranges that run backwards.
    std::size_t i = p + 1;
    if (pattern[i] == '!' || pattern[i] == '^') ++i;
    for (; i < after - 1; ++i) {
      if (pattern[i] == '\\') ++i;
      if (i + 2 < after - 1 && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
        unsigned char low = static_cast<unsigned char>(pattern[i]);
        unsigned char high = static_cast<unsigned char>(pattern[i + 2]);
        if (low > high) return "the set range `" + std::string(pattern.substr(i, 3)) + "` runs backwards";
        i += 2;
      }
    }
    p = after - 1;
  }
  return {};
}

}  // namespace vigil
