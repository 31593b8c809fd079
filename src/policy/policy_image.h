// A loaded policy in a compact binary form. The build loads the built-in
// default policy from its TOML once and embeds the image: toml++ takes
// about 3 M instructions to parse that file, 9% of python3's whole
// start-up, at every start of vigil-python; decoding the image takes a
// small part of that.
#pragma once

#include "policy.h"

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

std::string encode_policy_image(const Policy& policy);

// Empty when `image` is not one this build's encode_policy_image made.
std::optional<Policy> decode_policy_image(std::string_view image);

}  // namespace vigil
