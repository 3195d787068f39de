#include <criterion/criterion.h>
#include "manouche.h"

Test(str, basics)
{
    mn_str s = MN_STR("Hello, World");
    cr_assert_eq(s.len, 12);
    cr_assert(mn_str_eq_cstr(s, "Hello, World"));
    cr_assert(mn_str_ieq_cstr(s, "hello, world"));
    cr_assert(!mn_str_ieq_cstr(s, "hello, worl"));
    cr_assert(mn_str_starts_with(s, MN_STR("Hello")));
    cr_assert(mn_str_ends_with(s, MN_STR("World")));
    cr_assert(!mn_str_ends_with(MN_STR("ld"), MN_STR("World")));
    cr_assert_eq(mn_str_find(s, MN_STR("o"), 0), 4);
    cr_assert_eq(mn_str_find(s, MN_STR("o"), 5), 8);
    cr_assert_eq(mn_str_find(s, MN_STR("zz"), 0), -1);
    cr_assert_eq(mn_str_find(s, MN_STR(""), 3), 3);
    cr_assert_eq(mn_str_find(s, MN_STR("x"), 99), -1);
    cr_assert_eq(mn_str_find_char(s, ',', 0), 5);
    cr_assert_eq(mn_str_rfind_char(s, 'o'), 8);
    cr_assert_eq(mn_str_rfind_char(MN_STR_EMPTY, 'o'), -1);
    cr_assert(mn_str_eq_cstr(mn_str_slice(s, 7, 100), "World"));
    cr_assert(mn_str_eq_cstr(mn_str_slice(s, 9, 3), ""));
    cr_assert(mn_str_eq_cstr(mn_str_trim(MN_STR(" \t x y \r\n")), "x y"));
    cr_assert(mn_str_eq_cstr(mn_str_trim(MN_STR("   ")), ""));
    cr_assert_eq(mn_str_from(NULL).len, 0);
    cr_assert_lt(mn_str_cmp(MN_STR("ab"), MN_STR("abc")), 0);
    cr_assert_gt(mn_str_cmp(MN_STR("b"), MN_STR("abc")), 0);
    cr_assert_eq(mn_str_cmp(MN_STR("abc"), MN_STR("abc")), 0);
}

Test(str, split_and_fields)
{
    mn_str h, t;
    cr_assert(mn_str_split_once(MN_STR("key=value=x"), '=', &h, &t));
    cr_assert(mn_str_eq_cstr(h, "key"));
    cr_assert(mn_str_eq_cstr(t, "value=x"));
    cr_assert(!mn_str_split_once(MN_STR("novalue"), '=', &h, &t));
    cr_assert(mn_str_eq_cstr(h, "novalue"));
    cr_assert_eq(t.len, 0);

    const char *want[] = { "a", "", "b", "" };
    size_t pos = 0, n = 0;
    mn_str f;
    while (mn_str_next_field(MN_STR("a,,b,"), ',', &pos, &f)) {
        cr_assert_lt(n, 4);
        cr_assert(mn_str_eq_cstr(f, want[n]), "field %zu", n);
        n++;
    }
    cr_assert_eq(n, 4);
    pos = 0;
    n = 0;
    while (mn_str_next_field(MN_STR_EMPTY, ',', &pos, &f))
        n++;
    cr_assert_eq(n, 1);
}

Test(str, integers)
{
    int64_t v;
    uint64_t u;
    cr_assert_eq(mn_str_to_i64(MN_STR("42"), &v), MN_OK);
    cr_assert_eq(v, 42);
    cr_assert_eq(mn_str_to_i64(MN_STR("-9223372036854775808"), &v), MN_OK);
    cr_assert_eq(v, INT64_MIN);
    cr_assert_eq(mn_str_to_i64(MN_STR("9223372036854775807"), &v), MN_OK);
    cr_assert_eq(v, INT64_MAX);
    cr_assert_eq(mn_str_to_i64(MN_STR("9223372036854775808"), &v), MN_ERANGE);
    cr_assert_eq(mn_str_to_i64(MN_STR("-9223372036854775809"), &v), MN_ERANGE);
    cr_assert_eq(mn_str_to_i64(MN_STR(""), &v), MN_EPARSE);
    cr_assert_eq(mn_str_to_i64(MN_STR("-"), &v), MN_EPARSE);
    cr_assert_eq(mn_str_to_i64(MN_STR("+-1"), &v), MN_EPARSE);
    cr_assert_eq(mn_str_to_i64(MN_STR("1 "), &v), MN_EPARSE);
    cr_assert_eq(mn_str_to_i64(MN_STR("0x10"), &v), MN_EPARSE);
    cr_assert_eq(mn_str_to_u64(MN_STR("18446744073709551615"), &u), MN_OK);
    cr_assert_eq(u, UINT64_MAX);
    cr_assert_eq(mn_str_to_u64(MN_STR("18446744073709551616"), &u), MN_ERANGE);
    cr_assert_eq(mn_str_to_u64(MN_STR("-1"), &u), MN_EPARSE);
}

Test(str, doubles)
{
    double d;
    cr_assert_eq(mn_str_to_double(MN_STR("1.5"), &d), MN_OK);
    cr_assert_float_eq(d, 1.5, 1e-12);
    cr_assert_eq(mn_str_to_double(MN_STR("-2e3"), &d), MN_OK);
    cr_assert_float_eq(d, -2000.0, 1e-12);
    cr_assert_eq(mn_str_to_double(MN_STR("1e999"), &d), MN_ERANGE);
    cr_assert_eq(mn_str_to_double(MN_STR("nan"), &d), MN_EPARSE);
    cr_assert_eq(mn_str_to_double(MN_STR("0x1p3"), &d), MN_EPARSE);
    cr_assert_eq(mn_str_to_double(MN_STR("1.5x"), &d), MN_EPARSE);
    cr_assert_eq(mn_str_to_double(MN_STR(""), &d), MN_EPARSE);
}

Test(str, copies_and_hashes)
{
    mn_arena *a = mn_arena_new("t", 0);
    char buf[] = "abcdef";
    mn_str s = mn_str_make(buf, 3);
    char *c = mn_str_dup(a, s);
    cr_assert_str_eq(c, "abc");
    mn_str k = mn_str_clone(a, s);
    buf[0] = 'z';
    cr_assert(mn_str_eq_cstr(k, "abc"));
    cr_assert_eq(mn_str_hash(MN_STR("abc")), mn_str_hash(k));
    cr_assert_neq(mn_str_hash(MN_STR("abc")), mn_str_hash(MN_STR("abd")));
    cr_assert_eq(mn_str_hash_keyed(MN_STR("abc")), mn_str_hash_keyed(k));
    cr_assert_neq(mn_str_hash_keyed(MN_STR("abcdefghijk")), mn_str_hash_keyed(MN_STR("abcdefghijl")));
    mn_arena_free(a);
}

Test(error, records_and_prefixes)
{
    mn_err e = { 0 };
    cr_assert_eq(mn_err_set(&e, MN_EINVAL, "DEBUG=%s is not a boolean", "maybe"), MN_EINVAL);
    cr_assert_str_eq(e.msg, "DEBUG=maybe is not a boolean");
    mn_err_prefix(&e, "settings: ");
    cr_assert_str_eq(e.msg, "settings: DEBUG=maybe is not a boolean");
    cr_assert_eq(mn_err_set(NULL, MN_ENOMEM, "x"), MN_ENOMEM);
    mn_err_clear(&e);
    cr_assert_eq(e.code, 0);
    cr_assert_str_eq(e.msg, "");
    cr_assert_str_eq(mn_strerror(MN_ELIMIT), "limit exceeded");
    cr_assert_str_eq(mn_strerror(-999), "unknown error");
}

/* Long spellings of ordinary numbers parse (Python's float() takes them). */
Test(str, to_double_long_input)
{
    char buf[300] = "0.";
    memset(buf + 2, '0', 200);
    strcpy(buf + 202, "1");
    double d = 0;
    cr_assert_eq(mn_str_to_double(mn_str_from(buf), &d), MN_OK);
    cr_assert_eq(d, 1e-201);
    memset(buf, '1', 250);
    buf[250] = '\0';
    cr_assert_eq(mn_str_to_double(mn_str_from(buf), &d), MN_OK);
    cr_assert_float_eq(d, 1.1111111111111111e249, 1e235);
    buf[100] = 'x';
    cr_assert_eq(mn_str_to_double(mn_str_from(buf), &d), MN_EPARSE);
}
