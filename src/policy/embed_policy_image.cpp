// Build step: loads a policy file and writes a header that embeds its
// image (policy_image.h), so vigil-python decodes it instead of parsing TOML.
//   embed-policy-image POLICY.toml SOURCE-NAME VARIABLE OUTPUT.h [NAME DESCRIPTION]
// With NAME and DESCRIPTION, the image is the policy in audit mode under
// that name: the built-in `watch` is `strict` reporting what it would deny,
// from the one file, so the two cannot drift apart.
#include "policy_image.h"
#include "policy_loader.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
  if (argc != 5 && argc != 7) {
    std::cerr << "usage: embed-policy-image POLICY.toml SOURCE-NAME VARIABLE OUTPUT.h [NAME DESCRIPTION]\n";
    return 2;
  }
  std::ifstream input(argv[1], std::ios::binary);
  std::stringstream text;
  text << input.rdbuf();
  if (!input) {
    std::cerr << argv[1] << ": cannot be read\n";
    return 1;
  }
  auto result = vigil::load_policy(text.str(), argv[2]);
  for (const auto& diagnostic : result.diagnostics) std::cerr << vigil::format_diagnostic(diagnostic, argv[1]) << '\n';
  if (!result.policy) return 1;
  if (argc == 7) {
    result.policy->mode = vigil::Mode::audit;
    result.policy->locked = false;
    result.policy->name = argv[5];
    result.policy->description = argv[6];
  }
  std::string image = vigil::encode_policy_image(*result.policy);
  std::ostringstream header;
  header << "// Made by embed-policy-image from " << argv[1] << ". Do not edit.\n"
         << "#pragma once\n\n#include <string_view>\n\nnamespace vigil {\n"
         << "inline constexpr std::string_view " << argv[3] << "{\n";
  // Octal escapes are always three digits: no following character can
  // extend one, as it could a \x escape.
  for (std::size_t i = 0; i < image.size(); i += 32) {
    header << "    \"";
    for (std::size_t j = i; j < image.size() && j < i + 32; ++j) {
      char escape[5];
      std::snprintf(escape, sizeof escape, "\\%03o", static_cast<unsigned char>(image[j]));
      header << escape;
    }
    header << "\"\n";
  }
  header << "    , " << image.size() << "};\n}  // namespace vigil\n";
  std::ofstream output(argv[4], std::ios::binary | std::ios::trunc);
  output << header.str();
  return output.good() ? 0 : 1;
}
