/* The _md5 module's HACL* functions (Modules/_hacl/Hacl_Hash_MD5.h) over
 * OpenSSL's MD5. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the one-struct API: copies without allocating */
#include <openssl/md5.h>

#include "hacl_abi.h"

VIGIL_HACL_ONE_STRUCT_MALLOC(MD5_malloc, MD5_CTX, MD5_Init)
VIGIL_HACL_ONE_STRUCT_HASH(MD5, , MD5_CTX, MD5_Update, MD5_Final)
