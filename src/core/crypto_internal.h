/* Private to src/core: helpers shared by crypto.c, password.c and signing.c. */
#ifndef MN_CRYPTO_INTERNAL_H
#define MN_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "manouche/crypto.h"

/* salted_hmac with the key salt given in two parts (salt1 + salt2), so that
 * callers need no buffer for the concatenation. Returns the digest size or 0. */
size_t mn__salted_hmac2(mn_hash_alg alg, mn_str salt1, mn_str salt2, mn_str value, mn_str secret,
                        uint8_t out[MN_HASH_MAX_SIZE]);

/* Base64 of n bytes into out, which has room for mn_base64_encoded_len(n,
 * flags) + 1 bytes. Returns the text length (out is NUL-terminated). */
size_t mn__base64_encode_to(char *out, const void *data, size_t n, unsigned flags);

#endif
