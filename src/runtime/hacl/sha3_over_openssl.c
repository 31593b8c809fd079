/* The _sha3 module's HACL* functions (Modules/_hacl/Hacl_Hash_SHA3.h) over
 * OpenSSL's SHA-3 and SHAKE. The module names the algorithm by HACL*'s
 * Spec_Hash_Definitions_hash_alg numbers, asks the state for its block and
 * digest lengths (the objects' block_size and digest_size), and digests
 * mid-stream, SHAKE at any length, again and again: digests are of a copy. */
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>

#include "hacl_abi.h"

/* Spec_Hash_Definitions_hash_alg (Modules/_hacl/Hacl_Streaming_Types.h). */
enum {
  kAlgSha3_256 = 8,
  kAlgSha3_224 = 9,
  kAlgSha3_384 = 10,
  kAlgSha3_512 = 11,
  kAlgShake128 = 12,
  kAlgShake256 = 13,
};

typedef struct {
  uint8_t alg;
  EVP_MD_CTX* ctx;
} Sha3State;

Sha3State* VIGIL_HACL(Hacl_Hash_SHA3_malloc)(uint8_t alg);
Sha3State* VIGIL_HACL(Hacl_Hash_SHA3_copy)(Sha3State* state);
void VIGIL_HACL(Hacl_Hash_SHA3_free)(Sha3State* state);
vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_update)(Sha3State* state, uint8_t* input, uint32_t length);
vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_digest)(Sha3State* state, uint8_t* output);
vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_squeeze)(Sha3State* state, uint8_t* output, uint32_t length);
uint32_t VIGIL_HACL(Hacl_Hash_SHA3_block_len)(Sha3State* state);
uint32_t VIGIL_HACL(Hacl_Hash_SHA3_hash_len)(Sha3State* state);
bool VIGIL_HACL(Hacl_Hash_SHA3_is_shake)(Sha3State* state);

static const EVP_MD* sha3_md(uint8_t alg) {
  switch (alg) {
    case kAlgSha3_224: return EVP_sha3_224();
    case kAlgSha3_256: return EVP_sha3_256();
    case kAlgSha3_384: return EVP_sha3_384();
    case kAlgSha3_512: return EVP_sha3_512();
    case kAlgShake128: return EVP_shake128();
    case kAlgShake256: return EVP_shake256();
    default: return NULL;
  }
}

static bool is_shake(const Sha3State* state) {
  return state->alg == kAlgShake128 || state->alg == kAlgShake256;
}

/* A state with a context of its own; NULL where memory ran out. */
static Sha3State* new_state(uint8_t alg) {
  Sha3State* state = malloc(sizeof *state);
  if (state == NULL) return NULL;
  state->alg = alg;
  state->ctx = EVP_MD_CTX_new();
  if (state->ctx == NULL) {
    free(state);
    return NULL;
  }
  return state;
}

void VIGIL_HACL(Hacl_Hash_SHA3_free)(Sha3State* state) {
  EVP_MD_CTX_free(state->ctx);
  free(state);
}

Sha3State* VIGIL_HACL(Hacl_Hash_SHA3_malloc)(uint8_t alg) {
  const EVP_MD* md = sha3_md(alg);
  if (md == NULL) return NULL;
  Sha3State* state = new_state(alg);
  if (state != NULL && EVP_DigestInit_ex(state->ctx, md, NULL) != 1) {
    VIGIL_HACL(Hacl_Hash_SHA3_free)(state);
    return NULL;
  }
  return state;
}

Sha3State* VIGIL_HACL(Hacl_Hash_SHA3_copy)(Sha3State* state) {
  Sha3State* copy = new_state(state->alg);
  if (copy != NULL && EVP_MD_CTX_copy_ex(copy->ctx, state->ctx) != 1) {
    VIGIL_HACL(Hacl_Hash_SHA3_free)(copy);
    return NULL;
  }
  return copy;
}

vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_update)(Sha3State* state, uint8_t* input, uint32_t length) {
  EVP_DigestUpdate(state->ctx, input, length);
  return kHaclSuccess;
}

/* The modules have no way to hear that a digest failed, and a wrong digest
 * would be trusted (two failed MACs would compare equal): when OpenSSL
 * cannot copy a context, which only running out of memory makes it do,
 * the process stops. */
static EVP_MD_CTX* copy_for_digest(const Sha3State* state) {
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  if (copy == NULL || EVP_MD_CTX_copy_ex(copy, state->ctx) != 1) {
    fputs("vigil-python: out of memory while digesting SHA-3\n", stderr);
    abort();
  }
  return copy;
}

vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_digest)(Sha3State* state, uint8_t* output) {
  if (is_shake(state)) return kHaclInvalidAlgorithm;
  EVP_MD_CTX* final = copy_for_digest(state);
  EVP_DigestFinal_ex(final, output, NULL);
  EVP_MD_CTX_free(final);
  return kHaclSuccess;
}

vigil_hacl_error VIGIL_HACL(Hacl_Hash_SHA3_squeeze)(Sha3State* state, uint8_t* output, uint32_t length) {
  if (!is_shake(state)) return kHaclInvalidAlgorithm;
  if (length == 0) return kHaclInvalidLength;
  EVP_MD_CTX* final = copy_for_digest(state);
  EVP_DigestFinalXOF(final, output, length);
  EVP_MD_CTX_free(final);
  return kHaclSuccess;
}

uint32_t VIGIL_HACL(Hacl_Hash_SHA3_block_len)(Sha3State* state) {
  return (uint32_t)EVP_MD_get_block_size(sha3_md(state->alg));
}

/* SHAKE has no length of its own: 0, as hashlib's digest_size says. */
uint32_t VIGIL_HACL(Hacl_Hash_SHA3_hash_len)(Sha3State* state) {
  return is_shake(state) ? 0 : (uint32_t)EVP_MD_get_size(sha3_md(state->alg));
}

bool VIGIL_HACL(Hacl_Hash_SHA3_is_shake)(Sha3State* state) { return is_shake(state); }
