#define OPENSSL_SUPPRESS_DEPRECATED
#include "hmac_sha256.h"

#include "sha256.h"

#include <cstring>

namespace vigil {

HmacSha256::HmacSha256(std::string_view key) {
  unsigned char block[SHA256_CBLOCK] = {};
  if (key.size() > sizeof block) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), block);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char pad[SHA256_CBLOCK];
  for (std::size_t i = 0; i < sizeof block; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&inner_);
  SHA256_Update(&inner_, pad, sizeof pad);
  for (std::size_t i = 0; i < sizeof block; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&outer_);
  SHA256_Update(&outer_, pad, sizeof pad);
}

void HmacSha256::hex_of(std::string_view first, std::string_view second, char (&out)[64]) const {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX context = inner_;
  SHA256_Update(&context, first.data(), first.size());
  SHA256_Update(&context, second.data(), second.size());
  SHA256_Final(digest, &context);
  context = outer_;
  SHA256_Update(&context, digest, sizeof digest);
  SHA256_Final(digest, &context);
  hex_of_digest(digest, out);
}

}  // namespace vigil
