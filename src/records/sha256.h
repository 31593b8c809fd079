#pragma once

#include <openssl/types.h>

#include <string>
#include <string_view>

namespace vigil {

// Streaming SHA-256 (OpenSSL), for values too large to keep whole in a record.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // Lower-case hex. Ends the computation.
  std::string hex_digest();

  static std::string hex_of(std::string_view bytes);

 private:
  EVP_MD_CTX* context_;
};

}  // namespace vigil
