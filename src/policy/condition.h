// One test of a rule: a subject (an event argument, the call site or the
// process) and the matchers its value must pass.
#pragma once

#include "argument_value.h"

#include <array>
#include <cstdint>
#include <memory>
#include <atomic>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace re2 {
class RE2;
}

namespace vigil {

enum class Subject {
  argument,
  site_file,
  site_verified,
  site_entry,
  process_uid,
  process_script,
  process_entry,
  process_socket_stdio,
};

// A constant from the policy file.
using Literal = std::variant<bool, long long, double, std::string>;

struct Network {
  int family = 0;  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> address{};
  int prefix = 0;
  bool operator==(const Network&) const = default;
};

struct PortRange {
  long long low = 0;
  long long high = 0;
  bool operator==(const PortRange&) const = default;
};

// A regular expression compiled the first time it is used, by whichever
// thread gets there first: a policy holds dozens, and most programs need
// few of them, so start-up does not pay for the rest.
class LazyRegex {
 public:
  // `bytes`: Latin-1 text, each byte one character (glob lists); UTF-8
  // otherwise.
  LazyRegex(std::string pattern, bool bytes);
  // One already compiled (by the loader, which checks it).
  LazyRegex(std::string pattern, std::unique_ptr<re2::RE2> compiled);
  // Glob patterns as one expression over bytes, matched whole: written
  // when it is first compiled, as most lists never are.
  explicit LazyRegex(std::vector<std::string> globs);
  ~LazyRegex();
  // Empty for a glob list's until it is compiled.
  const std::string& pattern() const { return pattern_; }
  const re2::RE2& get() const;
  // Counts a use; true once the expression has been asked for often enough
  // to be worth compiling (a glob list matched pattern by pattern costs
  // less than its automaton's construction over a program's first events).
  bool worth_compiling() const;

 private:
  mutable std::string pattern_;  // written once, under the mutex, for glob lists
  std::vector<std::string> globs_;
  bool bytes_ = false;
  // Set once, under the mutex; read without it afterwards.
  mutable std::atomic<const re2::RE2*> compiled_{nullptr};
  mutable std::atomic<unsigned> uses_{0};
  mutable std::mutex compiling_;
  mutable std::unique_ptr<re2::RE2> owned_;
};

struct Matcher {
  enum class Op { equals, prefix, glob, except_glob, regex, lt, le, gt, ge, any_bit, one_of, cidr, port, type, key };
  Op op = Op::equals;
  std::vector<Literal> literals;  // equals, prefix, glob, one_of, type, key, lt..ge (one each)
  std::shared_ptr<const LazyRegex> regex;
  std::vector<Network> networks;
  std::vector<PortRange> ports;
  // A glob list as one automaton over bytes, made by prepare(): one pass
  // over the text instead of one per pattern.
  std::shared_ptr<const LazyRegex> globs;

  // Derives `globs`; the loader and the policy image call it.
  void prepare();
  bool matches(const ArgValue& value) const;
  // Regular expressions compare by pattern.
  bool operator==(const Matcher& other) const;
};

// Glob patterns as one automaton over bytes, which a text matches whole
// when glob_match() matches it with one of them.
std::shared_ptr<const LazyRegex> glob_automaton(std::vector<std::string> patterns);
// Whether `text` matches a glob_automaton(). An automaton RE2 could not
// compile (too large) matches nothing, which the loader never lets happen
// for the lists it accepts (tests/unit/policy_test.cpp matches both ways).
bool matches_glob_automaton(const LazyRegex& automaton, std::string_view text);

// A `regex` matcher's expression: RE2, so a hostile argument cannot make
// it backtrack for ever. Check ok() on the result.
std::unique_ptr<re2::RE2> compile_regex(const std::string& pattern);

struct Condition {
  Subject subject = Subject::argument;
  std::string field;  // the argument's name, or its position as digits
  std::optional<std::size_t> position;  // when `field` is a position
  std::vector<Matcher> matchers;  // all must pass
  bool negate = false;

  bool matches(const ArgValue& value) const;
  bool operator==(const Condition&) const = default;
};

// Parses "10.0.0.0/8" or "2001:db8::/32"; a bare address is a /32 or /128.
std::optional<Network> parse_network(std::string_view text);

// The address in `text` (IPv4, IPv6, IPv4-mapped IPv6 taken as IPv4).
std::optional<Network> parse_address(std::string_view text);

}  // namespace vigil
