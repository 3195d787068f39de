/* The stored format of cached values: round trips and bad input. */
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static void setup(void) { A = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(A); }

TestSuite(codec, .init = setup, .fini = teardown);

static mn_str enc(mn_value v)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_value_encode(v, &b, &err), MN_OK, "%s", err.msg);
    return mn_buf_str(&b);
}

static mn_value roundtrip(mn_value v)
{
    mn_value out;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_value_decode(enc(v), A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_value_eq(v, out));
    cr_assert_eq(out.type, v.type);
    return out;
}

Test(codec, scalars)
{
    roundtrip(mn_value_null());
    roundtrip(mn_value_bool(true));
    roundtrip(mn_value_bool(false));
    roundtrip(mn_value_int(0));
    roundtrip(mn_value_int(INT64_MIN));
    roundtrip(mn_value_int(INT64_MAX));
    roundtrip(mn_value_float(0.1));
    roundtrip(mn_value_float(-1e300));
    roundtrip(mn_value_decimal(mn_decimal_make(-1999, 2)));
    roundtrip(mn_value_cstr(""));
    roundtrip(mn_value_cstr("héllo\0world"));
    mn_value safe = roundtrip(mn_value_safe(MN_STR("<b>x</b>")));
    cr_assert(mn_value_is_safe(safe));
    roundtrip(mn_value_date((mn_date){ 2024, 2, 29 }));
    roundtrip(mn_value_time((mn_time){ 23, 59, 58, 999999 }));
    roundtrip(mn_value_duration((mn_duration){ -86400000000LL }));
    roundtrip(mn_value_datetime((mn_datetime){ 1700000000123456LL, NULL }));
    mn_value dt = roundtrip(mn_value_datetime((mn_datetime){ 1700000000123456LL, mn_tz_utc() }));
    cr_assert_eq(dt.u.dt.tz, mn_tz_utc());
    mn_value fixed = roundtrip(mn_value_datetime((mn_datetime){ 1700000000LL, mn_tz_fixed(3600) }));
    cr_assert_eq(mn_tz_offset_at(fixed.u.dt.tz, 0), 3600);
}

Test(codec, integers_are_text)
{
    cr_assert(mn_str_eq_cstr(enc(mn_value_int(-42)), "-42"));
    mn_value v;
    cr_assert_eq(mn_cache_value_decode(MN_STR("12345"), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 12345);
    /* a bool is not an integer here */
    cr_assert_eq((unsigned char)enc(mn_value_bool(true)).ptr[0], 0xC1);
}

Test(codec, containers)
{
    mn_list *inner = mn_list_new(A, 2);
    mn_list_push(inner, mn_value_int(1));
    mn_list_push(inner, mn_value_cstr("two"));
    mn_map *m = mn_map_new(A, 3);
    mn_map_set_cstr(m, "id", mn_value_int(7));
    mn_map_set_cstr(m, "tags", mn_value_list(inner));
    mn_map_set_cstr(m, "empty", mn_value_map(mn_map_new(A, 0)));
    mn_value out = roundtrip(mn_value_map(m));
    cr_assert(mn_str_eq_cstr(mn_map_key_at(out.u.map, 1), "tags"), "order is kept");
    roundtrip(mn_value_list(mn_list_new(A, 0)));
}

static void bad(const char *data, size_t len, const char *msg)
{
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_value_decode(mn_str_make(data, len), A, &v, &err), MN_EPARSE, "%s", msg);
    cr_assert(strstr(err.msg, msg), "%s vs %s", err.msg, msg);
}

Test(codec, malformed)
{
    bad("", 0, "empty");
    bad("abc", 3, "neither an integer");
    bad("+5", 2, "neither an integer");
    bad("99999999999999999999", 20, "neither an integer");
    bad("\xC1", 1, "truncated");
    bad("\xC1i\1\2", 4, "truncated");
    bad("\xC1s\x05" "ab", 5, "truncated");
    bad("\xC1s\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 12, "out of range");
    bad("\xC1NN", 3, "trailing");
    bad("\xC1?", 2, "unknown type byte 0x3f");
    bad("\xC1" "D\xe8\x07\0\0\x02\x1e", 8, "invalid date");
    bad("\xC1t\x18\0\0\0\0\0\0", 9, "invalid time");
    bad("\xC1l\x05N", 4, "truncated");
    bad("\xC1m\x01\x01k", 5, "truncated");
    bad("\xC1z\0\0\0\0\0\0\0\0x", 11, "zone marker");
    /* nesting deeper than 512 */
    char deep[1200];
    deep[0] = (char)0xC1;
    for (int i = 1; i < 1199; i++)
        deep[i] = i % 2 ? 'l' : '\x01';
    deep[1199] = 'N';
    bad(deep, sizeof deep, "nested too deep");
}

Test(codec, too_deep_to_encode)
{
    mn_list *l = mn_list_new(A, 1), *top = l;
    for (int i = 0; i < 600; i++) {
        mn_list *n = mn_list_new(A, 1);
        mn_list_push(l, mn_value_list(n));
        l = n;
    }
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_value_encode(mn_value_list(top), &b, &err), MN_EINVAL);
    cr_assert_eq(b.len, 0, "nothing is left in the buffer");
}
