#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <zlib.h>
#include "manouche.h"

static mn_arena *A;

static void setup(void)
{
    A = mn_arena_new("test", 0);
}

static void teardown(void)
{
    mn_arena_free(A);
}

TestSuite(signing, .init = setup, .fini = teardown);

#define KEY MN_STR("django-insecure-manouche-test-key")
/* 2023-11-14T22:13:20Z, "1r31eq" in base62. */
#define T0 1700000000.0

/* Every expected string below was computed once with Django 3.2.25 and
 * SECRET_KEY = KEY (time.time() patched to T0 for timestamps). */

Test(signing, signer_matches_django)
{
    mn_signer s = { .key = KEY };
    mn_str v = mn_signer_sign(&s, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc");
    mn_str sig = mn_signer_signature(&s, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(sig.ptr, "O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc");
    v = mn_signer_sign(&s, A, MN_STR(""), NULL);
    cr_assert_str_eq(v.ptr, ":VNrrqDxS22JWnOSeB6GJ-bC7nIlu93toGYEgM9RizN4");
    v = mn_signer_sign(&s, A, MN_STR("h\xc3\xa9llo \xe2\x98\x83"), NULL);
    cr_assert_str_eq(v.ptr, "h\xc3\xa9llo \xe2\x98\x83:-xBxp-sCFT7nTwLQqmXPsXBbCZfLnX_jIHXazTjHuwc");

    mn_signer salted = { .key = KEY, .salt = MN_STR("extra") };
    v = mn_signer_sign(&salted, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello:8IHagjQ6_k7bLEgbePxbE42lqawgwxpWUyUWcdfG3_Y");
    mn_signer slash = { .key = KEY, .sep = MN_STR("/") };
    v = mn_signer_sign(&slash, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello/O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc");
    mn_signer s512 = { .key = KEY, .algorithm = MN_HASH_SHA512 };
    v = mn_signer_sign(&s512, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello:-E12PZGPgNp2eP_1HN-aTqfs-rsJy_Zhbam4KWIWiUMOTnZ8QhJZOSIYB_74g2ZQiB11T9pxIbRsoQhJWJuVaw");
    mn_signer s1 = { .key = KEY, .algorithm = MN_HASH_SHA1 };
    v = mn_signer_sign(&s1, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello:j7khhx0SVSonv4TjzuBcuIEatIQ");
}

Test(signing, unsign_django_values)
{
    mn_signer s = { .key = KEY };
    mn_str v;
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v, "hello"));
    /* The value itself may hold the separator: the last one splits. */
    mn_str signed_value = mn_signer_sign(&s, A, MN_STR("a:b:c"), NULL);
    cr_assert_eq(mn_signer_unsign(&s, signed_value, &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v, "a:b:c"));
    mn_signer slash = { .key = KEY, .sep = MN_STR("/") };
    cr_assert_eq(mn_signer_unsign(&slash, MN_STR("hello/O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v, "hello"));
}

Test(signing, legacy_sha1_signatures)
{
    /* Django 3.2 still accepts SHA-1 signatures from Django 3.1. */
    mn_signer s = { .key = KEY };
    mn_str v;
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello:j7khhx0SVSonv4TjzuBcuIEatIQ"), &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v, "hello"));
    s.reject_legacy_sha1 = true;
    mn_err err = { 0 };
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello:j7khhx0SVSonv4TjzuBcuIEatIQ"), &v, &err), MN_ESIGNATURE);
}

Test(signing, bad_signatures)
{
    mn_signer s = { .key = KEY };
    mn_str v = MN_STR("untouched");
    mn_err err = { 0 };
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello"), &v, &err), MN_ESIGNATURE);
    cr_assert_str_eq(err.msg, "No \":\" found in value");
    cr_assert(mn_str_eq_cstr(v, "untouched"));
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zd"), &v, &err),
                 MN_ESIGNATURE);
    cr_assert_str_eq(err.msg, "Signature \"O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zd\" does not match");
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hellO:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &v, &err),
                 MN_ESIGNATURE);
    cr_assert_eq(mn_signer_unsign(&s, MN_STR("hello:"), &v, &err), MN_ESIGNATURE);
    cr_assert_eq(mn_signer_unsign(&s, MN_STR(":"), &v, &err), MN_ESIGNATURE);
    cr_assert_eq(mn_signer_unsign(&s, MN_STR(""), &v, &err), MN_ESIGNATURE);
    /* Another key, another salt: rejected. */
    mn_signer other = { .key = MN_STR("another key") };
    cr_assert_eq(mn_signer_unsign(&other, MN_STR("hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &v, &err),
                 MN_ESIGNATURE);
    mn_signer salted = { .key = KEY, .salt = MN_STR("extra") };
    cr_assert_eq(mn_signer_unsign(&salted, MN_STR("hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"), &v, &err),
                 MN_ESIGNATURE);
    /* A Signer value is not a TimestampSigner value. */
    cr_assert_eq(mn_timestamp_signer_unsign(&s, MN_STR("hello:O2nfVBuQp9nEfyb6IN6oWD7JAzysTQjGrTJjoBLj4Zc"),
                                            MN_SIGNING_NO_MAX_AGE, &v, NULL, &err),
                 MN_ESIGNATURE);
}

Test(signing, configuration_errors)
{
    mn_err err = { 0 };
    mn_str v;
    mn_signer nokey = { .salt = MN_STR("x") };
    cr_assert_null(mn_signer_sign(&nokey, A, MN_STR("v"), &err).ptr);
    cr_assert_eq(err.code, MN_EINVAL);
    cr_assert(strstr(err.msg, "key"), "%s", err.msg);
    cr_assert_eq(mn_signer_unsign(&nokey, MN_STR("v:x"), &v, &err), MN_EINVAL);
    static const char *unsafe[] = { "a", "Z", "_", "-", "=", "^", "abc", "0" };
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
        mn_signer s = { .key = KEY, .sep = mn_str_from(unsafe[i]) };
        mn_err_clear(&err);
        cr_assert_null(mn_signer_sign(&s, A, MN_STR("v"), &err).ptr, "%s", unsafe[i]);
        cr_assert(strstr(err.msg, "unsafe Signer separator"), "%s", err.msg);
    }
    mn_signer multi = { .key = KEY, .sep = MN_STR("::") };
    mn_str sv = mn_signer_sign(&multi, A, MN_STR("a:b"), NULL);
    cr_assert_eq(mn_signer_unsign(&multi, sv, &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v, "a:b"));
    mn_signer badalg = { .key = KEY, .algorithm = (mn_hash_alg)77 };
    cr_assert_null(mn_signer_sign(&badalg, A, MN_STR("v"), &err).ptr);
    cr_assert_eq(err.code, MN_EINVAL);
}

Test(signing, timestamp_signer_matches_django)
{
    mn_signer s = { .key = KEY, .now = T0 + 0.75 };
    mn_str v = mn_timestamp_signer_sign(&s, A, MN_STR("hello"), NULL);
    cr_assert_str_eq(v.ptr, "hello:1r31eq:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4");
    mn_str out;
    int64_t ts = 0;
    s.now = T0 + 5;
    cr_assert_eq(mn_timestamp_signer_unsign(&s, v, 10, &out, &ts, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(out, "hello"));
    cr_assert_eq(ts, 1700000000);
    cr_assert_eq(mn_timestamp_signer_unsign(&s, v, MN_SIGNING_NO_MAX_AGE, &out, NULL, NULL), MN_OK);
    cr_assert_eq(mn_timestamp_signer_unsign(&s, v, 5, &out, NULL, NULL), MN_OK);
}

Test(signing, timestamp_expiry)
{
    mn_signer s = { .key = KEY, .now = T0 + 10.5 };
    mn_str v;
    mn_err err = { 0 };
    int rc = mn_timestamp_signer_unsign(&s, MN_STR("hello:1r31eq:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4"), 5, &v,
                                        NULL, &err);
    cr_assert_eq(rc, MN_EEXPIRED);
    cr_assert_str_eq(err.msg, "Signature age 10.5 > 5 seconds");
    s.now = T0 + 86400;
    rc = mn_timestamp_signer_unsign(&s, MN_STR("hello:1r31eq:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4"), 0, &v, NULL,
                                    &err);
    cr_assert_eq(rc, MN_EEXPIRED);
    cr_assert_str_eq(err.msg, "Signature age 86400.0 > 0 seconds");
    /* A tampered value is a bad signature before any age check. */
    rc = mn_timestamp_signer_unsign(&s, MN_STR("hello:1r31er:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4"), 0, &v, NULL,
                                    &err);
    cr_assert_eq(rc, MN_ESIGNATURE);
}

Test(signing, timestamp_real_clock)
{
    mn_signer s = { .key = KEY };
    mn_str v = mn_timestamp_signer_sign(&s, A, MN_STR("now"), NULL);
    mn_str out;
    int64_t ts;
    cr_assert_eq(mn_timestamp_signer_unsign(&s, v, 60, &out, &ts, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(out, "now"));
    cr_assert(ts > 1700000000);
}

Test(signing, timestamp_malformed_but_signed)
{
    /* Correctly signed by a plain Signer with TimestampSigner's salt, but
     * without a valid timestamp inside. */
    mn_signer plain = { .key = KEY, .salt = MN_STR("django.core.signing.TimestampSigner") };
    mn_signer ts = { .key = KEY };
    mn_err err = { 0 };
    mn_str v;
    mn_str bad = mn_signer_sign(&plain, A, MN_STR("notimestamp"), NULL);
    cr_assert_eq(mn_timestamp_signer_unsign(&ts, bad, 10, &v, NULL, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "no timestamp"), "%s", err.msg);
    bad = mn_signer_sign(&plain, A, MN_STR("value:1r3!eq"), NULL);
    cr_assert_eq(mn_timestamp_signer_unsign(&ts, bad, 10, &v, NULL, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "bad timestamp"), "%s", err.msg);
}

Test(signing, dumps_matches_django)
{
    mn_signer s = { .key = KEY, .now = T0 };
    mn_str v = mn_signing_dumps_text(&s, A, MN_STR("{\"a\":1,\"b\":[1,2,3]}"), false, NULL);
    cr_assert_str_eq(v.ptr, "eyJhIjoxLCJiIjpbMSwyLDNdfQ:1r31eq:v7uXrQLBDEPlvhyFwomqC0puoAbu3WckKohIJlhlTUU");
    v = mn_signing_dumps_text(&s, A, MN_STR("[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]"), true, NULL);
    cr_assert_str_eq(v.ptr, ".eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml:1r31eq:"
                            "-mS5dNQk_L9zKj_uwb_GgBcu6YAgDc7bxKqy7RjkrHs");
    /* Compression that does not help is skipped. */
    v = mn_signing_dumps_text(&s, A, MN_STR("\"x\""), true, NULL);
    cr_assert_str_eq(v.ptr, "Ingi:1r31eq:iWqTc_KDUmfHnoIagG9vmjK97JiNEXEfVXCo8DwJpnI");
    mn_signer salted = { .key = KEY, .salt = MN_STR("myapp"), .now = T0 };
    v = mn_signing_dumps_text(&salted, A, MN_STR("\"hello\""), false, NULL);
    cr_assert_str_eq(v.ptr, "ImhlbGxvIg:1r31eq:alTWBFd_Cg5HtfS4b3bLjDImIj8iwItBvU88XFVMxE0");
    mn_signer plain = { .key = KEY };
    v = mn_signer_sign_object_text(&plain, A, MN_STR("{\"a\":\"b\"}"), false, NULL);
    cr_assert_str_eq(v.ptr, "eyJhIjoiYiJ9:Crrls87NwZmzp43q5BodcCEt8KpAsJaAwK55ewsS-5s");
    mn_str json;
    cr_assert_eq(mn_signer_unsign_object_text(&plain, A, v, &json, NULL), MN_OK);
    cr_assert_str_eq(json.ptr, "{\"a\":\"b\"}");
}

Test(signing, loads_django_values)
{
    mn_signer s = { .key = KEY, .now = T0 + 30 };
    mn_str json;
    mn_err err = { 0 };
    cr_assert_eq(mn_signing_loads_text(&s, A,
                                       MN_STR(".eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml:1r31eq:"
                                              "-mS5dNQk_L9zKj_uwb_GgBcu6YAgDc7bxKqy7RjkrHs"),
                                       60, &json, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_str_eq(json.ptr, "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19]");
    cr_assert_eq(mn_signing_loads_text(&s, A, MN_STR("eyJhIjoxLCJiIjpbMSwyLDNdfQ:1r31eq:v7uXrQLBDEPlvhyFwomqC0puoAbu3WckKohIJlhlTUU"),
                                       MN_SIGNING_NO_MAX_AGE, &json, NULL),
                 MN_OK);
    cr_assert_str_eq(json.ptr, "{\"a\":1,\"b\":[1,2,3]}");
    cr_assert_eq(mn_signing_loads_text(&s, A, MN_STR("eyJhIjoxLCJiIjpbMSwyLDNdfQ:1r31eq:v7uXrQLBDEPlvhyFwomqC0puoAbu3WckKohIJlhlTUU"),
                                       10, &json, &err),
                 MN_EEXPIRED);
    cr_assert_str_eq(err.msg, "Signature age 30.0 > 10 seconds");
    /* The wrong salt. */
    mn_signer salted = { .key = KEY, .salt = MN_STR("myapp"), .now = T0 };
    cr_assert_eq(mn_signing_loads_text(&salted, A, MN_STR("eyJhIjoxLCJiIjpbMSwyLDNdfQ:1r31eq:v7uXrQLBDEPlvhyFwomqC0puoAbu3WckKohIJlhlTUU"),
                                       MN_SIGNING_NO_MAX_AGE, &json, &err),
                 MN_ESIGNATURE);
    cr_assert_eq(mn_signing_loads_text(&salted, A, MN_STR("ImhlbGxvIg:1r31eq:alTWBFd_Cg5HtfS4b3bLjDImIj8iwItBvU88XFVMxE0"),
                                       MN_SIGNING_NO_MAX_AGE, &json, NULL),
                 MN_OK);
    cr_assert_str_eq(json.ptr, "\"hello\"");
}

Test(signing, dumps_loads_roundtrip)
{
    mn_signer s = { .key = KEY };
    char big[4000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = "[\"abcabc\",1,2],"[i % 15];
    mn_str payloads[] = { MN_STR("null"), MN_STR("{}"), MN_STR(""), { big, sizeof big } };
    for (size_t i = 0; i < sizeof payloads / sizeof payloads[0]; i++) {
        for (int compress = 0; compress < 2; compress++) {
            mn_str v = mn_signing_dumps_text(&s, A, payloads[i], compress, NULL);
            cr_assert_not_null(v.ptr);
            if (compress && i == 3)
                cr_assert_eq(v.ptr[0], '.');
            mn_str json;
            cr_assert_eq(mn_signing_loads_text(&s, A, v, 60, &json, NULL), MN_OK);
            cr_assert(mn_str_eq(json, payloads[i]));
        }
    }
}

/* Signs an arbitrary payload the way dumps does, to reach the decoding
 * stages behind a valid signature. */
static mn_str sign_payload(const mn_signer *s, mn_str payload)
{
    return mn_timestamp_signer_sign(&(mn_signer){ .key = s->key, .salt = MN_STR("django.core.signing"), .now = s->now },
                                    A, payload, NULL);
}

Test(signing, loads_malformed_payloads)
{
    mn_signer s = { .key = KEY, .now = T0 };
    mn_str json;
    mn_err err = { 0 };
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, MN_STR("notbase64!")), 10, &json, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "signing: base64: invalid character '!'"), "%s", err.msg);
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, MN_STR(".bm90IHpsaWI")), 10, &json, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "zlib"), "%s", err.msg);
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, MN_STR(".")), 10, &json, &err), MN_EPARSE);
    /* A truncated zlib stream. */
    uint8_t z[64];
    uLongf zlen = sizeof z;
    cr_assert_eq(compress2(z, &zlen, (const Bytef *)"[1,2,3,4,5,6,7,8]", 17, 9), Z_OK);
    mn_str b64 = mn_base64_encode(A, z, zlen - 3, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, NULL);
    mn_str dotted = mn_str_from(mn_arena_sprintf(A, ".%s", b64.ptr));
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, dotted), 10, &json, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "truncated"), "%s", err.msg);
    /* Trailing bytes after the stream. */
    uint8_t z2[80];
    memcpy(z2, z, zlen);
    memcpy(z2 + zlen, "XY", 2);
    b64 = mn_base64_encode(A, z2, zlen + 2, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, NULL);
    dotted = mn_str_from(mn_arena_sprintf(A, ".%s", b64.ptr));
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, dotted), 10, &json, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "trailing"), "%s", err.msg);
}

Test(signing, zip_bomb_is_bounded)
{
    /* 64 MiB of zeros compress to about 64 KiB. */
    size_t n = (size_t)64 << 20;
    uint8_t *zeros = calloc(1, n);
    uLongf zlen = compressBound(n);
    uint8_t *z = malloc(zlen);
    cr_assert_eq(compress2(z, &zlen, zeros, n, 9), Z_OK);
    free(zeros);
    mn_str b64 = mn_base64_encode(A, z, zlen, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, NULL);
    free(z);
    mn_str dotted = mn_str_from(mn_arena_sprintf(A, ".%s", b64.ptr));
    mn_signer s = { .key = KEY, .now = T0 };
    mn_str json;
    mn_err err = { 0 };
    size_t before = mn_arena_used(A);
    cr_assert_eq(mn_signing_loads_text(&s, A, sign_payload(&s, dotted), 10, &json, &err), MN_ELIMIT);
    cr_assert(strstr(err.msg, "exceeds 1048576 bytes"), "%s", err.msg);
    cr_assert(mn_arena_used(A) - before < ((size_t)4 << 20), "used %zu", mn_arena_used(A) - before);
    /* A smaller configured limit applies, and exactly the limit is fine. */
    char rep[201];
    rep[0] = '[';
    for (int i = 0; i < 99; i++)
        memcpy(rep + 1 + 2 * i, "1,", 2);
    memcpy(rep + 199, "1]", 2);
    mn_str payload = { rep, sizeof rep };
    mn_signer tight = { .key = KEY, .now = T0, .max_decompressed = sizeof rep };
    mn_str ok = mn_signing_dumps_text(&tight, A, payload, true, NULL);
    cr_assert_eq(ok.ptr[0], '.');
    mn_str out;
    cr_assert_eq(mn_signing_loads_text(&tight, A, ok, 10, &out, NULL), MN_OK);
    cr_assert(mn_str_eq(out, payload));
    tight.max_decompressed = sizeof rep - 1;
    cr_assert_eq(mn_signing_loads_text(&tight, A, ok, 10, &out, &err), MN_ELIMIT);
}

Test(signing, cookie_signer_matches_django)
{
    mn_signer s;
    cr_assert_eq(mn_signing_cookie_signer(A, KEY, MN_STR("cart"), &s, NULL), MN_OK);
    s.now = T0;
    mn_str v = mn_timestamp_signer_sign(&s, A, MN_STR("v1"), NULL);
    cr_assert_str_eq(v.ptr, "v1:1r31eq:QbXHzfUvDxTSDUDTSyLvK5KON0uVgtkxiZJa17SuL4o");
    cr_assert_eq(mn_signing_cookie_signer(A, KEY, MN_STR_EMPTY, &s, NULL), MN_OK);
    s.now = T0;
    v = mn_timestamp_signer_sign(&s, A, MN_STR("v1"), NULL);
    cr_assert_str_eq(v.ptr, "v1:1r31eq:5nkbYyTrAHHE-Jk3MUqtp3UkxqJNDr9hCrnPUgtBaLA");
    mn_str out;
    cr_assert_eq(mn_timestamp_signer_unsign(&s, v, 60, &out, NULL, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(out, "v1"));
    mn_err err = { 0 };
    cr_assert_eq(mn_signing_cookie_signer(A, MN_STR_EMPTY, MN_STR("x"), &s, &err), MN_EINVAL);
}

/* One signer shared by several threads (the first use of each digest
 * happens concurrently too). */
static const mn_signer shared_signer = { .key = KEY, .now = T0 };

static void *sign_many(void *arg)
{
    mn_arena *a = mn_arena_new("thread", 0);
    intptr_t bad = 0;
    for (int i = 0; i < 2000 && a; i++) {
        mn_arena_mark m = mn_arena_mark_get(a);
        mn_str v = mn_timestamp_signer_sign(&shared_signer, a, MN_STR("hello"), NULL);
        mn_str out;
        if (!mn_str_eq_cstr(v, "hello:1r31eq:SfMYxQbK8fcW1p7nodl9Yj9MuIHRCSO9jCItRCEn3M4") ||
            mn_timestamp_signer_unsign(&shared_signer, v, 60, &out, NULL, NULL) != MN_OK)
            bad++;
        mn_arena_rewind(a, m);
    }
    mn_arena_free(a);
    (void)arg;
    return (void *)bad;
}

Test(signing, threads_share_a_signer)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, sign_many, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        cr_assert_eq((intptr_t)bad, 0);
    }
}

Test(signing, dumps_and_loads_values)
{
    mn_signer s = { .key = KEY, .now = T0 };
    /* {"a": 1, "b": [1, 2, 3]} built as a value signs to Django's token. */
    mn_map *m = mn_map_new(A, 2);
    mn_list *l = mn_list_new(A, 3);
    for (int i = 1; i <= 3; i++)
        mn_list_push(l, mn_value_int(i));
    mn_map_set_cstr(m, "a", mn_value_int(1));
    mn_map_set_cstr(m, "b", mn_value_list(l));
    mn_err err = { 0 };
    mn_str v = mn_signing_dumps(&s, A, mn_value_map(m), false, &err);
    cr_assert_not_null(v.ptr, "%s", err.msg);
    cr_assert_str_eq(v.ptr, "eyJhIjoxLCJiIjpbMSwyLDNdfQ:1r31eq:v7uXrQLBDEPlvhyFwomqC0puoAbu3WckKohIJlhlTUU");
    mn_value back;
    cr_assert_eq(mn_signing_loads(&s, A, v, -1, &back, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_value_eq(back, mn_value_map(m)));
    /* A tampered token is refused before any JSON is parsed. */
    char *bad = mn_arena_strdup(A, v.ptr);
    bad[2] = bad[2] == 'A' ? 'B' : 'A';
    cr_assert_eq(mn_signing_loads(&s, A, mn_str_from(bad), -1, &back, &err), MN_ESIGNATURE);
    /* A value JSON cannot hold is an error, not a token. */
    v = mn_signing_dumps(&s, A, mn_value_float(1.0 / 0.0), false, &err);
    cr_assert_null(v.ptr);
}

Test(signing, dumps_values_are_ascii_like_django)
{
    /* signing.dumps({'name': 'café'}, key=KEY) with the clock at T0 encodes
     * the JSON text {"name":"caf\u00e9"}. */
    mn_signer s = { .key = KEY, .now = T0 };
    mn_map *m = mn_map_new(A, 1);
    mn_map_set_cstr(m, "name", mn_value_cstr("café"));
    mn_err err = { 0 };
    mn_str v = mn_signing_dumps(&s, A, mn_value_map(m), false, &err);
    mn_str want = mn_signing_dumps_text(&s, A, MN_STR("{\"name\":\"caf\\u00e9\"}"), false, &err);
    cr_assert_str_eq(v.ptr, want.ptr);
}
