#include <criterion/criterion.h>
#include <string.h>
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

TestSuite(crypto, .init = setup, .fini = teardown);

static const char *hex(const uint8_t *p, size_t n)
{
    return mn_hex_encode(A, p, n, NULL).ptr;
}

Test(crypto, hash_names_and_sizes)
{
    cr_assert_eq(mn_hash_size(MN_HASH_SHA1), 20);
    cr_assert_eq(mn_hash_size(MN_HASH_SHA256), 32);
    cr_assert_eq(mn_hash_size(MN_HASH_SHA512), 64);
    cr_assert_eq(mn_hash_size((mn_hash_alg)42), 0);
    cr_assert_str_eq(mn_hash_name(MN_HASH_SHA512), "sha512");
    cr_assert_str_eq(mn_hash_name((mn_hash_alg)42), "?");
    mn_hash_alg alg;
    cr_assert_eq(mn_hash_from_name(MN_STR("sha1"), &alg, NULL), MN_OK);
    cr_assert_eq(alg, MN_HASH_SHA1);
    cr_assert_eq(mn_hash_from_name(MN_STR("sha256"), &alg, NULL), MN_OK);
    cr_assert_eq(alg, MN_HASH_SHA256);
    mn_err err = { 0 };
    cr_assert_eq(mn_hash_from_name(MN_STR("md5"), &alg, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "'md5' is not a supported hash algorithm"), "%s", err.msg);
    cr_assert_eq(mn_hash_from_name(MN_STR("SHA1"), &alg, NULL), MN_EINVAL);
}

Test(crypto, digests_known_answers)
{
    uint8_t out[MN_HASH_MAX_SIZE];
    /* FIPS 180 "abc" vectors. */
    cr_assert_eq(mn_hash_digest(MN_HASH_SHA1, MN_STR("abc"), out), 20);
    cr_assert_str_eq(hex(out, 20), "a9993e364706816aba3e25717850c26c9cd0d89d");
    cr_assert_eq(mn_hash_digest(MN_HASH_SHA256, MN_STR("abc"), out), 32);
    cr_assert_str_eq(hex(out, 32), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    cr_assert_eq(mn_hash_digest(MN_HASH_SHA512, MN_STR("abc"), out), 64);
    cr_assert_str_eq(hex(out, 64),
                     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    cr_assert_eq(mn_hash_digest(MN_HASH_SHA256, (mn_str){ NULL, 0 }, out), 32);
    cr_assert_str_eq(hex(out, 32), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cr_assert_eq(mn_hash_digest((mn_hash_alg)9, MN_STR("abc"), out), 0);
}

Test(crypto, hmac_rfc4231)
{
    uint8_t out[MN_HASH_MAX_SIZE];
    /* RFC 4231 test case 2. */
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA256, MN_STR("Jefe"), MN_STR("what do ya want for nothing?"), out), 32);
    cr_assert_str_eq(hex(out, 32), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA512, MN_STR("Jefe"), MN_STR("what do ya want for nothing?"), out), 64);
    cr_assert_str_eq(hex(out, 64),
                     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    /* RFC 2202 test case 2 for SHA-1. */
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA1, MN_STR("Jefe"), MN_STR("what do ya want for nothing?"), out), 20);
    cr_assert_str_eq(hex(out, 20), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    /* Keys longer than a block are hashed first (RFC 4231 case 6); keys of
     * exactly one block are used as they are. */
    char key[131];
    memset(key, 0xaa, sizeof key);
    mn_str msg = MN_STR("Test Using Larger Than Block-Size Key - Hash Key First");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA256, (mn_str){ key, 131 }, msg, out), 32);
    cr_assert_str_eq(hex(out, 32), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA512, (mn_str){ key, 131 }, msg, out), 64);
    cr_assert_str_eq(hex(out, 64),
                     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA1, (mn_str){ key, 131 }, msg, out), 20);
    cr_assert_str_eq(hex(out, 20), "90d0dace1c1bdc957339307803160335bde6df2b");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA256, (mn_str){ key, 64 }, msg, out), 32);
    cr_assert_str_eq(hex(out, 32), "84332a7580ed3cf75de83c644c8d2c1c262ad90e0190e5c5ae4b82b2102e8e75");
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA512, (mn_str){ key, 128 }, msg, out), 64);
    cr_assert_str_eq(hex(out, 64),
                     "3509e3c2f595a04cded036836e06094146d866a0834de4839f4c349292e8a03e"
                     "91f29070f7e414b64f286c29aacd4c19baebcda0d529abcbfb6caf189fb3079f");
    cr_assert_eq(mn_hmac_digest((mn_hash_alg)-1, MN_STR("k"), MN_STR("m"), out), 0);
    /* An empty key is allowed. */
    cr_assert_eq(mn_hmac_digest(MN_HASH_SHA256, MN_STR_EMPTY, MN_STR_EMPTY, out), 32);
    cr_assert_str_eq(hex(out, 32), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

/* Values computed with Django 3.2: salted_hmac('key-salt', 'value', 'secret',
 * algorithm=...).hexdigest(). */
Test(crypto, salted_hmac_matches_django)
{
    uint8_t out[MN_HASH_MAX_SIZE];
    cr_assert_eq(mn_crypto_salted_hmac(MN_HASH_SHA1, MN_STR("key-salt"), MN_STR("value"), MN_STR("secret"), out), 20);
    cr_assert_str_eq(hex(out, 20), "afb5a234cc21a4717d2f9d00ea8ee9304b9f9547");
    mn_str h = mn_crypto_salted_hmac_hex(A, MN_HASH_SHA256, MN_STR("key-salt"), MN_STR("value"), MN_STR("secret"), NULL);
    cr_assert_str_eq(h.ptr, "ddcafa7dd2be2100d02fea2e9532f21188481e6497621cc0a418bf1805b3bafc");
    h = mn_crypto_salted_hmac_hex(A, MN_HASH_SHA512, MN_STR("key-salt"), MN_STR("value"), MN_STR("secret"), NULL);
    cr_assert_str_eq(h.ptr, "af24d3c386482b08373ff8df0b2bc91df2a32e5e791d73e8fece082aaecbdbe3"
                            "cf5df26afb156169e248f6fa3a7fa41547d9de8042a57c9e3dfbd1a1d0578dd7");
    h = mn_crypto_salted_hmac_hex(A, MN_HASH_SHA1, MN_STR_EMPTY, MN_STR_EMPTY, MN_STR("secret"), NULL);
    cr_assert_str_eq(h.ptr, "6f4d24de042574c1b9dfd7cf83b083385b987580");
    mn_err err = { 0 };
    h = mn_crypto_salted_hmac_hex(A, (mn_hash_alg)7, MN_STR("a"), MN_STR("b"), MN_STR("c"), &err);
    cr_assert_null(h.ptr);
    cr_assert_eq(err.code, MN_EINVAL);
}

Test(crypto, pbkdf2_rfc6070_and_errors)
{
    uint8_t out[64];
    /* RFC 6070 vectors (PBKDF2-HMAC-SHA1). */
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA1, MN_STR("password"), MN_STR("salt"), 1, out, 20, NULL), MN_OK);
    cr_assert_str_eq(hex(out, 20), "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA1, MN_STR("password"), MN_STR("salt"), 4096, out, 20, NULL), MN_OK);
    cr_assert_str_eq(hex(out, 20), "4b007901b765489abead49d926f721d065a429c1");
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA1, MN_STR("pass\0word"), MN_STR("sa\0lt"), 4096, out, 16, NULL), MN_OK);
    cr_assert_str_eq(hex(out, 16), "56fa6aa75548099dcc37d7f03425e0c3");
    /* hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 1) */
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA256, MN_STR("password"), MN_STR("salt"), 1, out, 32, NULL), MN_OK);
    cr_assert_str_eq(hex(out, 32), "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    mn_err err = { 0 };
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA256, MN_STR("p"), MN_STR("s"), 0, out, 32, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "iteration"), "%s", err.msg);
    cr_assert_eq(mn_crypto_pbkdf2(MN_HASH_SHA256, MN_STR("p"), MN_STR("s"), 1, out, 0, &err), MN_EINVAL);
    cr_assert_eq(mn_crypto_pbkdf2((mn_hash_alg)5, MN_STR("p"), MN_STR("s"), 1, out, 32, &err), MN_EINVAL);
}

Test(crypto, random_bytes_differ)
{
    uint8_t a[32] = { 0 }, b[32] = { 0 };
    cr_assert_eq(mn_crypto_random_bytes(a, sizeof a, NULL), MN_OK);
    cr_assert_eq(mn_crypto_random_bytes(b, sizeof b, NULL), MN_OK);
    cr_assert_neq(memcmp(a, b, sizeof a), 0);
    cr_assert_eq(mn_crypto_random_bytes(a, 0, NULL), MN_OK);
}

Test(crypto, random_string_default_alphabet)
{
    mn_str s = mn_crypto_random_string(A, 22, MN_STR_EMPTY, NULL);
    cr_assert_eq(s.len, 22);
    cr_assert_eq(s.ptr[22], '\0');
    for (size_t i = 0; i < s.len; i++)
        cr_assert(strchr(MN_RANDOM_STRING_CHARS, s.ptr[i]) != NULL);
    mn_str t = mn_crypto_random_string(A, 22, MN_STR_EMPTY, NULL);
    cr_assert(!mn_str_eq(s, t));
    mn_str e = mn_crypto_random_string(A, 0, MN_STR_EMPTY, NULL);
    cr_assert_not_null(e.ptr);
    cr_assert_eq(e.len, 0);
}

Test(crypto, random_string_is_uniform)
{
    /* 3 characters: a biased "byte % 3" would favour 'a' by 1/256; here each
     * must come out close to a third of 60000 draws (5 sigma is ~577). */
    mn_str s = mn_crypto_random_string(A, 60000, MN_STR("abc"), NULL);
    cr_assert_eq(s.len, 60000);
    size_t counts[3] = { 0 };
    for (size_t i = 0; i < s.len; i++) {
        cr_assert(s.ptr[i] >= 'a' && s.ptr[i] <= 'c');
        counts[s.ptr[i] - 'a']++;
    }
    for (int k = 0; k < 3; k++)
        cr_assert(counts[k] > 20000 - 600 && counts[k] < 20000 + 600, "count %d = %zu", k, counts[k]);
    /* A single character is always chosen. */
    s = mn_crypto_random_string(A, 5, MN_STR("x"), NULL);
    cr_assert_str_eq(s.ptr, "xxxxx");
}

Test(crypto, random_string_utf8_alphabet)
{
    mn_str s = mn_crypto_random_string(A, 50, MN_STR("\xc3\xa9" "a\xe2\x98\x83"), NULL);
    cr_assert_not_null(s.ptr);
    size_t chars = 0;
    for (size_t i = 0; i < s.len;) {
        if (s.ptr[i] == 'a')
            i += 1;
        else if (!memcmp(s.ptr + i, "\xc3\xa9", 2))
            i += 2;
        else if (!memcmp(s.ptr + i, "\xe2\x98\x83", 3))
            i += 3;
        else
            cr_assert_fail("unexpected byte at %zu", i);
        chars++;
    }
    cr_assert_eq(chars, 50);
    mn_err err = { 0 };
    s = mn_crypto_random_string(A, 5, MN_STR("ab\xff"), &err);
    cr_assert_null(s.ptr);
    cr_assert_eq(err.code, MN_EINVAL);
    cr_assert(strstr(err.msg, "UTF-8"), "%s", err.msg);
}

Test(crypto, tokens)
{
    mn_str h = mn_crypto_token_hex(A, 16, NULL);
    cr_assert_eq(h.len, 32);
    for (size_t i = 0; i < h.len; i++)
        cr_assert(strchr("0123456789abcdef", h.ptr[i]));
    mn_str u = mn_crypto_token_urlsafe(A, 32, NULL);
    cr_assert_eq(u.len, 43);
    for (size_t i = 0; i < u.len; i++)
        cr_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", u.ptr[i]));
    mn_str big = mn_crypto_token_hex(A, 100, NULL);
    cr_assert_eq(big.len, 200);
    mn_str d;
    cr_assert_eq(mn_base64_decode(A, u, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, &d, NULL), MN_OK);
    cr_assert_eq(d.len, 32);
}

Test(crypto, constant_time_equal)
{
    cr_assert(mn_crypto_equal(MN_STR("abc"), MN_STR("abc")));
    cr_assert(!mn_crypto_equal(MN_STR("abc"), MN_STR("abd")));
    cr_assert(!mn_crypto_equal(MN_STR("abc"), MN_STR("ab")));
    cr_assert(!mn_crypto_equal(MN_STR(""), MN_STR("a")));
    cr_assert(mn_crypto_equal(MN_STR(""), (mn_str){ NULL, 0 }));
    cr_assert(!mn_crypto_equal(MN_STR("a\0b"), MN_STR("a\0c")));
}

Test(crypto, base64_rfc4648)
{
    static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *std[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    static const char *nopad[] = { "", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy" };
    for (int i = 0; i < 7; i++) {
        mn_str e = mn_base64_encode(A, in[i], strlen(in[i]), MN_BASE64_STD, NULL);
        cr_assert_str_eq(e.ptr, std[i]);
        cr_assert_eq(e.len, mn_base64_encoded_len(strlen(in[i]), MN_BASE64_STD));
        e = mn_base64_encode(A, in[i], strlen(in[i]), MN_BASE64_NOPAD, NULL);
        cr_assert_str_eq(e.ptr, nopad[i]);
        cr_assert_eq(e.len, mn_base64_encoded_len(strlen(in[i]), MN_BASE64_NOPAD));
        mn_str d;
        cr_assert_eq(mn_base64_decode(A, mn_str_from(std[i]), MN_BASE64_STD, &d, NULL), MN_OK);
        cr_assert_str_eq(d.ptr, in[i]);
        cr_assert_eq(mn_base64_decode(A, mn_str_from(nopad[i]), MN_BASE64_NOPAD, &d, NULL), MN_OK);
        cr_assert_str_eq(d.ptr, in[i]);
        /* NOPAD decoding also takes correct padding. */
        cr_assert_eq(mn_base64_decode(A, mn_str_from(std[i]), MN_BASE64_NOPAD, &d, NULL), MN_OK);
        cr_assert_str_eq(d.ptr, in[i]);
    }
}

Test(crypto, base64_alphabets)
{
    const uint8_t raw[] = { 0xfb, 0xff, 0xbf, 0x3e };
    mn_str s = mn_base64_encode(A, raw, sizeof raw, MN_BASE64_STD, NULL);
    cr_assert_str_eq(s.ptr, "+/+/Pg==");
    s = mn_base64_encode(A, raw, sizeof raw, MN_BASE64_URLSAFE | MN_BASE64_NOPAD, NULL);
    cr_assert_str_eq(s.ptr, "-_-_Pg");
    mn_str d;
    cr_assert_eq(mn_base64_decode(A, MN_STR("-_-_Pg"), MN_BASE64_URLSAFE | MN_BASE64_NOPAD, &d, NULL), MN_OK);
    cr_assert_eq(d.len, 4);
    cr_assert_eq(memcmp(d.ptr, raw, 4), 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_base64_decode(A, MN_STR("+/+/Pg"), MN_BASE64_URLSAFE | MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "invalid character '+' at offset 0"), "%s", err.msg);
    cr_assert(strstr(err.msg, "standard alphabet"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("-_-_Pg=="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "URL-safe alphabet"), "%s", err.msg);
}

Test(crypto, base64_strict_errors)
{
    mn_str d;
    mn_err err = { 0 };
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zg"), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "missing padding"), "%s", err.msg);
    cr_assert_null(d.ptr);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zg="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "incorrect padding"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm8=="), MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm9v===="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Z"), MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "invalid length"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm9vY"), MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm 9"), MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "invalid character ' ' at offset 2"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm\n9"), MN_BASE64_NOPAD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "0x0a at offset 2"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Z=9v"), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "padding before the end"), "%s", err.msg);
    /* Non-canonical: "Zh==" carries non-zero unused bits. */
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zh=="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "unused bits"), "%s", err.msg);
    cr_assert_eq(mn_base64_decode(A, MN_STR("Zm9="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert_eq(mn_base64_decode(A, MN_STR("===="), MN_BASE64_STD, &d, &err), MN_EPARSE);
    cr_assert_eq(mn_base64_decode(A, (mn_str){ NULL, 0 }, MN_BASE64_STD, &d, &err), MN_OK);
    cr_assert_eq(d.len, 0);
}

Test(crypto, base64_binary_roundtrip)
{
    uint8_t raw[256];
    for (int i = 0; i < 256; i++)
        raw[i] = (uint8_t)i;
    for (size_t n = 0; n <= sizeof raw; n += 17) {
        for (unsigned flags = 0; flags < 4; flags++) {
            mn_str e = mn_base64_encode(A, raw, n, flags, NULL);
            mn_str d;
            cr_assert_eq(mn_base64_decode(A, e, flags, &d, NULL), MN_OK);
            cr_assert_eq(d.len, n);
            cr_assert_eq(memcmp(d.ptr, raw, n), 0);
        }
    }
}

Test(crypto, hex_codec)
{
    mn_str h = mn_hex_encode(A, "\x00\xff\x10", 3, NULL);
    cr_assert_str_eq(h.ptr, "00ff10");
    mn_str d;
    cr_assert_eq(mn_hex_decode(A, MN_STR("00FF10"), &d, NULL), MN_OK);
    cr_assert_eq(d.len, 3);
    cr_assert_eq(memcmp(d.ptr, "\x00\xff\x10", 3), 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_hex_decode(A, MN_STR("abc"), &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "odd length"), "%s", err.msg);
    cr_assert_eq(mn_hex_decode(A, MN_STR("0g"), &d, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "offset 1"), "%s", err.msg);
}

/* Values from django.utils.baseconv.base62.encode. */
Test(crypto, base62_matches_django)
{
    static const struct {
        int64_t v;
        const char *s;
    } cases[] = {
        { 0, "0" }, { 1, "1" }, { 61, "z" }, { 62, "10" }, { 1700000000, "1r31eq" },
        { -1, "-1" }, { -62, "-10" }, { INT64_MAX, "AzL8n0Y58m7" }, { INT64_MIN, "-AzL8n0Y58m8" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[MN_B62_MAX];
        size_t n = mn_b62_encode(cases[i].v, buf);
        cr_assert_str_eq(buf, cases[i].s);
        cr_assert_eq(n, strlen(cases[i].s));
        int64_t back;
        cr_assert_eq(mn_b62_decode(mn_str_from(cases[i].s), &back, NULL), MN_OK);
        cr_assert_eq(back, cases[i].v);
    }
}

Test(crypto, base62_errors)
{
    int64_t v;
    mn_err err = { 0 };
    cr_assert_eq(mn_b62_decode(MN_STR(""), &v, &err), MN_EPARSE);
    cr_assert_eq(mn_b62_decode(MN_STR("-"), &v, &err), MN_EPARSE);
    cr_assert_eq(mn_b62_decode(MN_STR("1r3+eq"), &v, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "'+' at offset 3"), "%s", err.msg);
    cr_assert_eq(mn_b62_decode(MN_STR("AzL8n0Y58m8"), &v, &err), MN_ERANGE);
    cr_assert_eq(mn_b62_decode(MN_STR("-AzL8n0Y58m9"), &v, &err), MN_ERANGE);
    cr_assert_eq(mn_b62_decode(MN_STR("zzzzzzzzzzzzzzzzzzzzzzz"), &v, &err), MN_ERANGE);
    cr_assert_eq(mn_b62_decode(MN_STR("0001"), &v, NULL), MN_OK);
    cr_assert_eq(v, 1);
    cr_assert_eq(mn_b62_decode(MN_STR("-0"), &v, NULL), MN_OK);
    cr_assert_eq(v, 0);
}
