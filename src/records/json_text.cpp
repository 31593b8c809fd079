#include "json_text.h"

#include <array>
#include <charconv>
#include <cmath>

namespace vigil {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  char escape[6] = {'\\', 'u', kHex[(unit >> 12) & 0xF], kHex[(unit >> 8) & 0xF], kHex[(unit >> 4) & 0xF],
                    kHex[unit & 0xF]};
  out.append(escape, sizeof escape);
}

// Bytes copied as they are: printable ASCII but the quote and backslash.
constexpr auto kPlain = [] {
  std::array<bool, 256> plain{};
  for (int byte = 0x20; byte < 0x7F; ++byte) plain[byte] = byte != '"' && byte != '\\';
  return plain;
}();


}  // namespace

void append_utf8_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
    return;
  }
  if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

std::size_t valid_utf8_length(const unsigned char* p, std::size_t avail, std::uint32_t& cp) {
  unsigned char b0 = p[0];
  std::size_t len;
  std::uint32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (avail < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool append_json_code_point(std::string& out, std::uint32_t cp) {
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    append_utf8_code_point(out, 0xFFFD);
    return false;
  }
  if (cp < 0x80) {
    auto byte = static_cast<unsigned char>(cp);
    if (kPlain[byte]) {
      out += static_cast<char>(byte);
    } else if (byte == '"') {
      out += "\\\"";
    } else if (byte == '\\') {
      out += "\\\\";
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (byte == '\r') {
      out += "\\r";
    } else {
      append_u_escape(out, cp);
    }
  } else if (cp < 0xA0 || cp == 0x2028 || cp == 0x2029) {
    append_u_escape(out, cp);
  } else if (cp > 0x10FFFF) {
    append_utf8_code_point(out, 0xFFFD);
    return false;
  } else {
    append_utf8_code_point(out, cp);
  }
  return true;
}

void append_hex(std::string& out, std::string_view bytes) {
  for (unsigned char byte : bytes) {
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
}

namespace {

// Escapes `p[0..n)`, memory this process owns and nobody else changes.
bool escape_owned_utf8(std::string& out, const unsigned char* p, std::size_t n) {
  bool valid = true;
  std::size_t i = 0;
  while (i < n) {
    // Copy runs of printable ASCII in one go; they are most of every record.
    std::size_t run = i;
    while (run < n && kPlain[p[run]]) ++run;
    out.append(reinterpret_cast<const char*>(p) + i, run - i);
    i = run;
    if (i == n) break;
    if (p[i] < 0x80) {
      append_json_code_point(out, p[i]);
      ++i;
      continue;
    }
    std::uint32_t cp = 0;
    std::size_t len = valid_utf8_length(p + i, n - i, cp);
    if (len == 0) {
      append_utf8_code_point(out, 0xFFFD);
      valid = false;
      ++i;
    } else {
      append_json_code_point(out, cp);
      i += len;
    }
  }
  return valid;
}

}  // namespace

bool append_json_utf8(std::string& out, std::string_view bytes) {
  // `bytes` may be a Python buffer that another thread (or a write through
  // /proc/self/mem) changes while we read it: checking a byte and copying
  // it again later would let a quote through. Each byte is read once, by
  // this copy; everything after looks only at the copy.
  std::size_t start = out.size();
  out.append(bytes);
  auto* copied = reinterpret_cast<const unsigned char*>(out.data() + start);
  std::size_t plain = 0;
  while (plain < bytes.size() && kPlain[copied[plain]]) ++plain;
  if (plain == bytes.size()) return true;
  std::string rest(out, start + plain);
  out.resize(start + plain);
  return escape_owned_utf8(out, reinterpret_cast<const unsigned char*>(rest.data()), rest.size());
}

void JsonText::open(char bracket) {
  separate();
  out_ += bracket;
  need_comma_ = false;
}

void JsonText::close(char bracket) {
  out_ += bracket;
  need_comma_ = true;
}

void JsonText::key(std::string_view name) {
  separate();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  need_comma_ = false;
}

void JsonText::begin_string() {
  separate();
  out_ += '"';
}

void JsonText::string(std::string_view utf8) {
  Mark before = mark();
  begin_string();
  if (append_json_utf8(out_, utf8)) {
    end_string();
    return;
  }
  std::string lossy = string_content_since(before);
  rewind(before);
  begin_object();
  not_unicode_members(lossy, utf8);
  end_object();
}

void JsonText::not_unicode_members(std::string_view lossy_json_content, std::string_view raw_bytes) {
  key("text");
  begin_string();
  out_ += lossy_json_content;
  end_string();
  key("raw_hex");
  begin_string();
  append_hex(out_, raw_bytes);
  end_string();
}

void JsonText::integer(long long value) {
  separate();
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, result.ptr);
}

void JsonText::unsigned_integer(unsigned long long value) {
  separate();
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, result.ptr);
}

void JsonText::number(double value) {
  if (!std::isfinite(value)) {
    // JSON has no NaN or infinity; keep them distinguishable from numbers.
    begin_object();
    key("float");
    string(std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf"));
    end_object();
    return;
  }
  separate();
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, result.ptr);
}

void JsonText::boolean(bool value) {
  separate();
  out_ += value ? "true" : "false";
}

void JsonText::null() {
  separate();
  out_ += "null";
}

void JsonText::raw(std::string_view json) {
  separate();
  out_ += json;
}

}  // namespace vigil
