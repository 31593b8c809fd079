#include "condition.h"

#include "glob.h"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <re2/re2.h>

namespace vigil {
namespace {

bool is_textual(const ArgValue& value) { return value.kind == ValueKind::text || value.kind == ValueKind::bytes; }

bool is_numeric(const ArgValue& value) {
  return value.kind == ValueKind::integer || value.kind == ValueKind::boolean || value.kind == ValueKind::real;
}

double numeric(const ArgValue& value) {
  return value.kind == ValueKind::real ? value.real : static_cast<double>(value.integer);
}

bool equals(const Literal& literal, const ArgValue& value) {
  if (const auto* text = std::get_if<std::string>(&literal)) return is_textual(value) && value.text == *text;
  if (const auto* flag = std::get_if<bool>(&literal)) {
    return value.kind == ValueKind::boolean && (value.integer != 0) == *flag;
  }
  if (const auto* integer = std::get_if<long long>(&literal)) {
    if (value.kind == ValueKind::integer) return value.integer_fits && value.integer == *integer;
    return value.kind == ValueKind::real && value.real == static_cast<double>(*integer);
  }
  double real = std::get<double>(literal);
  return is_numeric(value) && value.kind != ValueKind::boolean && numeric(value) == real;
}

double literal_number(const Literal& literal) {
  if (const auto* integer = std::get_if<long long>(&literal)) return static_cast<double>(*integer);
  return std::get<double>(literal);
}

bool compare(Matcher::Op op, const Literal& literal, const ArgValue& value) {
  if (value.kind != ValueKind::integer && value.kind != ValueKind::real) return false;
  // Integers compare exactly; a value beyond long long is pinned to its
  // sign's extreme, which orders it correctly against any literal.
  if (value.kind == ValueKind::integer && std::holds_alternative<long long>(literal)) {
    long long bound = std::get<long long>(literal);
    long long v = value.integer;
    switch (op) {
      case Matcher::Op::lt: return v < bound || (!value.integer_fits && v < 0);
      case Matcher::Op::le: return v <= bound;
      case Matcher::Op::gt: return v > bound || (!value.integer_fits && v > 0);
      default: return v >= bound;
    }
  }
  double v = numeric(value);
  double bound = literal_number(literal);
  switch (op) {
    case Matcher::Op::lt: return v < bound;
    case Matcher::Op::le: return v <= bound;
    case Matcher::Op::gt: return v > bound;
    default: return v >= bound;
  }
}

bool in_network(const Network& network, const Network& address) {
  if (network.family != address.family) return false;
  int whole = network.prefix / 8;
  if (std::memcmp(network.address.data(), address.address.data(), static_cast<std::size_t>(whole)) != 0) return false;
  int rest = network.prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (network.address[static_cast<std::size_t>(whole)] & mask) ==
         (address.address[static_cast<std::size_t>(whole)] & mask);
}

// A socket address is (host, port, ...) for AF_INET and AF_INET6; a rule
// may also test a bare host or port argument.
const ArgValue* host_of(const ArgValue& value) {
  if (value.kind == ValueKind::sequence) return value.items.empty() ? nullptr : &value.items[0];
  return &value;
}
const ArgValue* port_of(const ArgValue& value) {
  if (value.kind == ValueKind::sequence) return value.items.size() < 2 ? nullptr : &value.items[1];
  return &value;
}

bool matches_cidr(const std::vector<Network>& networks, const ArgValue& value) {
  const ArgValue* host = host_of(value);
  if (host == nullptr || !is_textual(*host)) return false;
  auto address = parse_address(host->text);
  if (!address) return false;
  for (const Network& network : networks) {
    if (in_network(network, *address)) return true;
  }
  return false;
}

bool matches_port(const std::vector<PortRange>& ranges, const ArgValue& value) {
  const ArgValue* port = port_of(value);
  if (port == nullptr || port->kind != ValueKind::integer || !port->integer_fits) return false;
  for (const PortRange& range : ranges) {
    if (port->integer >= range.low && port->integer <= range.high) return true;
  }
  return false;
}

bool has_matching_name(const std::vector<Literal>& globs, std::string_view names) {
  while (!names.empty()) {
    std::size_t end = names.find('\0');
    std::string_view name = names.substr(0, end);
    for (const Literal& literal : globs) {
      if (glob_match(std::get<std::string>(literal), name)) return true;
    }
    if (end == std::string_view::npos) break;
    names.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace

std::shared_ptr<const LazyRegex> glob_automaton(std::vector<std::string> patterns) {
  return std::make_shared<const LazyRegex>(std::move(patterns));
}

bool matches_glob_automaton(const LazyRegex& automaton, std::string_view text) {
  const re2::RE2& compiled = automaton.get();
  return compiled.ok() && RE2::FullMatch(re2::StringPiece(text.data(), text.size()), compiled);
}

std::unique_ptr<re2::RE2> compile_regex(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  return std::make_unique<RE2>(pattern, options);
}

LazyRegex::LazyRegex(std::string pattern, bool bytes) : pattern_(std::move(pattern)), bytes_(bytes) {}

LazyRegex::LazyRegex(std::string pattern, std::unique_ptr<re2::RE2> compiled)
    : pattern_(std::move(pattern)), owned_(std::move(compiled)) {
  compiled_.store(owned_.get(), std::memory_order_release);
}

LazyRegex::LazyRegex(std::vector<std::string> globs) : globs_(std::move(globs)), bytes_(true) {}

LazyRegex::~LazyRegex() = default;

bool LazyRegex::worth_compiling() const {
  constexpr unsigned kUsesBeforeCompiling = 64;
  if (compiled_.load(std::memory_order_acquire) != nullptr) return true;
  return uses_.fetch_add(1, std::memory_order_relaxed) >= kUsesBeforeCompiling;
}

const re2::RE2& LazyRegex::get() const {
  if (const re2::RE2* ready = compiled_.load(std::memory_order_acquire)) return *ready;
  std::lock_guard lock(compiling_);
  if (owned_ == nullptr) {
    if (!globs_.empty()) {
      pattern_ = "^(?:";
      for (const std::string& glob : globs_) {
        if (pattern_.size() > 4) pattern_ += '|';
        pattern_ += glob_to_regex(glob);
      }
      pattern_ += ")$";
    }
    RE2::Options options;
    options.set_log_errors(false);
    if (bytes_) {
      options.set_encoding(RE2::Options::EncodingLatin1);
      options.set_dot_nl(true);
    }
    options.set_never_capture(true);
    owned_ = std::make_unique<RE2>(pattern_, options);
    compiled_.store(owned_.get(), std::memory_order_release);
  }
  return *owned_;
}

void Matcher::prepare() {
  globs.reset();
  if ((op != Op::glob && op != Op::except_glob) || literals.size() < 2) return;
  std::vector<std::string> patterns;
  for (const Literal& literal : literals) patterns.push_back(std::get<std::string>(literal));
  globs = glob_automaton(std::move(patterns));
}

bool Matcher::operator==(const Matcher& other) const {
  auto pattern = [](const std::shared_ptr<const LazyRegex>& regex) {
    return regex ? std::optional<std::string>(regex->pattern()) : std::nullopt;
  };
  return op == other.op && literals == other.literals && pattern(regex) == pattern(other.regex) &&
         networks == other.networks && ports == other.ports;
}

bool Matcher::matches(const ArgValue& value) const {
  if (value.kind == ValueKind::missing) return false;
  switch (op) {
    case Op::equals:
      return equals(literals.front(), value);
    case Op::one_of:
      for (const Literal& literal : literals) {
        if (equals(literal, value)) return true;
      }
      return false;
    case Op::prefix:
      if (!is_textual(value)) return false;
      for (const Literal& literal : literals) {
        if (value.text.starts_with(std::get<std::string>(literal))) return true;
      }
      return false;
    case Op::glob:
      if (!is_textual(value)) return false;
      if (globs && globs->worth_compiling()) return matches_glob_automaton(*globs, value.text);
      for (const Literal& literal : literals) {
        if (glob_match(std::get<std::string>(literal), value.text)) return true;
      }
      return false;
    case Op::except_glob:
      // Text that matches none of them; anything else is not excepted.
      if (!is_textual(value)) return true;
      if (globs && globs->worth_compiling()) return !matches_glob_automaton(*globs, value.text);
      for (const Literal& literal : literals) {
        if (glob_match(std::get<std::string>(literal), value.text)) return false;
      }
      return true;
    case Op::regex:
      return is_textual(value) &&
             RE2::PartialMatch(re2::StringPiece(value.text.data(), value.text.size()), regex->get());
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
      return compare(op, literals.front(), value);
    case Op::any_bit:
      // An int (not a bool) with one of the literal's bits set: mode bits.
      return value.kind == ValueKind::integer && value.integer_fits &&
             (value.integer & std::get<long long>(literals.front())) != 0;
    case Op::cidr:
      return matches_cidr(networks, value);
    case Op::port:
      return matches_port(ports, value);
    case Op::type:
      for (const Literal& literal : literals) {
        if (value.type == std::get<std::string>(literal)) return true;
      }
      return false;
    case Op::key:
      return has_matching_name(literals, value.names);
  }
  return false;
}

bool Condition::matches(const ArgValue& value) const {
  // An argument the event does not have fails the condition, `not` or not:
  // otherwise a negated test in a rule naming several events would match
  // every event without the argument.
  if (value.kind == ValueKind::missing && subject == Subject::argument) return false;
  bool all = true;
  for (const Matcher& matcher : matchers) {
    if (!matcher.matches(value)) {
      all = false;
      break;
    }
  }
  return all != negate;
}

std::optional<Network> parse_address(std::string_view text) {
  char buffer[INET6_ADDRSTRLEN + 1];
  // A scope ("fe80::1%eth0") does not change which network it is in.
  text = text.substr(0, text.find('%'));
  if (text.empty() || text.size() >= sizeof buffer) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  Network address;
  if (inet_pton(AF_INET, buffer, address.address.data()) == 1) {
    address.family = AF_INET;
    address.prefix = 32;
    return address;
  }
  if (inet_pton(AF_INET6, buffer, address.address.data()) != 1) return std::nullopt;
  static constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(address.address.data(), kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memmove(address.address.data(), address.address.data() + 12, 4);
    std::memset(address.address.data() + 4, 0, 12);
    address.family = AF_INET;
    address.prefix = 32;
    return address;
  }
  address.family = AF_INET6;
  address.prefix = 128;
  return address;
}

std::optional<Network> parse_network(std::string_view text) {
  auto slash = text.find('/');
  auto network = parse_address(text.substr(0, slash));
  if (!network || slash == std::string_view::npos) return network;
  std::string_view bits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (error != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > network->prefix) {
    return std::nullopt;
  }
  network->prefix = prefix;
  return network;
}

}  // namespace vigil
