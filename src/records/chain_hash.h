// The hash that links each record to the line before it from its process
// (`prev`, docs/records.md "The hash chain"). Records are chained with
// BLAKE2b-256; logs written before the start record named the hash
// (`chain_hash`) were chained with SHA-256, and still verify.
#pragma once

#include <optional>
#include <string_view>

namespace vigil {

enum class ChainHash { sha256, blake2b_256 };

// What vigil-python chains its records with.
inline constexpr ChainHash kChainHash = ChainHash::blake2b_256;

// The start record's `chain_hash`: "sha256" or "blake2b-256".
std::string_view chain_hash_name(ChainHash hash);
// The hash a start record's `chain_hash` names; nullopt for a name this
// build does not know.
std::optional<ChainHash> chain_hash_named(std::string_view name);
// "SHA-256", "BLAKE2b-256": for messages.
std::string_view chain_hash_title(ChainHash hash);

// The hash of `line` as lower-case hex: `prev` of the record after it.
void chain_hash_hex(ChainHash hash, std::string_view line, char (&out)[64]);

}  // namespace vigil
