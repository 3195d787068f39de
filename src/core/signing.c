/* django.core.signing (Django 3.2) in C: Signer, TimestampSigner, and
 * dumps/loads of JSON text. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "crypto_internal.h"
#include "manouche/json.h"
#include "manouche/signing.h"
#include "manouche/value.h"

/* Longest URL-safe unpadded base64 of a digest (SHA-512: 86 characters). */
#define SIG_MAX 88

/* A signer with Django's defaults filled in. */
typedef struct cfg {
    mn_str key;
    mn_str salt;
    mn_str sep;
    mn_hash_alg alg;
    bool legacy;
    size_t max_decompressed;
    double now;
} cfg;

/* Django's _SEP_UNSAFE: ^[A-z0-9-_=]*$ (A-z spans the ASCII range between
 * 'A' and 'z', punctuation included). */
static bool sep_is_unsafe(mn_str sep)
{
    for (size_t i = 0; i < sep.len; i++) {
        char c = sep.ptr[i];
        if (!((c >= 'A' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '='))
            return false;
    }
    return true;
}

static int resolve(const mn_signer *s, const char *default_salt, cfg *c, mn_err *err)
{
    if (!s || s->key.len == 0)
        return mn_err_set(err, MN_EINVAL, "signing: the key (SECRET_KEY) is empty");
    c->key = s->key;
    c->salt = s->salt.len ? s->salt : mn_str_from(default_salt);
    c->sep = s->sep.len ? s->sep : MN_STR(":");
    if (sep_is_unsafe(c->sep))
        return mn_err_set(err, MN_EINVAL,
                          "signing: unsafe Signer separator '%.*s' (cannot be empty or consist of only A-z0-9-_=)",
                          (int)(c->sep.len > 40 ? 40 : c->sep.len), c->sep.ptr);
    c->alg = s->algorithm;
    if (mn_hash_size(c->alg) == 0)
        return mn_err_set(err, MN_EINVAL, "signing: unknown hash algorithm %d", (int)s->algorithm);
    c->legacy = !s->reject_legacy_sha1 && c->alg != MN_HASH_SHA1;
    c->max_decompressed = s->max_decompressed ? s->max_decompressed : MN_SIGNING_MAX_DECOMPRESSED;
    if (s->now != 0) {
        c->now = s->now;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        c->now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    }
    return MN_OK;
}

/* base64_hmac(salt + "signer", value, key, alg) into out; returns length. */
static size_t signature(const cfg *c, mn_hash_alg alg, mn_str value, char out[SIG_MAX])
{
    uint8_t mac[MN_HASH_MAX_SIZE];
    size_t n = mn__salted_hmac2(alg, c->salt, MN_STR("signer"), value, c->key, mac);
    if (!n)
        return 0;
    return mn__base64_encode_to(out, mac, n, MN_BASE64_URLSAFE | MN_BASE64_NOPAD);
}

/* Index of the last occurrence of needle in s, or -1. */
static ptrdiff_t rfind(mn_str s, mn_str needle)
{
    if (needle.len == 0 || needle.len > s.len)
        return -1;
    for (size_t i = s.len - needle.len + 1; i-- > 0;) {
        if (memcmp(s.ptr + i, needle.ptr, needle.len) == 0)
            return (ptrdiff_t)i;
    }
    return -1;
}

static int64_t timestamp_now(const cfg *c)
{
    double t = floor(c->now);
    if (!(t >= -9.0e18 && t <= 9.0e18))
        return 0;
    return (int64_t)t;
}

/* The part a signer appends: sep [timestamp sep] signature. buf holds the
 * value in its first vlen bytes and has room for the tail (tail_room). */
static size_t tail_room(const cfg *c, bool timestamped)
{
    return c->sep.len + (timestamped ? MN_B62_MAX + c->sep.len : 0) + SIG_MAX + 1;
}

static int append_signature(const cfg *c, char *buf, size_t vlen, bool timestamped, size_t *total,
                            mn_err *err)
{
    size_t len = vlen;
    if (timestamped) {
        memcpy(buf + len, c->sep.ptr, c->sep.len);
        len += c->sep.len;
        len += mn_b62_encode(timestamp_now(c), buf + len);
    }
    char sig[SIG_MAX];
    size_t slen = signature(c, c->alg, (mn_str){ buf, len }, sig);
    if (!slen)
        return mn_err_set(err, MN_EINVAL, "signing: HMAC computation failed");
    memcpy(buf + len, c->sep.ptr, c->sep.len);
    len += c->sep.len;
    memcpy(buf + len, sig, slen);
    len += slen;
    buf[len] = '\0';
    *total = len;
    return MN_OK;
}

static mn_str sign_value(const mn_signer *s, mn_arena *a, mn_str value, bool timestamped,
                         const char *default_salt, mn_err *err)
{
    cfg c;
    if (resolve(s, default_salt, &c, err))
        return (mn_str){ NULL, 0 };
    size_t room = tail_room(&c, timestamped);
    if (value.len > SIZE_MAX - room) {
        mn_err_set(err, MN_ENOMEM, "signing: value too large");
        return (mn_str){ NULL, 0 };
    }
    char *buf = mn_arena_alloc(a, value.len + room);
    if (!buf) {
        mn_err_set(err, MN_ENOMEM, "signing: out of memory");
        return (mn_str){ NULL, 0 };
    }
    if (value.len)
        memcpy(buf, value.ptr, value.len);
    size_t total;
    if (append_signature(&c, buf, value.len, timestamped, &total, err))
        return (mn_str){ NULL, 0 };
    return (mn_str){ buf, total };
}

/* Signer.unsign with a resolved configuration. */
static int unsign_value(const cfg *c, mn_str signed_value, mn_str *value, mn_err *err)
{
    ptrdiff_t at = rfind(signed_value, c->sep);
    if (at < 0)
        return mn_err_set(err, MN_ESIGNATURE, "No \"%.*s\" found in value", MN_STR_FMT(c->sep));
    mn_str v = mn_str_slice(signed_value, 0, (size_t)at);
    mn_str sig = mn_str_slice(signed_value, (size_t)at + c->sep.len, signed_value.len);
    char expect[SIG_MAX];
    size_t elen = signature(c, c->alg, v, expect);
    if (elen && mn_crypto_equal(sig, (mn_str){ expect, elen })) {
        *value = v;
        return MN_OK;
    }
    if (c->legacy) {
        elen = signature(c, MN_HASH_SHA1, v, expect);
        if (elen && mn_crypto_equal(sig, (mn_str){ expect, elen })) {
            *value = v;
            return MN_OK;
        }
    }
    return mn_err_set(err, MN_ESIGNATURE, "Signature \"%.*s\" does not match",
                      (int)(sig.len > 100 ? 100 : sig.len), sig.ptr);
}

static int unsign_timestamped(const cfg *c, mn_str signed_value, int64_t max_age, mn_str *value,
                              int64_t *timestamp, mn_err *err)
{
    mn_str inner;
    int rc = unsign_value(c, signed_value, &inner, err);
    if (rc)
        return rc;
    ptrdiff_t at = rfind(inner, c->sep);
    if (at < 0)
        return mn_err_set(err, MN_EPARSE, "signing: the signed value has no timestamp");
    int64_t ts;
    mn_err sub = { 0 };
    if (mn_b62_decode(mn_str_slice(inner, (size_t)at + c->sep.len, inner.len), &ts, &sub))
        return mn_err_set(err, MN_EPARSE, "signing: bad timestamp: %s", sub.msg);
    if (max_age >= 0) {
        double age = c->now - (double)ts;
        if (age > (double)max_age) {
            mn_buf b;
            mn_buf_init(&b, NULL, 64);
            mn_buf_put_double_repr(&b, age);
            mn_err_set(err, MN_EEXPIRED, "Signature age %s > %lld seconds", mn_buf_cstr(&b),
                       (long long)max_age);
            mn_buf_free(&b);
            return MN_EEXPIRED;
        }
    }
    *value = mn_str_slice(inner, 0, (size_t)at);
    if (timestamp)
        *timestamp = ts;
    return MN_OK;
}

mn_str mn_signer_signature(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err)
{
    cfg c;
    if (resolve(s, "django.core.signing.Signer", &c, err))
        return (mn_str){ NULL, 0 };
    char sig[SIG_MAX];
    size_t n = signature(&c, c.alg, value, sig);
    mn_str out = mn_str_clone(a, (mn_str){ sig, n });
    if (!out.ptr)
        mn_err_set(err, MN_ENOMEM, "signing: out of memory");
    return out;
}

mn_str mn_signer_sign(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err)
{
    return sign_value(s, a, value, false, "django.core.signing.Signer", err);
}

int mn_signer_unsign(const mn_signer *s, mn_str signed_value, mn_str *value, mn_err *err)
{
    cfg c;
    int rc = resolve(s, "django.core.signing.Signer", &c, err);
    return rc ? rc : unsign_value(&c, signed_value, value, err);
}

mn_str mn_timestamp_signer_sign(const mn_signer *s, mn_arena *a, mn_str value, mn_err *err)
{
    return sign_value(s, a, value, true, "django.core.signing.TimestampSigner", err);
}

int mn_timestamp_signer_unsign(const mn_signer *s, mn_str signed_value, int64_t max_age, mn_str *value,
                               int64_t *timestamp, mn_err *err)
{
    cfg c;
    int rc = resolve(s, "django.core.signing.TimestampSigner", &c, err);
    return rc ? rc : unsign_timestamped(&c, signed_value, max_age, value, timestamp, err);
}

/* ---- objects: [.]base64(json or zlib(json)) ---- */

static mn_str sign_object(const mn_signer *s, mn_arena *a, mn_str json, bool compress, bool timestamped,
                          const char *default_salt, mn_err *err)
{
    cfg c;
    if (resolve(s, default_salt, &c, err))
        return (mn_str){ NULL, 0 };
    const void *data = json.ptr ? json.ptr : "";
    size_t dlen = json.len;
    uint8_t *z = NULL;
    bool compressed = false;
    if (compress && json.len > 1) {
        uLong bound = compressBound((uLong)json.len);
        uLongf zlen = bound;
        z = malloc(bound);
        if (!z) {
            mn_err_set(err, MN_ENOMEM, "signing: out of memory");
            return (mn_str){ NULL, 0 };
        }
        if (json.len <= ULONG_MAX && compress2(z, &zlen, data, (uLong)json.len, Z_DEFAULT_COMPRESSION) == Z_OK &&
            zlen < json.len - 1) {
            /* Only when it helps, by Django's rule. */
            data = z;
            dlen = zlen;
            compressed = true;
        }
    }
    mn_str out = { NULL, 0 };
    size_t b64 = mn_base64_encoded_len(dlen, MN_BASE64_NOPAD);
    size_t room = tail_room(&c, timestamped);
    if (b64 > SIZE_MAX - room - 1) {
        mn_err_set(err, MN_ENOMEM, "signing: value too large");
        goto done;
    }
    char *buf = mn_arena_alloc(a, 1 + b64 + room);
    if (!buf) {
        mn_err_set(err, MN_ENOMEM, "signing: out of memory");
        goto done;
    }
    size_t vlen = 0;
    if (compressed)
        buf[vlen++] = '.';
    vlen += mn__base64_encode_to(buf + vlen, data, dlen, MN_BASE64_URLSAFE | MN_BASE64_NOPAD);
    size_t total;
    if (append_signature(&c, buf, vlen, timestamped, &total, err) == MN_OK)
        out = (mn_str){ buf, total };
done:
    free(z);
    return out;
}

/* zlib.decompress, bounded: a payload that inflates past limit bytes is an
 * error (MN_ELIMIT), whatever its compression ratio. */
static int inflate_bounded(mn_arena *a, mn_str in, size_t limit, mn_str *out, mn_err *err)
{
    if (in.len > UINT_MAX)
        return mn_err_set(err, MN_ELIMIT, "signing: compressed payload too large");
    if (limit > SIZE_MAX / 2)
        limit = SIZE_MAX / 2;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return mn_err_set(err, MN_ENOMEM, "signing: zlib initialisation failed");
    z.next_in = (Bytef *)(uintptr_t)in.ptr;
    z.avail_in = (uInt)in.len;
    mn_buf b;
    /* One byte beyond the limit tells "exactly limit" from "more". */
    mn_buf_init(&b, a, limit + 1);
    size_t chunk = in.len * 4 + 64;
    int rc = MN_OK;
    for (;;) {
        size_t room = limit + 1 - b.len;
        size_t want = chunk < room ? chunk : room;
        if (want > UINT_MAX)
            want = UINT_MAX;
        char *p = mn_buf_reserve(&b, want);
        if (!p) {
            rc = mn_err_set(err, MN_ENOMEM, "signing: out of memory while decompressing");
            break;
        }
        z.next_out = (Bytef *)p;
        z.avail_out = (uInt)want;
        int zr = inflate(&z, Z_NO_FLUSH);
        mn_buf_commit(&b, want - z.avail_out);
        if (b.len > limit) {
            rc = mn_err_set(err, MN_ELIMIT, "signing: decompressed payload exceeds %zu bytes", limit);
            break;
        }
        if (zr == Z_STREAM_END) {
            if (z.avail_in != 0)
                rc = mn_err_set(err, MN_EPARSE, "signing: %u bytes of trailing data after the zlib stream",
                                z.avail_in);
            break;
        }
        if (zr == Z_BUF_ERROR && z.avail_in == 0) {
            rc = mn_err_set(err, MN_EPARSE, "signing: incomplete or truncated zlib stream");
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = mn_err_set(err, MN_EPARSE, "signing: invalid zlib data: %s", z.msg ? z.msg : "error");
            break;
        }
        if (chunk < ((size_t)1 << 20))
            chunk *= 2;
    }
    inflateEnd(&z);
    if (rc == MN_OK)
        *out = mn_buf_str(&b);
    return rc;
}

static int decode_object(const cfg *c, mn_arena *a, mn_str base64d, mn_str *json, mn_err *err)
{
    bool decompress = base64d.len > 0 && base64d.ptr[0] == '.';
    if (decompress)
        base64d = mn_str_slice(base64d, 1, base64d.len);
    mn_str data;
    int rc = mn_base64_decode(a, base64d, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, &data, err);
    if (rc) {
        mn_err_prefix(err, "signing: ");
        return rc;
    }
    if (!decompress) {
        *json = data;
        return MN_OK;
    }
    return inflate_bounded(a, data, c->max_decompressed, json, err);
}

mn_str mn_signer_sign_object_text(const mn_signer *s, mn_arena *a, mn_str json, bool compress, mn_err *err)
{
    return sign_object(s, a, json, compress, false, "django.core.signing.Signer", err);
}

int mn_signer_unsign_object_text(const mn_signer *s, mn_arena *a, mn_str signed_obj, mn_str *json,
                                 mn_err *err)
{
    cfg c;
    mn_str base64d;
    int rc = resolve(s, "django.core.signing.Signer", &c, err);
    if (!rc)
        rc = unsign_value(&c, signed_obj, &base64d, err);
    return rc ? rc : decode_object(&c, a, base64d, json, err);
}

mn_str mn_signing_dumps_text(const mn_signer *s, mn_arena *a, mn_str json, bool compress, mn_err *err)
{
    return sign_object(s, a, json, compress, true, "django.core.signing", err);
}

int mn_signing_loads_text(const mn_signer *s, mn_arena *a, mn_str signed_obj, int64_t max_age, mn_str *json,
                          mn_err *err)
{
    cfg c;
    mn_str base64d;
    int rc = resolve(s, "django.core.signing", &c, err);
    if (!rc)
        rc = unsign_timestamped(&c, signed_obj, max_age, &base64d, NULL, err);
    return rc ? rc : decode_object(&c, a, base64d, json, err);
}

int mn_signing_cookie_signer(mn_arena *a, mn_str secret_key, mn_str salt, mn_signer *out, mn_err *err)
{
    if (secret_key.len == 0)
        return mn_err_set(err, MN_EINVAL, "signing: the key (SECRET_KEY) is empty");
    static const char prefix[] = "django.http.cookies";
    size_t plen = sizeof prefix - 1;
    if (secret_key.len > SIZE_MAX - plen)
        return mn_err_set(err, MN_ENOMEM, "signing: key too large");
    char *key = mn_arena_alloc(a, plen + secret_key.len);
    if (!key)
        return mn_err_set(err, MN_ENOMEM, "signing: out of memory");
    memcpy(key, prefix, plen);
    memcpy(key + plen, secret_key.ptr, secret_key.len);
    *out = (mn_signer){ .key = { key, plen + secret_key.len }, .salt = salt };
    if (salt.len == 0)
        out->salt = MN_STR("django.core.signing.get_cookie_signer");
    return MN_OK;
}

/* ---- values: JSONSerializer on top of the text forms ---- */

mn_str mn_signing_dumps(const mn_signer *s, mn_arena *a, mn_value v, bool compress, mn_err *err)
{
    /* Django's JSONSerializer: json.dumps(obj, separators=(',', ':')), which
     * is ASCII-only (ensure_ascii) because loads reads the payload as Latin-1. */
    mn_str json = mn_json_dumps(a, v, MN_JSON_COMPACT | MN_JSON_ENSURE_ASCII, err);
    if (!json.ptr)
        return (mn_str){ NULL, 0 };
    return mn_signing_dumps_text(s, a, json, compress, err);
}

int mn_signing_loads(const mn_signer *s, mn_arena *a, mn_str signed_obj, int64_t max_age, mn_value *out,
                     mn_err *err)
{
    mn_str json;
    int rc = mn_signing_loads_text(s, a, signed_obj, max_age, &json, err);
    if (rc)
        return rc;
    return mn_json_loads(a, json, NULL, out, err);
}
