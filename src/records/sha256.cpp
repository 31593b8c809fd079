// OpenSSL's direct SHA-256 functions, not EVP: EVP's first use loads the
// provider machinery, about 3.5 million instructions, a tenth of a whole
// python3 start-up, paid by every process that hashes one cut value. The
// direct functions are deprecated in OpenSSL 3 but supported throughout it,
// and cannot fail or allocate.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "sha256.h"

namespace vigil {

void hex_of_digest(const unsigned char (&digest)[SHA256_DIGEST_LENGTH], char (&out)[64]) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
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
