/* Password hashing compatible with django.contrib.auth.hashers (Django 3.2):
 * PBKDF2PasswordHasher (pbkdf2_sha256) and PBKDF2SHA1PasswordHasher. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include "crypto_internal.h"
#include "manouche/crypto.h"

static _Atomic uint32_t g_iterations = MN_PASSWORD_DEFAULT_ITERATIONS;

void mn_password_set_iterations(uint32_t iterations)
{
    if (iterations == 0)
        iterations = MN_PASSWORD_DEFAULT_ITERATIONS;
    if (iterations > MN_PASSWORD_MAX_ITERATIONS)
        iterations = MN_PASSWORD_MAX_ITERATIONS;
    atomic_store_explicit(&g_iterations, iterations, memory_order_relaxed);
}

uint32_t mn_password_iterations(void)
{
    return atomic_load_explicit(&g_iterations, memory_order_relaxed);
}

static const char *algorithm_name(mn_hash_alg alg)
{
    return alg == MN_HASH_SHA1 ? "pbkdf2_sha1" : "pbkdf2_sha256";
}

/* base64(pbkdf2(password, salt, iterations)) into out (room for 89 bytes),
 * as Django's PBKDF2PasswordHasher.encode computes the hash field. */
static int hash_field(mn_hash_alg alg, mn_str password, mn_str salt, uint32_t iterations,
                      char out[90], size_t *len, mn_err *err)
{
    uint8_t dk[MN_HASH_MAX_SIZE];
    size_t dklen = mn_hash_size(alg);
    int rc = mn_crypto_pbkdf2(alg, password, salt, iterations, dk, dklen, err);
    if (rc)
        return rc;
    *len = mn__base64_encode_to(out, dk, dklen, MN_BASE64_STD);
    OPENSSL_cleanse(dk, sizeof dk);
    return MN_OK;
}

mn_str mn_password_encode(mn_arena *a, mn_str password, mn_str salt, mn_hash_alg alg,
                          uint32_t iterations, mn_err *err)
{
    mn_str fail = { NULL, 0 };
    if (alg != MN_HASH_SHA256 && alg != MN_HASH_SHA1) {
        mn_err_set(err, MN_EINVAL, "password: only pbkdf2_sha256 and pbkdf2_sha1 are supported");
        return fail;
    }
    if (salt.len == 0 || memchr(salt.ptr, '$', salt.len)) {
        mn_err_set(err, MN_EINVAL, "password: the salt must be non-empty and must not contain '$'");
        return fail;
    }
    if (iterations == 0)
        iterations = mn_password_iterations();
    if (iterations > MN_PASSWORD_MAX_ITERATIONS) {
        mn_err_set(err, MN_EINVAL, "password: %u iterations is more than the limit %u", iterations,
                   MN_PASSWORD_MAX_ITERATIONS);
        return fail;
    }
    char hash[90];
    size_t hlen;
    if (hash_field(alg, password, salt, iterations, hash, &hlen, err))
        return fail;
    char *s = mn_arena_sprintf(a, "%s$%u$%.*s$%.*s", algorithm_name(alg), iterations, MN_STR_FMT(salt),
                               (int)hlen, hash);
    if (!s) {
        mn_err_set(err, MN_ENOMEM, "password: out of memory");
        return fail;
    }
    return mn_str_from(s);
}

mn_str mn_password_make(mn_arena *a, mn_str password, mn_err *err)
{
    mn_arena_mark mark = mn_arena_mark_get(a);
    mn_str salt = mn_crypto_random_string(a, MN_PASSWORD_SALT_LEN, MN_STR_EMPTY, err);
    if (!salt.ptr)
        return salt;
    char saltbuf[MN_PASSWORD_SALT_LEN];
    memcpy(saltbuf, salt.ptr, sizeof saltbuf);
    mn_arena_rewind(a, mark);
    return mn_password_encode(a, password, (mn_str){ saltbuf, sizeof saltbuf }, MN_HASH_SHA256, 0, err);
}

mn_str mn_password_make_unusable(mn_arena *a, mn_err *err)
{
    char buf[1 + MN_PASSWORD_UNUSABLE_SUFFIX_LEN + 1];
    mn_arena_mark mark = mn_arena_mark_get(a);
    mn_str tail = mn_crypto_random_string(a, MN_PASSWORD_UNUSABLE_SUFFIX_LEN, MN_STR_EMPTY, err);
    if (!tail.ptr)
        return tail;
    buf[0] = MN_PASSWORD_UNUSABLE_PREFIX[0];
    memcpy(buf + 1, tail.ptr, MN_PASSWORD_UNUSABLE_SUFFIX_LEN);
    mn_arena_rewind(a, mark);
    mn_str s = mn_str_clone(a, (mn_str){ buf, sizeof buf - 1 });
    if (!s.ptr)
        mn_err_set(err, MN_ENOMEM, "password: out of memory");
    return s;
}

bool mn_password_is_usable(mn_str encoded)
{
    return !(encoded.len > 0 && encoded.ptr[0] == MN_PASSWORD_UNUSABLE_PREFIX[0]);
}

/* Django formats the iteration count with %d and compares whole encoded
 * strings, so only the canonical decimal form can ever verify. */
static int parse_iterations(mn_str s, uint32_t *out)
{
    if (s.len == 0 || s.ptr[0] == '0')
        return MN_EINVAL;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return MN_EINVAL;
        if (v <= MN_PASSWORD_MAX_ITERATIONS)
            v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    }
    if (v > MN_PASSWORD_MAX_ITERATIONS)
        return MN_ERANGE;
    *out = (uint32_t)v;
    return MN_OK;
}

int mn_password_decode(mn_str encoded, mn_password_info *out, mn_err *err)
{
    if (!mn_password_is_usable(encoded))
        return mn_err_set(err, MN_EINVAL, "password: the password is unusable (set_unusable_password)");
    mn_str algorithm, rest;
    if (!mn_str_split_once(encoded, '$', &algorithm, &rest) || algorithm.len == 0)
        return mn_err_set(err, MN_EINVAL, "password: the hash has no algorithm prefix (algorithm$...)");
    mn_hash_alg alg;
    if (mn_str_eq_cstr(algorithm, "pbkdf2_sha256"))
        alg = MN_HASH_SHA256;
    else if (mn_str_eq_cstr(algorithm, "pbkdf2_sha1"))
        alg = MN_HASH_SHA1;
    else
        return mn_err_set(err, MN_EINVAL, "password: unknown password hashing algorithm '%.*s'",
                          (int)(algorithm.len > 40 ? 40 : algorithm.len), algorithm.ptr);
    mn_str iters, salt, hash;
    if (!mn_str_split_once(rest, '$', &iters, &rest) || !mn_str_split_once(rest, '$', &salt, &hash))
        return mn_err_set(err, MN_EINVAL, "password: %.*s hash needs 4 fields separated by '$'",
                          MN_STR_FMT(algorithm));
    int rc = parse_iterations(iters, &out->iterations);
    if (rc == MN_ERANGE)
        return mn_err_set(err, MN_EINVAL, "password: iteration count is above the limit %u",
                          MN_PASSWORD_MAX_ITERATIONS);
    if (rc)
        return mn_err_set(err, MN_EINVAL, "password: invalid iteration count '%.*s'",
                          (int)(iters.len > 20 ? 20 : iters.len), iters.ptr);
    if (salt.len == 0)
        return mn_err_set(err, MN_EINVAL, "password: empty salt");
    if (hash.len == 0)
        return mn_err_set(err, MN_EINVAL, "password: empty hash");
    out->alg = alg;
    out->algorithm = algorithm;
    out->salt = salt;
    out->hash = hash;
    return MN_OK;
}

/* Django measures salt entropy as len(salt) * log2(62) >= 128 bits, which
 * holds from 22 characters on. */
static bool salt_is_weak(mn_str salt)
{
    size_t chars = 0;
    for (size_t i = 0; i < salt.len; i++)
        chars += ((unsigned char)salt.ptr[i] & 0xC0) != 0x80;
    return chars < MN_PASSWORD_SALT_LEN;
}

static bool needs_update(const mn_password_info *info)
{
    return info->alg != MN_HASH_SHA256 || info->iterations != mn_password_iterations() ||
           salt_is_weak(info->salt);
}

bool mn_password_must_update(mn_str encoded)
{
    mn_password_info info = { 0 };
    if (mn_password_decode(encoded, &info, NULL))
        return false;
    return needs_update(&info);
}

/* Spends the time of hashing a password with the default hasher. */
static void burn_default_hash(mn_str password, uint32_t iterations)
{
    uint8_t dk[32];
    mn_crypto_pbkdf2(MN_HASH_SHA256, password, MN_STR("manouche.fake.runtime.salt"), iterations, dk,
                     sizeof dk, NULL);
    OPENSSL_cleanse(dk, sizeof dk);
}

bool mn_password_check(mn_str password, mn_str encoded, bool *must_update)
{
    if (must_update)
        *must_update = false;
    uint32_t current = mn_password_iterations();
    mn_password_info info = { 0 };
    if (mn_password_decode(encoded, &info, NULL)) {
        /* Unusable or unknown: as slow as a real check (Django #20760). */
        burn_default_hash(password, current);
        return false;
    }
    char hash[90];
    size_t hlen;
    if (hash_field(info.alg, password, info.salt, info.iterations, hash, &hlen, NULL))
        return false;
    bool correct = mn_crypto_equal(info.hash, (mn_str){ hash, hlen });
    bool update = needs_update(&info);
    /* A wrong password against a cheaper hash: spend the missing iterations
     * so that old hashes cannot be told apart by timing. */
    if (!correct && info.alg == MN_HASH_SHA256 && update && current > info.iterations)
        burn_default_hash(password, current - info.iterations);
    if (must_update)
        *must_update = correct && update;
    return correct;
}
