// What a rule sees of one value: a plain description that both the runtime
// (from Python objects, without running Python code) and `vigil policy
// explain` (from JSON) can produce, so both evaluate rules with one matcher.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace vigil {

enum class ValueKind { missing, none, boolean, integer, real, text, bytes, sequence, mapping, other };

struct ArgValue {
  ValueKind kind = ValueKind::missing;
  // The Python type's name ("str", "PosixPath"); subclasses keep their own.
  std::string_view type;
  // text: UTF-8 (lone surrogates as the bytes they stand for); bytes: raw.
  std::string_view text;
  long long integer = 0;  // boolean and integer
  bool integer_fits = true;  // false: an int outside long long
  double real = 0;
  // sequence: its first items, enough for (host, port) socket addresses.
  std::span<const ArgValue> items;
  // mapping (an exact dict): its str and bytes keys; sequence: the NAME of
  // its "NAME=value" str and bytes items. Separated by NUL. The two shapes
  // of an environment (os.execve's dict, fork_exec's list).
  std::string_view names;

  static ArgValue of_integer(long long value) {
    ArgValue v;
    v.kind = ValueKind::integer;
    v.type = "int";
    v.integer = value;
    return v;
  }
  static ArgValue of_boolean(bool value) {
    ArgValue v;
    v.kind = ValueKind::boolean;
    v.type = "bool";
    v.integer = value ? 1 : 0;
    return v;
  }
  static ArgValue of_text(std::string_view value) {
    ArgValue v;
    v.kind = ValueKind::text;
    v.type = "str";
    v.text = value;
    return v;
  }
  static ArgValue of_none() {
    ArgValue v;
    v.kind = ValueKind::none;
    v.type = "NoneType";
    return v;
  }
};

// Adds to ArgValue::names what one entry of an environment names: a
// mapping's key whole (`whole_key`), or the NAME of a "NAME=value" item; an
// item without '=' names nothing.
inline void append_environment_name(std::string& names, std::string_view entry, bool whole_key) {
  if (!whole_key) {
    std::size_t equals = entry.find('=');
    if (equals == std::string_view::npos) return;
    entry = entry.substr(0, equals);
  }
  names.append(entry);
  names += '\0';
}

// The values of one event's arguments, produced on demand: a rule that
// looks at no argument costs no conversion.
class ArgumentSource {
 public:
  virtual ~ArgumentSource() = default;
  virtual std::size_t count() const = 0;
  // Valid until the next call of value().
  virtual const ArgValue& value(std::size_t position) = 0;
};

// Where the event came from: the Python file of the innermost frame.
class SiteSource {
 public:
  virtual ~SiteSource() = default;
  virtual const ArgValue& file() = 0;
  // Whether that file's content was verified before it ran (issue 5's
  // trust store); false until something verifies it.
  virtual bool verified() = 0;
};

}  // namespace vigil
