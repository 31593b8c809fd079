#pragma once

#include <openssl/sha.h>

#include <string>
#include <string_view>

namespace vigil {

// A SHA-256 digest as lower-case hex.
void hex_of_digest(const unsigned char (&digest)[SHA256_DIGEST_LENGTH], char (&out)[64]);

// Streaming SHA-256 (OpenSSL), for values too large to keep whole in a record.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // Lower-case hex. Ends the computation.
  std::string hex_digest();
  // The same into `out`, without allocating.
  void hex_digest_into(char (&out)[64]);

  static std::string hex_of(std::string_view bytes);

 private:
  SHA256_CTX context_;
};

}  // namespace vigil
