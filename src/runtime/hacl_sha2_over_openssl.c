/* The SHA-2 functions CPython 3.13+'s _sha2 module calls, over OpenSSL's
 * SHA-2. Debian's static libpython3.13.a has sha2module.o but not the
 * HACL* archive it needs (Modules/_hacl/libHacl_Hash_SHA2.a, a build-tree
 * path in sysconfig's MODLIBS), so without these vigil-python cannot link,
 * and leaving the module out would make hashlib differ from python3's.
 * cmake/EmbeddedPython.cmake links this only for such a libpython.
 *
 * The module keeps each hash's state behind a pointer and only ever hands
 * it back to these functions. SHA-224 and SHA-384 share the 256 and 512
 * states; the final functions write the digest length the state was made
 * with (OpenSSL's md_len), which is what the module reads. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the one-struct SHA-2 API: copies without allocating */
#include <openssl/sha.h>
#include <stdint.h>
#include <stdlib.h>

#define VIGIL_HACL(name) python_hashlib_Hacl_Hash_SHA2_##name

enum { kHaclSuccess = 0 };

/* Declared here as the module declares them (Modules/_hacl/Hacl_Hash_SHA2.h),
 * prefixed as python_hacl_namespaces.h renames them. */
SHA256_CTX* VIGIL_HACL(malloc_224)(void);
SHA256_CTX* VIGIL_HACL(malloc_256)(void);
SHA256_CTX* VIGIL_HACL(copy_256)(SHA256_CTX* state);
uint8_t VIGIL_HACL(update_256)(SHA256_CTX* state, uint8_t* input, uint32_t length);
void VIGIL_HACL(digest_256)(SHA256_CTX* state, uint8_t* output);
void VIGIL_HACL(free_256)(SHA256_CTX* state);
SHA512_CTX* VIGIL_HACL(malloc_384)(void);
SHA512_CTX* VIGIL_HACL(malloc_512)(void);
SHA512_CTX* VIGIL_HACL(copy_512)(SHA512_CTX* state);
uint8_t VIGIL_HACL(update_512)(SHA512_CTX* state, uint8_t* input, uint32_t length);
void VIGIL_HACL(digest_512)(SHA512_CTX* state, uint8_t* output);
void VIGIL_HACL(free_512)(SHA512_CTX* state);

static SHA256_CTX* new_256(int (*init)(SHA256_CTX*)) {
  SHA256_CTX* state = malloc(sizeof *state);
  if (state != NULL) init(state);
  return state;
}

static SHA512_CTX* new_512(int (*init)(SHA512_CTX*)) {
  SHA512_CTX* state = malloc(sizeof *state);
  if (state != NULL) init(state);
  return state;
}

SHA256_CTX* VIGIL_HACL(malloc_224)(void) { return new_256(SHA224_Init); }
SHA256_CTX* VIGIL_HACL(malloc_256)(void) { return new_256(SHA256_Init); }

SHA256_CTX* VIGIL_HACL(copy_256)(SHA256_CTX* state) {
  SHA256_CTX* copy = malloc(sizeof *copy);
  if (copy != NULL) *copy = *state;
  return copy;
}

uint8_t VIGIL_HACL(update_256)(SHA256_CTX* state, uint8_t* input, uint32_t length) {
  SHA256_Update(state, input, length);
  return kHaclSuccess;
}

/* The state stays usable: the digest is of a copy. */
void VIGIL_HACL(digest_256)(SHA256_CTX* state, uint8_t* output) {
  SHA256_CTX final = *state;
  SHA256_Final(output, &final);
}

void VIGIL_HACL(free_256)(SHA256_CTX* state) { free(state); }

SHA512_CTX* VIGIL_HACL(malloc_384)(void) { return new_512(SHA384_Init); }
SHA512_CTX* VIGIL_HACL(malloc_512)(void) { return new_512(SHA512_Init); }

SHA512_CTX* VIGIL_HACL(copy_512)(SHA512_CTX* state) {
  SHA512_CTX* copy = malloc(sizeof *copy);
  if (copy != NULL) *copy = *state;
  return copy;
}

uint8_t VIGIL_HACL(update_512)(SHA512_CTX* state, uint8_t* input, uint32_t length) {
  SHA512_Update(state, input, length);
  return kHaclSuccess;
}

void VIGIL_HACL(digest_512)(SHA512_CTX* state, uint8_t* output) {
  SHA512_CTX final = *state;
  SHA512_Final(output, &final);
}

void VIGIL_HACL(free_512)(SHA512_CTX* state) { free(state); }
