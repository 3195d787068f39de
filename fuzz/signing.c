/* Fuzz target for signed values and the decoders behind them: Signer and
 * TimestampSigner unsign, loads (including payloads behind a valid signature,
 * so that base64 and bounded zlib decoding are reached), base64, hex, base62
 * and password hash parsing. The first input byte picks the mode.
 * Memory is bounded by a capped arena; nothing may crash or hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

#define KEY MN_STR("django-insecure-manouche-test-key")

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int cond)
{
    if (!cond)
        abort();
}

static void fuzz_base64(mn_arena *a, unsigned flags, mn_str in)
{
    mn_str out;
    if (mn_base64_decode(a, in, flags, &out, NULL) != MN_OK)
        return;
    /* Strict decoding means canonical input: re-encoding gives it back. */
    mn_str again = mn_base64_encode(a, out.ptr, out.len, flags | MN_BASE64_NOPAD, NULL);
    mn_str bare = in;
    while (bare.len && bare.ptr[bare.len - 1] == '=')
        bare.len--;
    check(again.ptr && mn_str_eq(again, bare));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    mn_arena *a = mn_arena_new("fuzz", (size_t)8 << 20);
    if (!a)
        return 0;
    unsigned mode = data[0];
    mn_str in = { (const char *)data + 1, size - 1 };
    mn_signer s = { .key = KEY, .now = 1700000030.0 };
    mn_str v;
    mn_err err = { 0 };
    switch (mode % 10) {
    case 0:
        mn_signer_unsign(&s, in, &v, &err);
        break;
    case 1: {
        int64_t ts;
        if (mn_timestamp_signer_unsign(&s, in, 60, &v, &ts, &err) == MN_OK)
            check(v.len < in.len);
        break;
    }
    case 2:
        if (mn_signing_loads_text(&s, a, in, MN_SIGNING_NO_MAX_AGE, &v, &err) == MN_OK)
            check(v.len <= MN_SIGNING_MAX_DECOMPRESSED);
        break;
    case 3: {
        /* The input as the payload of a validly signed value. */
        mn_signer ts = { .key = KEY, .salt = MN_STR("django.core.signing"), .now = s.now };
        mn_str signed_value = mn_timestamp_signer_sign(&ts, a, in, NULL);
        if (signed_value.ptr && mn_signing_loads_text(&s, a, signed_value, 60, &v, &err) == MN_OK)
            check(v.len <= MN_SIGNING_MAX_DECOMPRESSED);
        break;
    }
    case 4: {
        /* dumps then loads gives the text back, compressed or not. */
        for (int compress = 0; compress < 2; compress++) {
            mn_str signed_value = mn_signing_dumps_text(&s, a, in, compress, NULL);
            if (!signed_value.ptr)
                break;
            mn_signer big = s;
            big.max_decompressed = in.len + 1;
            check(mn_signing_loads_text(&big, a, signed_value, 60, &v, &err) == MN_OK);
            check(mn_str_eq(v, in));
        }
        break;
    }
    case 5:
        fuzz_base64(a, (mode / 10) & 3, in);
        break;
    case 6: {
        int64_t x;
        if (mn_b62_decode(in, &x, NULL) == MN_OK) {
            char buf[MN_B62_MAX];
            mn_b62_encode(x, buf);
            int64_t y;
            check(mn_b62_decode(mn_str_from(buf), &y, NULL) == MN_OK && x == y);
        }
        break;
    }
    case 7: {
        mn_password_info info;
        if (mn_password_decode(in, &info, NULL) == MN_OK && info.iterations <= 1000) {
            mn_password_set_iterations(1);
            mn_password_check(MN_STR("password"), in, NULL);
        }
        break;
    }
    case 8:
        if (mn_hex_decode(a, in, &v, NULL) == MN_OK)
            check(v.len * 2 == in.len);
        break;
    case 9: {
        /* A separator and salt taken from the input. */
        mn_str sep, rest;
        if (mn_str_split_once(in, '\n', &sep, &rest)) {
            mn_signer t = { .key = KEY, .sep = sep, .salt = MN_STR("fuzz") };
            mn_str sv = mn_signer_sign(&t, a, rest, NULL);
            if (sv.ptr) {
                check(mn_signer_unsign(&t, sv, &v, NULL) == MN_OK);
                check(mn_str_eq(v, rest));
            }
            mn_signer_unsign(&t, rest, &v, NULL);
        }
        break;
    }
    }
    mn_arena_free(a);
    return 0;
}
