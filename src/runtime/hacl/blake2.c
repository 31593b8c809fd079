/* The _blake2 module's HACL* functions (Modules/_hacl/Hacl_Hash_Blake2b.h,
 * Hacl_Hash_Blake2s.h and their Simd256/Simd128 variants): BLAKE2b and
 * BLAKE2s as RFC 7693 specifies them, initialised from the parameter block
 * of the BLAKE2 paper (section 2.8) so that every parameter hashlib takes
 * counts: digest and key length, salt, personalization, fanout, depth,
 * leaf length, node offset, node depth, inner length and the last node
 * flag. OpenSSL's BLAKE2 takes only some of them.
 *
 * The module picks the Simd variant by the CPU it runs on and keeps its
 * state only as a pointer, so each variant's entry points run the one
 * portable implementation below. */
#include <stdbool.h>
#include <string.h>

#include "hacl_abi.h"

/* Hacl_Hash_Blake2b_blake2_params: the module fills one for both sizes. */
typedef struct {
  uint8_t digest_length;
  uint8_t key_length;
  uint8_t fanout;
  uint8_t depth;
  uint32_t leaf_length;
  uint64_t node_offset;
  uint8_t node_depth;
  uint8_t inner_length;
  uint8_t* salt;
  uint8_t* personal;
} Blake2Params;

/* Hacl_Hash_Blake2b_index, which *_info returns by value: the module reads
 * digest_length from it for the objects' digest_size. */
typedef struct {
  uint8_t key_length;
  uint8_t digest_length;
  bool last_node;
} Blake2Info;

/* The message word permutations (RFC 7693, section 2.7); BLAKE2b's rounds
 * 10 and 11 reuse the first two. */
static const uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static uint64_t load_le(const uint8_t* bytes, size_t length) {
  uint64_t value = 0;
  for (size_t i = 0; i < length; ++i) value |= (uint64_t)bytes[i] << (8 * i);
  return value;
}

static void store_le(uint8_t* bytes, uint64_t value, size_t length) {
  for (size_t i = 0; i < length; ++i) bytes[i] = (uint8_t)(value >> (8 * i));
}

/* BLAKE2b: 64-bit words, 12 rounds; its IV is SHA-512's. */
#define BLAKE2_VARIANT Blake2b
#define BLAKE2_SIMD_VARIANT Blake2b_Simd256
#define BLAKE2_WORD uint64_t
#define BLAKE2_ROUNDS 12
#define BLAKE2_ROTATIONS 32, 24, 16, 63
#define BLAKE2_NODE_OFFSET_BYTES 8
#define BLAKE2_IV                                                                        \
  0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,                   \
      0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,               \
      0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL
#include "blake2_template.h"

/* BLAKE2s: 32-bit words, 10 rounds, a 48-bit node offset; its IV is SHA-256's. */
#define BLAKE2_VARIANT Blake2s
#define BLAKE2_SIMD_VARIANT Blake2s_Simd128
#define BLAKE2_WORD uint32_t
#define BLAKE2_ROUNDS 10
#define BLAKE2_ROTATIONS 16, 12, 8, 7
#define BLAKE2_NODE_OFFSET_BYTES 6
#define BLAKE2_IV                                                                        \
  0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U, 0xa54ff53aU, 0x510e527fU, 0x9b05688cU,          \
      0x1f83d9abU, 0x5be0cd19U
#include "blake2_template.h"
