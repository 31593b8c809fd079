#include "chain_hash.h"

#include "sha256.h"

#include <sodium.h>

namespace vigil {
namespace {

// libsodium picks its AVX2 or SSE4.1 BLAKE2b compression in sodium_init(),
// by the CPU's features; without it every line would go through the
// portable one, 2.3 times the instructions (15 per byte against 6.6).
// Once per process, on the first line hashed. sodium_init() also seeds
// libsodium's random number generator (getrandom), which Vigil does not use.
void use_fastest_blake2b() {
  static const bool initialised = sodium_init() >= 0;
  (void)initialised;
}

}  // namespace

std::string_view chain_hash_name(ChainHash hash) { return hash == ChainHash::sha256 ? "sha256" : "blake2b-256"; }

std::optional<ChainHash> chain_hash_named(std::string_view name) {
  for (ChainHash hash : {ChainHash::sha256, ChainHash::blake2b_256}) {
    if (name == chain_hash_name(hash)) return hash;
  }
  return std::nullopt;
}

std::string_view chain_hash_title(ChainHash hash) { return hash == ChainHash::sha256 ? "SHA-256" : "BLAKE2b-256"; }

void chain_hash_hex(ChainHash hash, std::string_view line, char (&out)[64]) {
  if (hash == ChainHash::sha256) {
    Sha256 sha256;
    sha256.update(line);
    sha256.hex_digest_into(out);
    return;
  }
  use_fastest_blake2b();
  unsigned char digest[32];
  static_assert(sizeof digest == SHA256_DIGEST_LENGTH);
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(line.data()), line.size(), nullptr,
                     0);
  hex_of_digest(digest, out);
}

}  // namespace vigil
