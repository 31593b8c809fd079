/* What CPython's hash modules (_md5, _sha1, _sha2, _sha3, _blake2) expect
 * of the HACL* functions they call, for the files in this directory that
 * provide those functions where Debian's static libpython has the modules
 * but not HACL*'s objects (cmake/EmbeddedPython.cmake links only the
 * families the archive leaves undefined).
 *
 * CPython renames every HACL* function with a prefix
 * (Modules/_hacl/python_hacl_namespaces.h): python_hashlib_ up to 3.13,
 * _Py_LibHacl_ from 3.14. The build passes the prefix the archive asks for
 * as VIGIL_HACL_PREFIX.
 *
 * Every module keeps a state only as a pointer it hands back, so each file
 * chooses its own state type. The streaming functions never fail in
 * HACL*; those that report, report one byte (Hacl_Streaming_Types_error_code). */
#ifndef VIGIL_RUNTIME_HACL_HACL_ABI_H
#define VIGIL_RUNTIME_HACL_HACL_ABI_H

#include <stdint.h>
#include <stdlib.h>

#ifndef VIGIL_HACL_PREFIX
#error "VIGIL_HACL_PREFIX names the prefix of the libpython's HACL* symbols"
#endif

#define VIGIL_HACL_PASTE(prefix, name) prefix##name
#define VIGIL_HACL_NAME(prefix, name) VIGIL_HACL_PASTE(prefix, name)
/* VIGIL_HACL(Hacl_Hash_MD5_malloc) is the name the module links against. */
#define VIGIL_HACL(name) VIGIL_HACL_NAME(VIGIL_HACL_PREFIX, name)

typedef uint8_t vigil_hacl_error;
enum {
  kHaclSuccess = 0,
  kHaclInvalidAlgorithm = 1,
  kHaclInvalidLength = 2,
};

/* A Merkle-Damgard hash over OpenSSL's one-struct API (MD5_CTX, SHA_CTX,
 * SHA256_CTX, SHA512_CTX), which copies without allocating. Defines
 * Hacl_Hash_<family>_{copy,update,digest,free}<suffix>; digest is of a copy,
 * so the state stays usable (the modules digest mid-stream). */
#define VIGIL_HACL_ONE_STRUCT_HASH(family, suffix, CTX, update_fn, final_fn)                \
  CTX* VIGIL_HACL(Hacl_Hash_##family##_copy##suffix)(CTX * state);                          \
  vigil_hacl_error VIGIL_HACL(Hacl_Hash_##family##_update##suffix)(CTX * state,             \
                                                                    uint8_t * input,        \
                                                                    uint32_t length);       \
  void VIGIL_HACL(Hacl_Hash_##family##_digest##suffix)(CTX * state, uint8_t * output);      \
  void VIGIL_HACL(Hacl_Hash_##family##_free##suffix)(CTX * state);                          \
  CTX* VIGIL_HACL(Hacl_Hash_##family##_copy##suffix)(CTX * state) {                         \
    CTX* copy = malloc(sizeof *copy);                                                       \
    if (copy != NULL) *copy = *state;                                                       \
    return copy;                                                                            \
  }                                                                                         \
  vigil_hacl_error VIGIL_HACL(Hacl_Hash_##family##_update##suffix)(CTX * state,             \
                                                                    uint8_t * input,        \
                                                                    uint32_t length) {      \
    update_fn(state, input, length);                                                        \
    return kHaclSuccess;                                                                    \
  }                                                                                         \
  void VIGIL_HACL(Hacl_Hash_##family##_digest##suffix)(CTX * state, uint8_t * output) {     \
    CTX final = *state;                                                                     \
    final_fn(output, &final);                                                               \
  }                                                                                         \
  void VIGIL_HACL(Hacl_Hash_##family##_free##suffix)(CTX * state) { free(state); }

/* Hacl_Hash_<name>, a fresh state of the one-struct API made by init_fn. */
#define VIGIL_HACL_ONE_STRUCT_MALLOC(name, CTX, init_fn) \
  CTX* VIGIL_HACL(Hacl_Hash_##name)(void);               \
  CTX* VIGIL_HACL(Hacl_Hash_##name)(void) {              \
    CTX* state = malloc(sizeof *state);                  \
    if (state != NULL) init_fn(state);                   \
    return state;                                        \
  }

#endif
