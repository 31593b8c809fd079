// Policy files: TOML text into checked rules, the rules compiled into an
// engine and evaluated. A policy comes from whoever may set VIGIL_POLICY
// or write a file `vigil policy check` is asked about.
#include "fuzz_support.h"

#include "policy_engine.h"
#include "policy_image.h"
#include "policy_loader.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace vigil {
namespace {

class FixedArguments final : public ArgumentSource {
 public:
  FixedArguments() {
    address_[0] = ArgValue::of_text("10.0.0.5");
    address_[1] = ArgValue::of_integer(443);
    values_.push_back(ArgValue::of_text("/etc/shadow"));
    values_.push_back(ArgValue::of_integer(0x241));
    ArgValue address;
    address.kind = ValueKind::sequence;
    address.type = "tuple";
    address.items = address_;
    values_.push_back(address);
    values_.push_back(ArgValue::of_none());
    ArgValue bytes;
    bytes.kind = ValueKind::bytes;
    bytes.type = "bytes";
    bytes.text = std::string_view("\xff\x00/bin/sh", 9);
    values_.push_back(bytes);
  }
  std::size_t count() const override { return values_.size(); }
  const ArgValue& value(std::size_t position) override { return values_[position]; }

 private:
  ArgValue address_[2];
  std::vector<ArgValue> values_;
};

class FixedSite final : public SiteSource {
 public:
  const ArgValue& file() override { return file_; }
  bool verified() override { return false; }

 private:
  ArgValue file_ = ArgValue::of_text("/tmp/payload.py");
};

}  // namespace
}  // namespace vigil

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadResult result = load_policy(text, "fuzz.toml");
  if (!result.policy) {
    if (result.diagnostics.empty()) fuzz::fail("a policy refused without a diagnostic");
    return 0;
  }
  // The image the build embeds must hold the whole policy.
  std::optional<Policy> decoded = decode_policy_image(encode_policy_image(*result.policy));
  if (!decoded || !(*decoded == *result.policy)) fuzz::fail("the policy image does not round-trip", text);

  std::vector<std::string> events;
  for (const Rule& rule : result.policy->rules) events.insert(events.end(), rule.events.begin(), rule.events.end());
  PolicyEngine engine(std::move(*result.policy), ProcessFacts{.uid = 1000, .script = "/srv/app.py", .entry = "file"});
  FixedArguments arguments;
  FixedSite site;
  std::uint64_t seq = 0;
  for (const std::string& event : events) {
    Verdict verdict = engine.evaluate(event, arguments, site);
    engine.note(verdict, ++seq);
  }
  for (const Rule& rule : engine.policy().rules) {
    for (const std::string& event : rule.events) engine.failing_condition(rule, event, arguments, site);
  }
  return 0;
}
