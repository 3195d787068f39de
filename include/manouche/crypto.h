/* Manouche: cryptographic primitives and password hashing, on OpenSSL 3.
 *
 * The behaviour follows django.utils.crypto and django.contrib.auth.hashers
 * (Django 3.2), so that values made by Django with the same SECRET_KEY (salted
 * HMACs, password hashes, random strings) are produced and accepted here
 * byte for byte.
 *
 * Thread safety: every function here is safe to call from several threads at
 * once (each thread with its own arena), except mn_password_set_iterations,
 * which is meant for start-up and tests.
 *
 * Results returned as mn_str live in the arena passed in; on failure they are
 * the empty slice with ptr NULL and err (which may be NULL) says why. */
#ifndef MANOUCHE_CRYPTO_H
#define MANOUCHE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "manouche/arena.h"
#include "manouche/error.h"
#include "manouche/str.h"

/* ---- hash algorithms ---- */

/* The zero value is SHA-256, the default of Django 3.2's signing. */
typedef enum mn_hash_alg {
    MN_HASH_SHA256 = 0,
    MN_HASH_SHA1,
    MN_HASH_SHA512
} mn_hash_alg;

/* The largest digest size of any mn_hash_alg (SHA-512). */
#define MN_HASH_MAX_SIZE 64

/* Digest size in bytes (20, 32 or 64), or 0 for a value outside the enum. */
size_t mn_hash_size(mn_hash_alg alg);

/* hashlib's name of the algorithm ("sha1", "sha256", "sha512"), or "?" . */
const char *mn_hash_name(mn_hash_alg alg);

/* Looks up an algorithm by hashlib's name (case-sensitive, like Django).
 * Returns MN_OK, or MN_EINVAL with "'md5' is not a supported hash
 * algorithm". */
int mn_hash_from_name(mn_str name, mn_hash_alg *out, mn_err *err);

/* hash(data) into out. Returns the digest size, or 0 when alg is not an
 * mn_hash_alg or OpenSSL fails. */
size_t mn_hash_digest(mn_hash_alg alg, mn_str data, uint8_t out[MN_HASH_MAX_SIZE]);

/* HMAC(key, msg) with the hash alg into out. Returns the digest size or 0
 * (bad alg, OpenSSL failure). */
size_t mn_hmac_digest(mn_hash_alg alg, mn_str key, mn_str msg, uint8_t out[MN_HASH_MAX_SIZE]);

/* Django's salted_hmac(key_salt, value, secret, algorithm): the HMAC of value
 * keyed by hash(key_salt + secret). Django's default algorithm there is
 * SHA-1; pass it explicitly. Returns the digest size or 0 (bad alg). */
size_t mn_crypto_salted_hmac(mn_hash_alg alg, mn_str key_salt, mn_str value, mn_str secret,
                             uint8_t out[MN_HASH_MAX_SIZE]);

/* salted_hmac(...).hexdigest(): lowercase hex in arena. */
mn_str mn_crypto_salted_hmac_hex(mn_arena *a, mn_hash_alg alg, mn_str key_salt, mn_str value,
                                 mn_str secret, mn_err *err);

/* PBKDF2-HMAC (hashlib.pbkdf2_hmac): derives dklen bytes into out.
 * iterations must be at least 1; dklen 1..1024. Returns MN_OK or MN_EINVAL. */
int mn_crypto_pbkdf2(mn_hash_alg alg, mn_str password, mn_str salt, uint32_t iterations,
                     uint8_t *out, size_t dklen, mn_err *err);

/* ---- randomness and comparison ---- */

/* Django's RANDOM_STRING_CHARS. */
#define MN_RANDOM_STRING_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* Fills out with n bytes from the operating system's CSPRNG (via OpenSSL's
 * RAND_bytes). Returns MN_OK or MN_EIO. */
int mn_crypto_random_bytes(void *out, size_t n, mn_err *err);

/* Django's get_random_string(length, allowed_chars): length characters drawn
 * uniformly (rejection sampling, no modulo bias) from allowed_chars, which is
 * UTF-8 text (each code point is one choice, repeats weigh more, as in
 * Python). An empty allowed_chars means MN_RANDOM_STRING_CHARS. Errors:
 * MN_EINVAL for invalid UTF-8, MN_ENOMEM, MN_EIO. The result is
 * NUL-terminated. */
mn_str mn_crypto_random_string(mn_arena *a, size_t length, mn_str allowed_chars, mn_err *err);

/* Python's secrets.token_hex(nbytes): 2 * nbytes lowercase hex digits. */
mn_str mn_crypto_token_hex(mn_arena *a, size_t nbytes, mn_err *err);

/* Python's secrets.token_urlsafe(nbytes): nbytes random bytes in URL-safe
 * base64 without padding (about 1.3 characters per byte). */
mn_str mn_crypto_token_urlsafe(mn_arena *a, size_t nbytes, mn_err *err);

/* Django's constant_time_compare: true when a and b hold the same bytes. The
 * time taken depends only on the lengths, never on where they differ. */
bool mn_crypto_equal(mn_str a, mn_str b);

/* ---- encodings ---- */

/* Flags of the base64 functions (combine with |). */
enum {
    MN_BASE64_STD = 0,     /* RFC 4648 alphabet (+ /) with '=' padding */
    MN_BASE64_URLSAFE = 1, /* URL-safe alphabet (- _) */
    MN_BASE64_NOPAD = 2    /* encode without '='; decode accepts it missing */
};

/* Length of the base64 text for n bytes with these flags. */
size_t mn_base64_encoded_len(size_t n, unsigned flags);

/* Base64 of n bytes at data, NUL-terminated, in arena. Fails only when the
 * arena does (MN_ENOMEM in err). */
mn_str mn_base64_encode(mn_arena *a, const void *data, size_t n, unsigned flags, mn_err *err);

/* Strict base64 decoding into *out (NUL-terminated bytes in arena). No
 * whitespace, no characters of the other alphabet, padding exactly as the
 * flags say (with MN_BASE64_NOPAD it may be absent, but when present it must
 * be right), and the unused bits of the last character must be zero.
 * Returns MN_OK, MN_EPARSE with the offending offset in err, or MN_ENOMEM. */
int mn_base64_decode(mn_arena *a, mn_str text, unsigned flags, mn_str *out, mn_err *err);

/* Lowercase hex of n bytes, NUL-terminated, in arena. */
mn_str mn_hex_encode(mn_arena *a, const void *data, size_t n, mn_err *err);

/* Decodes hex (either case, even length) into *out. MN_OK, MN_EPARSE or
 * MN_ENOMEM. */
int mn_hex_decode(mn_arena *a, mn_str text, mn_str *out, mn_err *err);

/* Room for the base62 text of any int64_t, sign and NUL included. */
#define MN_B62_MAX 13

/* Django's baseconv.base62.encode(v) into out (digits 0-9A-Za-z, '-' for
 * negatives), NUL-terminated. Returns its length. */
size_t mn_b62_encode(int64_t v, char out[MN_B62_MAX]);

/* Django's baseconv.base62.decode(s): an optional leading '-' then at least
 * one base62 digit. Returns MN_OK, MN_EPARSE (empty, bad digit) or MN_ERANGE
 * (beyond int64_t). */
int mn_b62_decode(mn_str s, int64_t *out, mn_err *err);

/* ---- passwords (django.contrib.auth.hashers) ----
 *
 * Encoded passwords look like Django's:
 *   pbkdf2_sha256$260000$<22-char salt>$<base64 of the 32-byte PBKDF2 hash>
 * pbkdf2_sha1 hashes (Django's PBKDF2SHA1PasswordHasher) are checked too; new
 * hashes always use pbkdf2_sha256. A value starting with "!" is an unusable
 * password (Django's set_unusable_password) and never matches. */

/* Django 3.2's PBKDF2PasswordHasher.iterations. */
#define MN_PASSWORD_DEFAULT_ITERATIONS 260000u
/* Stored hashes claiming more iterations than this are refused as invalid,
 * so a corrupted row cannot stall a worker for minutes. */
#define MN_PASSWORD_MAX_ITERATIONS 20000000u
/* Salt length of new hashes: ceil(128 / log2(62)) characters. */
#define MN_PASSWORD_SALT_LEN 22
/* Prefix of unusable passwords and the random characters that follow it. */
#define MN_PASSWORD_UNUSABLE_PREFIX "!"
#define MN_PASSWORD_UNUSABLE_SUFFIX_LEN 40

/* Sets the iteration count of new pbkdf2_sha256 hashes (and of must_update),
 * process-wide; 0 restores MN_PASSWORD_DEFAULT_ITERATIONS. Tests lower it to
 * run fast. Atomic, but meant to be called at start-up. */
void mn_password_set_iterations(uint32_t iterations);

/* The iteration count currently used for new hashes. */
uint32_t mn_password_iterations(void);

/* A decoded password hash: slices of the encoded text. */
typedef struct mn_password_info {
    mn_hash_alg alg;     /* MN_HASH_SHA256 or MN_HASH_SHA1 */
    mn_str algorithm;    /* "pbkdf2_sha256" or "pbkdf2_sha1" */
    uint32_t iterations;
    mn_str salt;
    mn_str hash;         /* base64 text, as stored */
} mn_password_info;

/* Django's make_password(password): a new pbkdf2_sha256 hash with a random
 * 22-character salt and mn_password_iterations(). Errors: MN_ENOMEM, MN_EIO. */
mn_str mn_password_make(mn_arena *a, mn_str password, mn_err *err);

/* PBKDF2PasswordHasher.encode(password, salt, iterations) for alg SHA256
 * (pbkdf2_sha256) or SHA1 (pbkdf2_sha1). salt must be non-empty without '$';
 * iterations 0 means mn_password_iterations(). Errors: MN_EINVAL, MN_ENOMEM. */
mn_str mn_password_encode(mn_arena *a, mn_str password, mn_str salt, mn_hash_alg alg,
                          uint32_t iterations, mn_err *err);

/* Django's make_password(None): "!" followed by 40 random characters. */
mn_str mn_password_make_unusable(mn_arena *a, mn_err *err);

/* Django's is_password_usable: false when encoded starts with "!". */
bool mn_password_is_usable(mn_str encoded);

/* Splits an encoded hash into *out (slices of encoded). Returns MN_OK or
 * MN_EINVAL with a reason: unusable password, unknown algorithm ('argon2' is
 * not supported), wrong field count, bad iteration count, empty salt or
 * hash. */
int mn_password_decode(mn_str encoded, mn_password_info *out, mn_err *err);

/* Django's check_password(password, encoded): true when password matches.
 * Unusable, unknown or malformed hashes give false (after spending the time
 * of one default hash, as Django does, so that they cannot be told apart by
 * timing). When must_update is not NULL it is set to true when the password
 * matched and the hash should be replaced by mn_password_make: another
 * algorithm than pbkdf2_sha256, another iteration count, or a salt weaker than
 * 128 bits. */
bool mn_password_check(mn_str password, mn_str encoded, bool *must_update);

/* PBKDF2PasswordHasher.must_update(encoded) combined with the algorithm
 * change that check_password considers. False for undecodable hashes. */
bool mn_password_must_update(mn_str encoded);

#endif
