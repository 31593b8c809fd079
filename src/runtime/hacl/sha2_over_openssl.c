/* The _sha2 module's HACL* functions (Modules/_hacl/Hacl_Hash_SHA2.h) over
 * OpenSSL's SHA-2. SHA-224 and SHA-384 share the 256 and 512 states; the
 * final functions write the digest length the state was made with
 * (OpenSSL's md_len), which is what the module reads. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the one-struct API: copies without allocating */
#include <openssl/sha.h>

#include "hacl_abi.h"

VIGIL_HACL_ONE_STRUCT_MALLOC(SHA2_malloc_224, SHA256_CTX, SHA224_Init)
VIGIL_HACL_ONE_STRUCT_MALLOC(SHA2_malloc_256, SHA256_CTX, SHA256_Init)
VIGIL_HACL_ONE_STRUCT_HASH(SHA2, _256, SHA256_CTX, SHA256_Update, SHA256_Final)

VIGIL_HACL_ONE_STRUCT_MALLOC(SHA2_malloc_384, SHA512_CTX, SHA384_Init)
VIGIL_HACL_ONE_STRUCT_MALLOC(SHA2_malloc_512, SHA512_CTX, SHA512_Init)
VIGIL_HACL_ONE_STRUCT_HASH(SHA2, _512, SHA512_CTX, SHA512_Update, SHA512_Final)
