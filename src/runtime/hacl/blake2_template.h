/* One BLAKE2 variant, for blake2.c, which includes this once per word size
 * after defining BLAKE2_VARIANT (Blake2b or Blake2s, as in HACL*'s names),
 * BLAKE2_SIMD_VARIANT (the vectorised variant's name, served by the same
 * code), BLAKE2_WORD, BLAKE2_ROUNDS, BLAKE2_ROTATIONS (G's four right
 * rotations), BLAKE2_NODE_OFFSET_BYTES and BLAKE2_IV. No include guard:
 * each inclusion defines one variant and undefines its parameters. */

#define BLAKE2_PASTE(a, b) a##_##b
#define BLAKE2_JOIN(a, b) BLAKE2_PASTE(a, b)
/* BLAKE2_LOCAL(state) is Blake2b_state for BLAKE2b. */
#define BLAKE2_LOCAL(name) BLAKE2_JOIN(BLAKE2_VARIANT, name)
#define BLAKE2_WORD_BYTES ((size_t)sizeof(BLAKE2_WORD))
#define BLAKE2_BLOCK_BYTES (16 * BLAKE2_WORD_BYTES)

typedef struct {
  BLAKE2_WORD h[8];
  BLAKE2_WORD t[2]; /* bytes hashed so far, a double word */
  uint8_t block[BLAKE2_BLOCK_BYTES];
  /* Bytes waiting in block, 1 to a whole block once anything came: the
   * last block is compressed differently, so a full one waits for more. */
  size_t block_length;
  Blake2Info info;
} BLAKE2_LOCAL(state);

static const BLAKE2_WORD BLAKE2_LOCAL(iv)[8] = {BLAKE2_IV};
static const unsigned BLAKE2_LOCAL(rotations)[4] = {BLAKE2_ROTATIONS};

static BLAKE2_WORD BLAKE2_LOCAL(rotr)(BLAKE2_WORD word, unsigned bits) {
  return (BLAKE2_WORD)((word >> bits) | (word << (8 * BLAKE2_WORD_BYTES - bits)));
}

/* The mixing function G (RFC 7693, section 3.1). */
static void BLAKE2_LOCAL(mix)(BLAKE2_WORD v[16], int a, int b, int c, int d, BLAKE2_WORD x,
                              BLAKE2_WORD y) {
  const unsigned* r = BLAKE2_LOCAL(rotations);
  v[a] = v[a] + v[b] + x;
  v[d] = BLAKE2_LOCAL(rotr)(v[d] ^ v[a], r[0]);
  v[c] = v[c] + v[d];
  v[b] = BLAKE2_LOCAL(rotr)(v[b] ^ v[c], r[1]);
  v[a] = v[a] + v[b] + y;
  v[d] = BLAKE2_LOCAL(rotr)(v[d] ^ v[a], r[2]);
  v[c] = v[c] + v[d];
  v[b] = BLAKE2_LOCAL(rotr)(v[b] ^ v[c], r[3]);
}

/* The compression function F (RFC 7693, section 3.2); the last node of a
 * tree also inverts the second finalization word (BLAKE2 paper, 2.3). */
static void BLAKE2_LOCAL(compress)(BLAKE2_LOCAL(state) * state, const uint8_t* block,
                                   bool last_block) {
  BLAKE2_WORD m[16];
  BLAKE2_WORD v[16];
  for (int i = 0; i < 16; ++i) m[i] = (BLAKE2_WORD)load_le(block + i * BLAKE2_WORD_BYTES, BLAKE2_WORD_BYTES);
  for (int i = 0; i < 8; ++i) {
    v[i] = state->h[i];
    v[i + 8] = BLAKE2_LOCAL(iv)[i];
  }
  v[12] ^= state->t[0];
  v[13] ^= state->t[1];
  if (last_block) {
    v[14] = (BLAKE2_WORD)~v[14];
    if (state->info.last_node) v[15] = (BLAKE2_WORD)~v[15];
  }
  for (int round = 0; round < BLAKE2_ROUNDS; ++round) {
    const uint8_t* s = kSigma[round % 10];
    BLAKE2_LOCAL(mix)(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    BLAKE2_LOCAL(mix)(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    BLAKE2_LOCAL(mix)(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    BLAKE2_LOCAL(mix)(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    BLAKE2_LOCAL(mix)(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    BLAKE2_LOCAL(mix)(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    BLAKE2_LOCAL(mix)(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    BLAKE2_LOCAL(mix)(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
  }
  for (int i = 0; i < 8; ++i) state->h[i] ^= v[i] ^ v[i + 8];
}

static void BLAKE2_LOCAL(count)(BLAKE2_LOCAL(state) * state, size_t bytes) {
  state->t[0] += (BLAKE2_WORD)bytes;
  if (state->t[0] < (BLAKE2_WORD)bytes) ++state->t[1];
}

/* h from the IV and the parameter block (BLAKE2 paper, section 2.8); a key
 * is the first block, padded with zeros (RFC 7693, section 3.3). */
static BLAKE2_LOCAL(state) * BLAKE2_LOCAL(new)(const Blake2Params* params, bool last_node,
                                              const uint8_t* key) {
  BLAKE2_LOCAL(state)* state = calloc(1, sizeof *state);
  if (state == NULL) return NULL;
  uint8_t block[8 * BLAKE2_WORD_BYTES] = {0};
  block[0] = params->digest_length;
  block[1] = params->key_length;
  block[2] = params->fanout;
  block[3] = params->depth;
  store_le(block + 4, params->leaf_length, 4);
  store_le(block + 8, params->node_offset, BLAKE2_NODE_OFFSET_BYTES);
  block[8 + BLAKE2_NODE_OFFSET_BYTES] = params->node_depth;
  block[9 + BLAKE2_NODE_OFFSET_BYTES] = params->inner_length;
  memcpy(block + 4 * BLAKE2_WORD_BYTES, params->salt, 2 * BLAKE2_WORD_BYTES);
  memcpy(block + 6 * BLAKE2_WORD_BYTES, params->personal, 2 * BLAKE2_WORD_BYTES);
  for (int i = 0; i < 8; ++i)
    state->h[i] = BLAKE2_LOCAL(iv)[i] ^
                  (BLAKE2_WORD)load_le(block + i * BLAKE2_WORD_BYTES, BLAKE2_WORD_BYTES);
  state->info = (Blake2Info){params->key_length, params->digest_length, last_node};
  if (params->key_length > 0) {
    memcpy(state->block, key, params->key_length);
    state->block_length = BLAKE2_BLOCK_BYTES;
  }
  return state;
}

static void BLAKE2_LOCAL(update)(BLAKE2_LOCAL(state) * state, const uint8_t* input,
                                 size_t length) {
  size_t room = BLAKE2_BLOCK_BYTES - state->block_length;
  if (length > room) {
    memcpy(state->block + state->block_length, input, room);
    input += room;
    length -= room;
    BLAKE2_LOCAL(count)(state, BLAKE2_BLOCK_BYTES);
    BLAKE2_LOCAL(compress)(state, state->block, false);
    state->block_length = 0;
    for (; length > BLAKE2_BLOCK_BYTES; input += BLAKE2_BLOCK_BYTES, length -= BLAKE2_BLOCK_BYTES) {
      BLAKE2_LOCAL(count)(state, BLAKE2_BLOCK_BYTES);
      BLAKE2_LOCAL(compress)(state, input, false);
    }
  }
  if (length > 0) memcpy(state->block + state->block_length, input, length);
  state->block_length += length;
}

/* Of a copy: the module digests mid-stream and goes on. */
static uint8_t BLAKE2_LOCAL(digest)(const BLAKE2_LOCAL(state) * state, uint8_t* output) {
  BLAKE2_LOCAL(state) last = *state;
  memset(last.block + last.block_length, 0, BLAKE2_BLOCK_BYTES - last.block_length);
  BLAKE2_LOCAL(count)(&last, last.block_length);
  BLAKE2_LOCAL(compress)(&last, last.block, true);
  uint8_t bytes[8 * BLAKE2_WORD_BYTES];
  for (int i = 0; i < 8; ++i) store_le(bytes + i * BLAKE2_WORD_BYTES, last.h[i], BLAKE2_WORD_BYTES);
  memcpy(output, bytes, last.info.digest_length);
  return last.info.digest_length;
}

/* HACL*'s entry points of one variant, as the module declares them. */
#define BLAKE2_HACL(variant, name) VIGIL_HACL(Hacl_Hash_##variant##_##name)
#define BLAKE2_ENTRY_POINTS(variant)                                                       \
  BLAKE2_LOCAL(state) * BLAKE2_HACL(variant, malloc_with_params_and_key)(                  \
                            Blake2Params * params, bool last_node, uint8_t * key);         \
  BLAKE2_LOCAL(state) * BLAKE2_HACL(variant, copy)(BLAKE2_LOCAL(state) * state);           \
  vigil_hacl_error BLAKE2_HACL(variant, update)(BLAKE2_LOCAL(state) * state,               \
                                                uint8_t * input, uint32_t length);         \
  uint8_t BLAKE2_HACL(variant, digest)(BLAKE2_LOCAL(state) * state, uint8_t * output);     \
  Blake2Info BLAKE2_HACL(variant, info)(BLAKE2_LOCAL(state) * state);                      \
  void BLAKE2_HACL(variant, free)(BLAKE2_LOCAL(state) * state);                            \
  BLAKE2_LOCAL(state) * BLAKE2_HACL(variant, malloc_with_params_and_key)(                  \
                            Blake2Params * params, bool last_node, uint8_t * key) {        \
    return BLAKE2_LOCAL(new)(params, last_node, key);                                      \
  }                                                                                        \
  BLAKE2_LOCAL(state) * BLAKE2_HACL(variant, copy)(BLAKE2_LOCAL(state) * state) {          \
    BLAKE2_LOCAL(state)* copy = malloc(sizeof *copy);                                      \
    if (copy != NULL) *copy = *state;                                                      \
    return copy;                                                                           \
  }                                                                                        \
  vigil_hacl_error BLAKE2_HACL(variant, update)(BLAKE2_LOCAL(state) * state,               \
                                                uint8_t * input, uint32_t length) {        \
    BLAKE2_LOCAL(update)(state, input, length);                                            \
    return kHaclSuccess;                                                                   \
  }                                                                                        \
  uint8_t BLAKE2_HACL(variant, digest)(BLAKE2_LOCAL(state) * state, uint8_t * output) {    \
    return BLAKE2_LOCAL(digest)(state, output);                                            \
  }                                                                                        \
  Blake2Info BLAKE2_HACL(variant, info)(BLAKE2_LOCAL(state) * state) { return state->info; } \
  void BLAKE2_HACL(variant, free)(BLAKE2_LOCAL(state) * state) { free(state); }
/* The variant's name is expanded before it is pasted. */
#define BLAKE2_DEFINE_ENTRY_POINTS(variant) BLAKE2_ENTRY_POINTS(variant)

BLAKE2_DEFINE_ENTRY_POINTS(BLAKE2_VARIANT)
BLAKE2_DEFINE_ENTRY_POINTS(BLAKE2_SIMD_VARIANT)

#undef BLAKE2_DEFINE_ENTRY_POINTS
#undef BLAKE2_ENTRY_POINTS
#undef BLAKE2_HACL
#undef BLAKE2_BLOCK_BYTES
#undef BLAKE2_WORD_BYTES
#undef BLAKE2_LOCAL
#undef BLAKE2_JOIN
#undef BLAKE2_PASTE
#undef BLAKE2_VARIANT
#undef BLAKE2_SIMD_VARIANT
#undef BLAKE2_WORD
#undef BLAKE2_ROUNDS
#undef BLAKE2_ROTATIONS
#undef BLAKE2_NODE_OFFSET_BYTES
#undef BLAKE2_IV
