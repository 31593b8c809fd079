#include "policy_image.h"

#include <cstdint>
#include <cstring>
#include <re2/re2.h>
#include <type_traits>

namespace vigil {
namespace {

// Changes whenever the layout below does; an image from another build is
// refused rather than misread.
constexpr std::string_view kMagic = "vigil-policy-image-5";

// The members of each structure, listed once for both directions.
// Trivially copyable members (numbers, enums, flags, addresses) are copied
// as they are: the image never leaves the build that made it.
template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, Matcher>
void members(Archive& archive, T& matcher) {
  archive(matcher.op, matcher.literals, matcher.regex, matcher.networks, matcher.ports);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, Condition>
void members(Archive& archive, T& condition) {
  archive(condition.subject, condition.field, condition.position, condition.matchers, condition.negate);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, SubjectRef>
void members(Archive& archive, T& subject) {
  archive(subject.subject, subject.field, subject.position);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, Rule>
void members(Archive& archive, T& rule) {
  archive(rule.id, rule.description, rule.events, rule.conditions, rule.exceptions, rule.action, rule.overrides,
          rule.severity, rule.attack,
          rule.message, rule.limit, rule.after, rule.within_seconds, rule.sets, rule.given, rule.given_any,
          rule.threshold_count, rule.threshold_seconds, rule.subject, rule.refusal, rule.line);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, Generator>
void members(Archive& archive, T& generator) {
  archive(generator.files, generator.input);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, TrustSettings>
void members(Archive& archive, T& trust) {
  archive(trust.enabled, trust.database, trust.xattr, trust.database_paths, trust.kernel, trust.bytecode,
          trust.native, trust.provenance, trust.generators);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, SinkSettings>
void members(Archive& archive, T& sink) {
  archive(sink.name, sink.type, sink.format, sink.kinds, sink.events, sink.min_severity, sink.path, sink.address,
          sink.facility, sink.tls_ca, sink.tls_cert, sink.tls_key, sink.tls_name, sink.queue, sink.when_full,
          sink.block_ms, sink.flush_ms, sink.spool);
}

template <class Archive, class T>
  requires std::is_same_v<std::remove_const_t<T>, Policy>
void members(Archive& archive, T& policy) {
  archive(policy.version, policy.name, policy.description, policy.mode, policy.locked, policy.log_path,
          policy.heartbeat_seconds, policy.chain, policy.hmac_key_path, policy.sinks, policy.entry, policy.trust, policy.rules,
          policy.source, policy.sha256);
}

template <class T>
concept Structure = requires(T& value, int& archive) { members(archive, value); };

class Writer {
 public:
  std::string bytes;

  template <class... T>
  void operator()(const T&... values) {
    (put(values), ...);
  }

 private:
  void put_size(std::size_t size) {
    auto count = static_cast<std::uint32_t>(size);
    bytes.append(reinterpret_cast<const char*>(&count), sizeof count);
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& value) {
    bytes.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void put(const std::string& text) {
    put_size(text.size());
    bytes += text;
  }
  template <class T>
  void put(const std::vector<T>& items) {
    put_size(items.size());
    for (const T& item : items) put(item);
  }
  template <class T>
  void put(const std::optional<T>& value) {
    put(value.has_value());
    if (value) put(*value);
  }
  void put(const Literal& literal) {
    put(static_cast<std::uint8_t>(literal.index()));
    std::visit([this](const auto& alternative) { put(alternative); }, literal);
  }
  void put(const std::shared_ptr<const LazyRegex>& regex) {
    put(regex != nullptr);
    if (regex) put(regex->pattern());
  }
  template <Structure T>
    requires(!std::is_trivially_copyable_v<T>)
  void put(const T& value) {
    members(*this, value);
  }
};

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool at_end() const { return bytes_.empty(); }

  template <class... T>
  void operator()(T&... values) {
    (get(values), ...);
  }

 private:
  bool take(void* out, std::size_t size) {
    if (!ok_ || bytes_.size() < size) return ok_ = false;
    std::memcpy(out, bytes_.data(), size);
    bytes_.remove_prefix(size);
    return true;
  }
  std::size_t get_size() {
    std::uint32_t count = 0;
    take(&count, sizeof count);
    // No count can exceed the bytes left: a damaged image fails, it does
    // not allocate gigabytes.
    if (count > bytes_.size()) ok_ = false;
    return ok_ ? count : 0;
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get(T& value) {
    take(&value, sizeof value);
  }
  void get(std::string& text) {
    std::size_t size = get_size();
    text.assign(bytes_.data(), size);
    bytes_.remove_prefix(size);
  }
  template <class T>
  void get(std::vector<T>& items) {
    std::size_t count = get_size();
    items.clear();
    items.reserve(count);
    for (std::size_t i = 0; i < count && ok_; ++i) get(items.emplace_back());
  }
  template <class T>
  void get(std::optional<T>& value) {
    bool present = false;
    get(present);
    if (!present) {
      value = std::nullopt;
      return;
    }
    T item{};
    get(item);
    value = std::move(item);
  }
  void get(Literal& literal) {
    std::uint8_t index = 0;
    get(index);
    switch (index) {
      case 0: get(literal.emplace<0>()); break;
      case 1: get(literal.emplace<1>()); break;
      case 2: get(literal.emplace<2>()); break;
      case 3: get(literal.emplace<3>()); break;
      default: ok_ = false;
    }
  }
  // The image comes from a policy the loader checked; its expressions are
  // compiled when first used.
  void get(std::shared_ptr<const LazyRegex>& regex) {
    bool present = false;
    get(present);
    regex.reset();
    if (!present) return;
    std::string pattern;
    get(pattern);
    if (ok_) regex = std::make_shared<const LazyRegex>(std::move(pattern), false);
  }
  template <Structure T>
    requires(!std::is_trivially_copyable_v<T>)
  void get(T& value) {
    members(*this, value);
    if constexpr (std::is_same_v<T, Matcher>) value.prepare();
  }

  std::string_view bytes_;
  bool ok_ = true;
};

static_assert(std::variant_size_v<Literal> == 4, "Reader::get(Literal&) reads each alternative");

}  // namespace

std::string encode_policy_image(const Policy& policy) {
  Writer writer;
  writer.bytes = kMagic;
  writer(policy);
  return std::move(writer.bytes);
}

std::optional<Policy> decode_policy_image(std::string_view image) {
  if (!image.starts_with(kMagic)) return std::nullopt;
  image.remove_prefix(kMagic.size());
  Reader reader(image);
  Policy policy;
  reader(policy);
  if (!reader.ok() || !reader.at_end()) return std::nullopt;
  return policy;
}

}  // namespace vigil
