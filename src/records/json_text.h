// Appends JSON to a caller-owned string. Records are built with it without
// touching Python, so every escaping rule lives here.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

// Escapes one Unicode code point for use inside a JSON string. Quotes,
// backslashes, C0 and C1 controls, DEL and U+2028/2029 become \u escapes, so a
// record can never break a line or drive a terminal. A lone surrogate cannot
// be written in strictly valid JSON and becomes U+FFFD: returns false then.
bool append_json_code_point(std::string& out, std::uint32_t code_point);

// Length of the valid UTF-8 sequence at `p` and its code point `cp`, or 0.
// Rejects overlong forms, surrogates and values above U+10FFFF, as a
// strict decoder does.
std::size_t valid_utf8_length(const unsigned char* p, std::size_t avail, std::uint32_t& cp);

// Escapes bytes that are meant to be UTF-8; a byte that is not part of a
// valid sequence becomes U+FFFD. Returns false if any byte was replaced.
bool append_json_utf8(std::string& out, std::string_view bytes);

void append_hex(std::string& out, std::string_view bytes);

// The number in decimal, as JSON, syslog and audit headers all write it.
inline void append_decimal(std::string& out, std::uint64_t number) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
}

// Plain UTF-8 of a code point; a surrogate is encoded as surrogatepass does.
void append_utf8_code_point(std::string& out, std::uint32_t code_point);

class JsonText {
 public:
  // `continues_object`: the text is appended to an object that already has
  // members, as a record body is appended to the record's common fields.
  explicit JsonText(std::string& out, bool continues_object = false)
      : out_(out), need_comma_(continues_object) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // A member name Vigil chose: an identifier, written without escaping.
  // Names that come from Python (dict keys) go through begin_key/end_key.
  void key(std::string_view name);
  // Text that is not valid UTF-8 (a file name in another encoding) is
  // written losslessly as {"text": <U+FFFD-replaced>, "raw_hex": <bytes>}.
  void string(std::string_view utf8);
  // The "text" and "raw_hex" members of that object, for writers that add
  // members of their own to it.
  void not_unicode_members(std::string_view lossy_json_content, std::string_view raw_bytes);
  void integer(long long value);
  void unsigned_integer(unsigned long long value);
  void number(double value);
  void boolean(bool value);
  void null();
  // `utf8`, or null when there is none.
  void string_or_null(const char* utf8) {
    if (utf8 == nullptr) {
      null();
    } else {
      string(utf8);
    }
  }
  // A value that is already JSON.
  void raw(std::string_view json);

  // For writers that escape string content themselves (Python str, with
  // their own bounds): begin_string(), append to out(), end_string().
  void begin_string();
  void end_string() { out_ += '"'; }
  void begin_key() { begin_string(); }
  void end_key() {
    out_ += "\":";
    need_comma_ = false;
  }

  // A point to return to when a value has to be written another way.
  struct Mark {
    std::size_t size;
    bool need_comma;
  };
  Mark mark() const { return {out_.size(), need_comma_}; }
  void rewind(Mark mark) {
    out_.resize(mark.size);
    need_comma_ = mark.need_comma;
  }
  // The escaped content of a string begun with begin_string() at `mark`.
  std::string string_content_since(Mark mark) const {
    return out_.substr(mark.size + (mark.need_comma ? 2 : 1));
  }

  std::string& out() { return out_; }
  std::size_t size() const { return out_.size(); }

 private:
  void open(char bracket);
  void close(char bracket);
  void separate() {
    if (need_comma_) out_ += ',';
    need_comma_ = true;
  }

  std::string& out_;
  bool need_comma_;
};

}  // namespace vigil
