// HMAC-SHA256 (RFC 2104) over OpenSSL's direct SHA-256 functions, for the
// records' `hmac` member. EVP's HMAC would load OpenSSL's provider
// machinery at its first use, about 3.5 million instructions in every
// process (see sha256.cpp).
#pragma once

#include <openssl/sha.h>

#include <string_view>

namespace vigil {

class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  // The MAC of `first` followed by `second`, as lower-case hex.
  void hex_of(std::string_view first, std::string_view second, char (&out)[64]) const;

 private:
  // The states after the key's inner and outer pads, kept so that each
  // message costs only its own blocks and two more.
  SHA256_CTX inner_;
  SHA256_CTX outer_;
};

}  // namespace vigil
