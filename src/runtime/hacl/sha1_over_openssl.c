/* The _sha1 module's HACL* functions (Modules/_hacl/Hacl_Hash_SHA1.h) over
 * OpenSSL's SHA-1. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the one-struct API: copies without allocating */
#include <openssl/sha.h>

#include "hacl_abi.h"

VIGIL_HACL_ONE_STRUCT_MALLOC(SHA1_malloc, SHA_CTX, SHA1_Init)
VIGIL_HACL_ONE_STRUCT_HASH(SHA1, , SHA_CTX, SHA1_Update, SHA1_Final)
