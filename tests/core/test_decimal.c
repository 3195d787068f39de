#include <criterion/criterion.h>
#include <stdio.h>
#include "manouche.h"

static mn_decimal dec(int64_t c, int32_t scale)
{
    mn_decimal d = mn_decimal_from_i64(c);
    d.scale = scale;
    return d;
}

static const char *fmt(mn_decimal d, char *out, size_t n)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_decimal_write(&b, d);
    snprintf(out, n, "%s", mn_buf_cstr(&b));
    mn_buf_free(&b);
    return out;
}

Test(decimal, write_keeps_scale)
{
    char t[64];
    cr_assert_str_eq(fmt(dec(0, 0), t, sizeof t), "0");
    cr_assert_str_eq(fmt(dec(0, 2), t, sizeof t), "0.00");
    cr_assert_str_eq(fmt(dec(1999, 2), t, sizeof t), "19.99");
    cr_assert_str_eq(fmt(dec(-5, 3), t, sizeof t), "-0.005");
    cr_assert_str_eq(fmt(dec(INT64_MIN, 0), t, sizeof t), "-9223372036854775808");
}

Test(decimal, compare_across_scales)
{
    cr_assert_eq(mn_decimal_cmp(dec(150, 2), dec(15, 1)), 0);
    cr_assert_eq(mn_decimal_cmp(dec(151, 2), dec(15, 1)), 1);
    cr_assert_eq(mn_decimal_cmp(dec(-151, 2), dec(-15, 1)), -1);
    cr_assert_eq(mn_decimal_cmp(dec(0, 5), dec(0, 0)), 0);
    cr_assert_eq(mn_decimal_cmp(dec(-1, 30), dec(0, 0)), -1);
    cr_assert_eq(mn_decimal_cmp(dec(1, 30), dec(1, 29)), -1);
    cr_assert(mn_decimal_is_negative(dec(-1, 3)));
    cr_assert(!mn_decimal_is_negative(dec(0, 3)));
}

Test(decimal, conversions)
{
    int64_t i;
    cr_assert_eq(mn_decimal_to_i64(dec(-1999, 2), &i), MN_OK);
    cr_assert_eq(i, -19);
    cr_assert_float_eq(mn_decimal_to_double(dec(1999, 2)), 19.99, 1e-12);
}
