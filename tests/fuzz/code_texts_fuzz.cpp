// The texts vigil-python judges before trusting code built from them: a
// `type-expression` generator's text (`is_type_expression`, docs/trust.md),
// which comes from the program's annotations and from whatever a caller
// hands typing.ForwardRef, and a `-c` command checked against
// multiprocessing's bootstrap forms (`multiprocessing_bootstrap`,
// docs/policy.md), which anyone who can start vigil-python writes.
#include "fuzz_support.h"

#include "bootstrap_command.h"
#include "type_expression.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // Calling what a type expression names is never one.
  if (is_type_expression(text) && is_type_expression("(" + std::string(text) + ")()")) {
    fuzz::fail("a call is a type expression", text);
  }

  // A bootstrap command is exactly one of its forms: one statement more
  // never is one, and what it starts is one of the three helpers.
  if (auto helper = multiprocessing_bootstrap(text)) {
    if (*helper != "multiprocessing.spawn" && *helper != "multiprocessing.forkserver" &&
        *helper != "multiprocessing.resource_tracker") {
      fuzz::fail("a bootstrap command starts an unknown helper", text);
    }
    for (std::string_view extra : {"; import os", "\nimport os", ";os.system('x')"}) {
      if (multiprocessing_bootstrap(std::string(text) + std::string(extra))) {
        fuzz::fail("a bootstrap command with one statement more is one", text);
      }
    }
  }
  return 0;
}
