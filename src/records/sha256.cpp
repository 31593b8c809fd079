// OpenSSL's direct SHA-256 functions, not EVP: EVP's first use loads the
// provider machinery, about 3.5 million instructions, a tenth of a whole
// python3 start-up, paid by every process that hashes one cut value. The
// direct functions are deprecated in OpenSSL 3 but supported throughout it,
// and cannot fail or allocate.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "sha256.h"

#include <array>
#include <cstring>

namespace vigil {

namespace {

// The two hex digits of every byte, so that each byte costs one lookup:
// every record's `prev` is made here, and digits one at a time took half
// again as many instructions.
constexpr std::array<char, 512> kHexPairs = [] {
  constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 512> pairs{};
  for (std::size_t byte = 0; byte < 256; ++byte) {
    pairs[2 * byte] = kHex[byte >> 4];
    pairs[2 * byte + 1] = kHex[byte & 0xF];
  }
  return pairs;
}();

}  // namespace

void hex_of_digest(const unsigned char (&digest)[SHA256_DIGEST_LENGTH], char (&out)[64]) {
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) std::memcpy(out + 2 * i, &kHexPairs[2 * digest[i]], 2);
}

Sha256::Sha256() { SHA256_Init(&context_); }

void Sha256::update(std::string_view bytes) { SHA256_Update(&context_, bytes.data(), bytes.size()); }

void Sha256::hex_digest_into(char (&out)[64]) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &context_);
  hex_of_digest(digest, out);
}

std::string Sha256::hex_digest() {
  char hex[64];
  hex_digest_into(hex);
  return {hex, sizeof hex};
}

std::string Sha256::hex_of(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return hash.hex_digest();
}

}  // namespace vigil
