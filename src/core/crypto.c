/* Cryptographic primitives on OpenSSL 3: digests, HMAC, Django's salted_hmac,
 * PBKDF2, secure randomness, constant-time comparison, base64, hex, base62. */
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <unistr.h>
#include "crypto_internal.h"
#include "manouche/crypto.h"

/* OpenSSL may refuse NULL pointers even for zero lengths. */
static const void *bytes_of(mn_str s)
{
    return s.ptr ? (const void *)s.ptr : (const void *)"";
}

/* OpenSSL 3 looks algorithms up on every use of EVP_sha256() & co. (an
 * "implicit fetch" that costs more than hashing a short value), so the
 * digests are fetched once per process and kept. */
static EVP_MD *g_md[3];
static pthread_once_t g_md_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
    g_md[MN_HASH_SHA256] = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    g_md[MN_HASH_SHA1] = EVP_MD_fetch(NULL, "SHA1", NULL);
    g_md[MN_HASH_SHA512] = EVP_MD_fetch(NULL, "SHA2-512", NULL);
}

static const EVP_MD *md_of(mn_hash_alg alg)
{
    if ((unsigned)alg > MN_HASH_SHA512)
        return NULL;
    pthread_once(&g_md_once, fetch_digests);
    if (g_md[alg])
        return g_md[alg];
    switch (alg) {
    case MN_HASH_SHA256: return EVP_sha256();
    case MN_HASH_SHA1: return EVP_sha1();
    case MN_HASH_SHA512: return EVP_sha512();
    }
    return NULL;
}

/* Input block size of the hash, for HMAC's padding. */
static size_t block_size(mn_hash_alg alg)
{
    return alg == MN_HASH_SHA512 ? 128 : 64;
}

/* hash(parts[0] + parts[1] + ...) into out with a caller's context. */
static size_t digest_parts(EVP_MD_CTX *ctx, const EVP_MD *md, const mn_str *parts, size_t n,
                           uint8_t out[MN_HASH_MAX_SIZE])
{
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].len && EVP_DigestUpdate(ctx, parts[i].ptr, parts[i].len) != 1)
            return 0;
    }
    if (EVP_DigestFinal_ex(ctx, out, &len) != 1)
        return 0;
    return len;
}

/* HMAC (RFC 2104) built on digest_parts: hash((K ^ opad) + hash((K ^ ipad) +
 * msg)), K being the key, or its hash when longer than a block. */
static size_t hmac_ctx(EVP_MD_CTX *ctx, mn_hash_alg alg, const EVP_MD *md, mn_str key, mn_str msg,
                       uint8_t out[MN_HASH_MAX_SIZE])
{
    size_t bs = block_size(alg), n = 0;
    uint8_t k[128] = { 0 }, pad[128], inner[MN_HASH_MAX_SIZE];
    if (key.len > bs) {
        if (!digest_parts(ctx, md, &key, 1, k))
            goto done;
    } else if (key.len) {
        memcpy(k, key.ptr, key.len);
    }
    for (size_t i = 0; i < bs; i++)
        pad[i] = k[i] ^ 0x36;
    mn_str in1[2] = { { (const char *)pad, bs }, msg };
    size_t ilen = digest_parts(ctx, md, in1, 2, inner);
    if (!ilen)
        goto done;
    for (size_t i = 0; i < bs; i++)
        pad[i] = k[i] ^ 0x5c;
    mn_str in2[2] = { { (const char *)pad, bs }, { (const char *)inner, ilen } };
    n = digest_parts(ctx, md, in2, 2, out);
done:
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(inner, sizeof inner);
    return n;
}

static mn_str fail_str(mn_err *err, int code, const char *what)
{
    mn_err_set(err, code, "%s", what);
    return (mn_str){ NULL, 0 };
}

size_t mn_hash_size(mn_hash_alg alg)
{
    switch (alg) {
    case MN_HASH_SHA256: return 32;
    case MN_HASH_SHA1: return 20;
    case MN_HASH_SHA512: return 64;
    }
    return 0;
}

const char *mn_hash_name(mn_hash_alg alg)
{
    switch (alg) {
    case MN_HASH_SHA256: return "sha256";
    case MN_HASH_SHA1: return "sha1";
    case MN_HASH_SHA512: return "sha512";
    }
    return "?";
}

int mn_hash_from_name(mn_str name, mn_hash_alg *out, mn_err *err)
{
    static const mn_hash_alg all[] = { MN_HASH_SHA256, MN_HASH_SHA1, MN_HASH_SHA512 };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (mn_str_eq_cstr(name, mn_hash_name(all[i]))) {
            *out = all[i];
            return MN_OK;
        }
    }
    return mn_err_set(err, MN_EINVAL, "'%.*s' is not a supported hash algorithm (sha1, sha256, sha512)",
                      (int)(name.len > 64 ? 64 : name.len), name.ptr ? name.ptr : "");
}

size_t mn_hash_digest(mn_hash_alg alg, mn_str data, uint8_t out[MN_HASH_MAX_SIZE])
{
    const EVP_MD *md = md_of(alg);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (!ctx)
        return 0;
    size_t n = digest_parts(ctx, md, &data, 1, out);
    EVP_MD_CTX_free(ctx);
    return n;
}

size_t mn_hmac_digest(mn_hash_alg alg, mn_str key, mn_str msg, uint8_t out[MN_HASH_MAX_SIZE])
{
    const EVP_MD *md = md_of(alg);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (!ctx)
        return 0;
    size_t n = hmac_ctx(ctx, alg, md, key, msg, out);
    EVP_MD_CTX_free(ctx);
    return n;
}

size_t mn__salted_hmac2(mn_hash_alg alg, mn_str salt1, mn_str salt2, mn_str value, mn_str secret,
                        uint8_t out[MN_HASH_MAX_SIZE])
{
    const EVP_MD *md = md_of(alg);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (!ctx)
        return 0;
    /* key = hash(key_salt + secret), always, even when short enough to be
     * used directly: Django does it this way. */
    uint8_t key[MN_HASH_MAX_SIZE];
    mn_str parts[3] = { salt1, salt2, secret };
    size_t klen = digest_parts(ctx, md, parts, 3, key);
    size_t n = klen ? hmac_ctx(ctx, alg, md, (mn_str){ (const char *)key, klen }, value, out) : 0;
    EVP_MD_CTX_free(ctx);
    OPENSSL_cleanse(key, sizeof key);
    return n;
}

size_t mn_crypto_salted_hmac(mn_hash_alg alg, mn_str key_salt, mn_str value, mn_str secret,
                             uint8_t out[MN_HASH_MAX_SIZE])
{
    return mn__salted_hmac2(alg, key_salt, MN_STR_EMPTY, value, secret, out);
}

mn_str mn_crypto_salted_hmac_hex(mn_arena *a, mn_hash_alg alg, mn_str key_salt, mn_str value,
                                 mn_str secret, mn_err *err)
{
    uint8_t mac[MN_HASH_MAX_SIZE];
    size_t n = mn_crypto_salted_hmac(alg, key_salt, value, secret, mac);
    if (!n)
        return fail_str(err, MN_EINVAL, "salted_hmac: unsupported hash algorithm");
    return mn_hex_encode(a, mac, n, err);
}

int mn_crypto_pbkdf2(mn_hash_alg alg, mn_str password, mn_str salt, uint32_t iterations,
                     uint8_t *out, size_t dklen, mn_err *err)
{
    const EVP_MD *md = md_of(alg);
    if (!md)
        return mn_err_set(err, MN_EINVAL, "pbkdf2: unsupported hash algorithm");
    if (iterations < 1 || iterations > INT_MAX)
        return mn_err_set(err, MN_EINVAL, "pbkdf2: iteration count %u out of range", iterations);
    if (dklen < 1 || dklen > 1024)
        return mn_err_set(err, MN_EINVAL, "pbkdf2: key length %zu out of range (1..1024)", dklen);
    if (password.len > INT_MAX || salt.len > INT_MAX)
        return mn_err_set(err, MN_EINVAL, "pbkdf2: password or salt too long");
    if (PKCS5_PBKDF2_HMAC(bytes_of(password), (int)password.len, bytes_of(salt), (int)salt.len,
                          (int)iterations, md, (int)dklen, out) != 1)
        return mn_err_set(err, MN_EINVAL, "pbkdf2: OpenSSL failed");
    return MN_OK;
}

/* ---- randomness ---- */

int mn_crypto_random_bytes(void *out, size_t n, mn_err *err)
{
    unsigned char *p = out;
    while (n > 0) {
        int chunk = n > (1u << 20) ? (1 << 20) : (int)n;
        if (RAND_bytes(p, chunk) != 1) {
            char msg[160];
            ERR_error_string_n(ERR_get_error(), msg, sizeof msg);
            return mn_err_set(err, MN_EIO, "random bytes: RAND_bytes failed: %s", msg);
        }
        p += chunk;
        n -= (size_t)chunk;
    }
    return MN_OK;
}

/* Unbiased random integers below bound, drawn from a refillable pool of
 * random words. */
typedef struct rand_pool {
    uint32_t words[64];
    size_t next;
} rand_pool;

static int pool_below(rand_pool *p, uint32_t bound, uint32_t *out, mn_err *err)
{
    /* Largest multiple of bound that fits: values at or above it are
     * rejected so that every result is equally likely. */
    uint64_t span = (uint64_t)UINT32_MAX + 1;
    uint64_t limit = span - span % bound;
    for (;;) {
        if (p->next == sizeof p->words / sizeof p->words[0]) {
            int rc = mn_crypto_random_bytes(p->words, sizeof p->words, err);
            if (rc)
                return rc;
            p->next = 0;
        }
        uint32_t w = p->words[p->next++];
        if (w < limit) {
            *out = w % bound;
            return MN_OK;
        }
    }
}

mn_str mn_crypto_random_string(mn_arena *a, size_t length, mn_str allowed_chars, mn_err *err)
{
    if (allowed_chars.len == 0)
        allowed_chars = MN_STR(MN_RANDOM_STRING_CHARS);
    const uint8_t *chars = (const uint8_t *)allowed_chars.ptr;
    if (u8_check(chars, allowed_chars.len) != NULL)
        return fail_str(err, MN_EINVAL, "get_random_string: allowed_chars is not valid UTF-8");
    if (allowed_chars.len > UINT32_MAX)
        return fail_str(err, MN_EINVAL, "get_random_string: allowed_chars is too long");

    /* Offsets of the code points, so that each is one choice. */
    size_t count = u8_mbsnlen(chars, allowed_chars.len);
    bool ascii = count == allowed_chars.len;
    uint32_t *starts = NULL;
    size_t maxw = 1;
    if (!ascii) {
        starts = mn_arena_alloc(a, (count + 1) * sizeof *starts);
        if (!starts)
            return fail_str(err, MN_ENOMEM, "get_random_string: out of memory");
        size_t off = 0;
        for (size_t i = 0; i < count; i++) {
            starts[i] = (uint32_t)off;
            int w = u8_mblen(chars + off, allowed_chars.len - off);
            off += (size_t)w;
        }
        starts[count] = (uint32_t)off;
        maxw = 4;
    }
    if (length > (SIZE_MAX - 1) / maxw)
        return fail_str(err, MN_ENOMEM, "get_random_string: length too large");
    char *out = mn_arena_alloc(a, length * maxw + 1);
    if (!out)
        return fail_str(err, MN_ENOMEM, "get_random_string: out of memory");
    rand_pool pool = { .next = sizeof pool.words / sizeof pool.words[0] };
    size_t len = 0;
    for (size_t i = 0; i < length; i++) {
        uint32_t k;
        if (pool_below(&pool, (uint32_t)count, &k, err)) {
            OPENSSL_cleanse(&pool, sizeof pool);
            return (mn_str){ NULL, 0 };
        }
        if (ascii) {
            out[len++] = (char)chars[k];
        } else {
            size_t w = starts[k + 1] - starts[k];
            memcpy(out + len, chars + starts[k], w);
            len += w;
        }
    }
    OPENSSL_cleanse(&pool, sizeof pool);
    out[len] = '\0';
    return (mn_str){ out, len };
}

mn_str mn_crypto_token_hex(mn_arena *a, size_t nbytes, mn_err *err)
{
    uint8_t stackbuf[64];
    uint8_t *raw = nbytes <= sizeof stackbuf ? stackbuf : mn_arena_alloc(a, nbytes);
    if (!raw)
        return fail_str(err, MN_ENOMEM, "token_hex: out of memory");
    if (mn_crypto_random_bytes(raw, nbytes, err))
        return (mn_str){ NULL, 0 };
    mn_str s = mn_hex_encode(a, raw, nbytes, err);
    OPENSSL_cleanse(raw, nbytes);
    return s;
}

mn_str mn_crypto_token_urlsafe(mn_arena *a, size_t nbytes, mn_err *err)
{
    uint8_t stackbuf[64];
    uint8_t *raw = nbytes <= sizeof stackbuf ? stackbuf : mn_arena_alloc(a, nbytes);
    if (!raw)
        return fail_str(err, MN_ENOMEM, "token_urlsafe: out of memory");
    if (mn_crypto_random_bytes(raw, nbytes, err))
        return (mn_str){ NULL, 0 };
    mn_str s = mn_base64_encode(a, raw, nbytes, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, err);
    OPENSSL_cleanse(raw, nbytes);
    return s;
}

bool mn_crypto_equal(mn_str a, mn_str b)
{
    /* Like Python's compare_digest: with different lengths, compare a with
     * itself so that the time still depends on the lengths only. */
    const unsigned char *pa = bytes_of(a);
    const unsigned char *pb = a.len == b.len ? bytes_of(b) : pa;
    unsigned char diff = a.len == b.len ? 0 : 1;
    volatile unsigned char acc = 0;
    for (size_t i = 0; i < a.len; i++)
        acc |= pa[i] ^ pb[i];
    return (acc | diff) == 0;
}

/* ---- base64 ---- */

static const char B64_STD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char B64_URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t mn_base64_encoded_len(size_t n, unsigned flags)
{
    if (flags & MN_BASE64_NOPAD)
        return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
    return (n + 2) / 3 * 4;
}

size_t mn__base64_encode_to(char *out, const void *data, size_t n, unsigned flags)
{
    const char *abc = (flags & MN_BASE64_URLSAFE) ? B64_URL : B64_STD;
    const uint8_t *p = data;
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = abc[(v >> 6) & 63];
        out[o++] = abc[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        if (!(flags & MN_BASE64_NOPAD)) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = abc[v >> 18];
        out[o++] = abc[(v >> 12) & 63];
        out[o++] = abc[(v >> 6) & 63];
        if (!(flags & MN_BASE64_NOPAD))
            out[o++] = '=';
    }
    out[o] = '\0';
    return o;
}

mn_str mn_base64_encode(mn_arena *a, const void *data, size_t n, unsigned flags, mn_err *err)
{
    if (n > (SIZE_MAX - 8) / 4 * 3)
        return fail_str(err, MN_ENOMEM, "base64: input too large");
    size_t len = mn_base64_encoded_len(n, flags);
    char *out = mn_arena_alloc(a, len + 1);
    if (!out)
        return fail_str(err, MN_ENOMEM, "base64: out of memory");
    size_t got = mn__base64_encode_to(out, data, n, flags);
    return (mn_str){ out, got };
}

static int b64_value(unsigned char c, bool url)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == (url ? '-' : '+'))
        return 62;
    if (c == (url ? '_' : '/'))
        return 63;
    return -1;
}

static int b64_bad_char(mn_err *err, unsigned char c, size_t at, bool url)
{
    const char *hint = "";
    if (c == '+' || c == '/')
        hint = url ? " (standard alphabet in URL-safe base64)" : "";
    else if (c == '-' || c == '_')
        hint = url ? "" : " (URL-safe alphabet in standard base64)";
    else if (c == '=')
        hint = " (padding before the end)";
    if (c >= 0x20 && c < 0x7f)
        return mn_err_set(err, MN_EPARSE, "base64: invalid character '%c' at offset %zu%s", c, at, hint);
    return mn_err_set(err, MN_EPARSE, "base64: invalid byte 0x%02x at offset %zu", c, at);
}

int mn_base64_decode(mn_arena *a, mn_str text, unsigned flags, mn_str *out, mn_err *err)
{
    bool url = flags & MN_BASE64_URLSAFE;
    const unsigned char *s = (const unsigned char *)bytes_of(text);
    size_t n = text.len, pad = 0;
    *out = (mn_str){ NULL, 0 };
    while (pad < n && pad < 3 && s[n - 1 - pad] == '=')
        pad++;
    size_t body = n - pad;
    if (pad) {
        if (pad > 2 || n % 4 != 0 || body % 4 != 4 - pad)
            return mn_err_set(err, MN_EPARSE, "base64: incorrect padding (%zu '=' after %zu characters)",
                              pad, body);
    } else if (body % 4 != 0 && !(flags & MN_BASE64_NOPAD)) {
        return mn_err_set(err, MN_EPARSE, "base64: length %zu is not a multiple of 4 (missing padding)", n);
    }
    if (body % 4 == 1)
        return mn_err_set(err, MN_EPARSE, "base64: invalid length %zu (one character too many or too few)",
                          body);
    size_t outlen = body / 4 * 3 + (body % 4 ? body % 4 - 1 : 0);
    uint8_t *o = mn_arena_alloc(a, outlen + 1);
    if (!o)
        return mn_err_set(err, MN_ENOMEM, "base64: out of memory");
    size_t w = 0, i = 0;
    for (; i + 4 <= body; i += 4) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int d = b64_value(s[i + k], url);
            if (d < 0)
                return b64_bad_char(err, s[i + k], i + k, url);
            v = v << 6 | (uint32_t)d;
        }
        o[w++] = (uint8_t)(v >> 16);
        o[w++] = (uint8_t)(v >> 8);
        o[w++] = (uint8_t)v;
    }
    size_t rest = body - i;
    if (rest) {
        uint32_t v = 0;
        for (size_t k = 0; k < rest; k++) {
            int d = b64_value(s[i + k], url);
            if (d < 0)
                return b64_bad_char(err, s[i + k], i + k, url);
            v = v << 6 | (uint32_t)d;
        }
        /* rest 2: 12 bits carry 8; rest 3: 18 bits carry 16. */
        unsigned spare = rest == 2 ? 4 : 2;
        if (v & ((1u << spare) - 1))
            return mn_err_set(err, MN_EPARSE, "base64: non-zero unused bits in the last character (offset %zu)",
                              body - 1);
        v >>= spare;
        if (rest == 3)
            o[w++] = (uint8_t)(v >> 8);
        o[w++] = (uint8_t)v;
    }
    o[w] = '\0';
    *out = (mn_str){ (const char *)o, w };
    return MN_OK;
}

/* ---- hex ---- */

mn_str mn_hex_encode(mn_arena *a, const void *data, size_t n, mn_err *err)
{
    static const char digits[] = "0123456789abcdef";
    if (n > (SIZE_MAX - 1) / 2)
        return fail_str(err, MN_ENOMEM, "hex: input too large");
    char *out = mn_arena_alloc(a, 2 * n + 1);
    if (!out)
        return fail_str(err, MN_ENOMEM, "hex: out of memory");
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
    return (mn_str){ out, 2 * n };
}

int mn_hex_decode(mn_arena *a, mn_str text, mn_str *out, mn_err *err)
{
    *out = (mn_str){ NULL, 0 };
    if (text.len % 2)
        return mn_err_set(err, MN_EPARSE, "hex: odd length %zu", text.len);
    uint8_t *o = mn_arena_alloc(a, text.len / 2 + 1);
    if (!o)
        return mn_err_set(err, MN_ENOMEM, "hex: out of memory");
    const unsigned char *s = (const unsigned char *)bytes_of(text);
    for (size_t i = 0; i < text.len; i += 2) {
        int hi = mn_hex_value(s[i]), lo = mn_hex_value(s[i + 1]);
        if (hi < 0 || lo < 0) {
            size_t at = hi < 0 ? i : i + 1;
            return mn_err_set(err, MN_EPARSE, "hex: invalid digit at offset %zu", at);
        }
        o[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    o[text.len / 2] = '\0';
    *out = (mn_str){ (const char *)o, text.len / 2 };
    return MN_OK;
}

/* ---- base62 (django.utils.baseconv.base62) ---- */

static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

size_t mn_b62_encode(int64_t v, char out[MN_B62_MAX])
{
    char tmp[MN_B62_MAX];
    size_t n = 0, o = 0;
    uint64_t x = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = B62[x % 62];
        x /= 62;
    } while (x);
    if (v < 0)
        out[o++] = '-';
    while (n)
        out[o++] = tmp[--n];
    out[o] = '\0';
    return o;
}

int mn_b62_decode(mn_str s, int64_t *out, mn_err *err)
{
    size_t i = 0;
    bool neg = false;
    if (s.len && s.ptr[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i == s.len)
        return mn_err_set(err, MN_EPARSE, "base62: empty number");
    uint64_t x = 0;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'A' && c <= 'Z')
            d = c - 'A' + 10;
        else if (c >= 'a' && c <= 'z')
            d = c - 'a' + 36;
        else if (c >= 0x20 && c < 0x7f)
            return mn_err_set(err, MN_EPARSE, "base62: invalid digit '%c' at offset %zu", c, i);
        else
            return mn_err_set(err, MN_EPARSE, "base62: invalid byte 0x%02x at offset %zu", c, i);
        if (x > (limit - (uint64_t)d) / 62)
            return mn_err_set(err, MN_ERANGE, "base62: number out of range");
        x = x * 62 + (uint64_t)d;
    }
    if (neg)
        *out = x == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)x;
    else
        *out = (int64_t)x;
    return MN_OK;
}
