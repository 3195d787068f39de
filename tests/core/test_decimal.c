/* Tests for exact decimals. The tables in decimal_cases.h were produced by
 * Python 3's decimal module and Django 3.2; regenerate them with
 *   /usr/bin/python3 tests/core/decimal_cases.py > tests/core/decimal_cases.h
 * Every row is an assertion against Python's or Django's output. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"
#include "decimal_cases.h"

static const char *MODE_NAMES[8] = { "HALF_EVEN", "HALF_UP", "HALF_DOWN", "DOWN", "UP", "FLOOR", "CEILING", "05UP" };

static mn_decimal P(const char *s)
{
    mn_decimal d;
    mn_err err = {0};
    int rc = mn_decimal_parse_cstr(s, &d, &err);
    cr_assert_eq(rc, MN_OK, "parse '%s': %d %s", s, rc, err.msg);
    return d;
}

/* str(d) into a static buffer (one at a time). */
static const char *S(mn_decimal d)
{
    static char out[256];
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_decimal_write(&b, d), MN_OK);
    snprintf(out, sizeof out, "%s", mn_buf_cstr(&b));
    mn_buf_free(&b);
    return out;
}

static const char *F(mn_decimal d)
{
    static char out[256];
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_decimal_write_fixed(&b, d), MN_OK);
    snprintf(out, sizeof out, "%s", mn_buf_cstr(&b));
    mn_buf_free(&b);
    return out;
}


Test(decimal, parse_matches_python)
{
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        mn_decimal d = P(parse_cases[i].in);
        cr_expect_str_eq(S(d), parse_cases[i].str, "str(Decimal('%s'))", parse_cases[i].in);
        cr_expect_str_eq(F(d), parse_cases[i].fixed, "'{:f}' of '%s'", parse_cases[i].in);
        cr_expect_eq(mn_decimal_digits(d), parse_cases[i].digits, "digits of '%s'", parse_cases[i].in);
        cr_expect_eq(mn_decimal_exponent(d), parse_cases[i].exponent, "exponent of '%s'", parse_cases[i].in);
        /* str() reads back to the same value and the same text */
        mn_decimal back = P(S(d));
        cr_expect_eq(mn_decimal_cmp(back, d), 0);
        cr_expect_eq(back.scale, d.scale);
    }
}

Test(decimal, parse_whitespace_and_underscores)
{
    cr_assert_str_eq(S(P("\xc2\xa0" "1.5\xe3\x80\x80")), "1.5"); /* NBSP, ideographic space */
    cr_assert_str_eq(S(P("\xe2\x80\xa8" "2\xe2\x80\xa9")), "2");
    cr_assert_str_eq(S(P("_-1")), "-1");
    cr_assert_str_eq(S(P("1_2_3.4_5e1_0")), "1.2345E+12");
    cr_assert_str_eq(S(P("1_")), "1");
    mn_decimal d = mn_decimal_make(7, 0);
    mn_str sl = mn_str_make("12.5xyz", 4); /* a slice, not NUL-terminated */
    cr_assert_eq(mn_decimal_parse(sl, &d, NULL), MN_OK);
    cr_assert_str_eq(S(d), "12.5");
}

Test(decimal, parse_rejects)
{
    static const char *bad[] = { "", "  ", "_", ".", "+", "-", "e5", "1e", "1e+", "1e+-5", "--1", "+-1", "1.2.3",
                                 "1 2", "1 _", "0x10", "1\x00", "abc", "1,5", "\xe2\x80\x8b" "1", "1\xc2\x85" "1",
                                 "12.50 EUR", "Infinityx", "inf1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mn_decimal d = mn_decimal_make(42, 0);
        mn_err err = {0};
        mn_str s = mn_str_make(bad[i], i == 16 ? 2 : strlen(bad[i]));
        cr_expect_eq(mn_decimal_parse(s, &d, &err), MN_EPARSE, "'%s' should not parse", bad[i]);
        cr_expect_eq(err.code, MN_EPARSE);
        cr_expect(strstr(err.msg, "decimal: '") == err.msg, "message: %s", err.msg);
        cr_expect_eq(mn_decimal_cmp(d, mn_decimal_make(42, 0)), 0, "out untouched");
    }
    static const char *special[] = { "NaN", "nan", "-nan", "NaN12", "sNaN", "snan7", "Inf", "-Infinity", "INF",
                                     "infinity", " +inf " };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        mn_decimal d;
        mn_err err = {0};
        cr_expect_eq(mn_decimal_parse_cstr(special[i], &d, &err), MN_EPARSE, "%s", special[i]);
        cr_expect(strstr(err.msg, "NaN is not allowed") || strstr(err.msg, "only finite numbers"), "%s: %s",
                  special[i], err.msg);
    }
    mn_err err = {0};
    mn_decimal d;
    cr_assert_eq(mn_decimal_parse_cstr(NULL, &d, &err), MN_EPARSE);
}

Test(decimal, parse_range_limits)
{
    mn_decimal d;
    mn_err err = {0};
    /* 38 significant digits fit, 39 do not; leading zeros do not count,
     * trailing ones do. */
    cr_assert_eq(mn_decimal_parse_cstr("99999999999999999999999999999999999999", &d, &err), MN_OK);
    cr_assert_eq(mn_decimal_parse_cstr("000099999999999999999999999999999999999999", &d, &err), MN_OK);
    cr_assert_eq(mn_decimal_parse_cstr("-0.00000000000000000000000000000000000012345678901234567890123456789012345678",
                                       &d, &err), MN_OK);
    cr_assert_str_eq(S(d), "-1.2345678901234567890123456789012345678E-37");
    cr_assert_eq(mn_decimal_parse_cstr("100000000000000000000000000000000000000", &d, &err), MN_ERANGE);
    cr_assert(strstr(err.msg, "more than 38 significant digits"), "%s", err.msg);
    cr_assert_eq(mn_decimal_parse_cstr("1.00000000000000000000000000000000000000", &d, NULL), MN_ERANGE);
    char longnum[5000];
    memset(longnum, '7', sizeof longnum - 1);
    longnum[sizeof longnum - 1] = '\0';
    cr_assert_eq(mn_decimal_parse_cstr(longnum, &d, NULL), MN_ERANGE);
    memset(longnum, '0', sizeof longnum - 1);
    cr_assert_eq(mn_decimal_parse_cstr(longnum, &d, NULL), MN_OK);
    cr_assert(mn_decimal_is_zero(d));
    /* exponents */
    cr_assert_str_eq(S(P("1E+999999")), "1E+999999");
    cr_assert_str_eq(S(P("1E-999999")), "1E-999999");
    cr_assert_eq(mn_decimal_parse_cstr("1E+999999", &d, NULL), MN_OK);
    cr_assert_eq(mn_decimal_parse_cstr("12E+999999", &d, NULL), MN_ERANGE); /* adjusted exponent > Emax */
    cr_assert_eq(mn_decimal_parse_cstr("1E-999999", &d, NULL), MN_OK);
    cr_assert_eq(mn_decimal_parse_cstr("1E-1000000", &d, &err), MN_ERANGE);
    cr_assert_eq(mn_decimal_parse_cstr("12E-1000000", &d, NULL), MN_OK); /* adjusted -999999 */
    cr_assert_str_eq(S(d), "1.2E-999999");
    cr_assert_eq(mn_decimal_parse_cstr("0E-1000000", &d, NULL), MN_ERANGE);
    cr_assert_eq(mn_decimal_parse_cstr("0E+1000000", &d, NULL), MN_ERANGE);
    cr_assert(strstr(err.msg, "exponent"), "%s", err.msg);
    cr_assert_eq(mn_decimal_parse_cstr("1e99999999999999999999999999", &d, NULL), MN_ERANGE);
    cr_assert_eq(mn_decimal_parse_cstr("1e-99999999999999999999999999", &d, NULL), MN_ERANGE);
}

static int arith(int op, mn_decimal a, mn_decimal b, mn_decimal *r)
{
    switch (op) {
    case 0: return mn_decimal_add(a, b, r);
    case 1: return mn_decimal_sub(a, b, r);
    case 2: return mn_decimal_mul(a, b, r);
    default: return mn_decimal_truediv(a, b, r);
    }
}

Test(decimal, arithmetic_matches_python)
{
    static const char *names[] = { "+", "-", "*", "/" };
    for (size_t i = 0; i < sizeof arith_cases / sizeof arith_cases[0]; i++) {
        mn_decimal a = P(arith_cases[i].a), b = P(arith_cases[i].b);
        const char *want[4] = { arith_cases[i].add, arith_cases[i].sub, arith_cases[i].mul, arith_cases[i].div };
        for (int op = 0; op < 4; op++) {
            mn_decimal r = mn_decimal_make(-42, 0);
            int rc = arith(op, a, b, &r);
            if (!want[op]) {
                cr_expect_eq(rc, MN_EINVAL, "%s %s %s should fail", arith_cases[i].a, names[op], arith_cases[i].b);
            } else if (strcmp(want[op], "range") == 0) {
                cr_expect_eq(rc, MN_ERANGE, "%s %s %s should be out of range", arith_cases[i].a, names[op],
                             arith_cases[i].b);
            } else {
                cr_expect_eq(rc, MN_OK, "%s %s %s: %d", arith_cases[i].a, names[op], arith_cases[i].b, rc);
                if (rc == MN_OK)
                    cr_expect_str_eq(S(r), want[op], "%s %s %s", arith_cases[i].a, names[op], arith_cases[i].b);
            }
            if (rc != MN_OK)
                cr_expect_eq(mn_decimal_cmp(r, mn_decimal_make(-42, 0)), 0, "out untouched on error");
        }
    }
}

Test(decimal, quantize_every_mode)
{
    for (size_t i = 0; i < sizeof quantize_cases / sizeof quantize_cases[0]; i++) {
        mn_decimal v = P(quantize_cases[i].v);
        for (int m = 0; m < 8; m++) {
            mn_decimal r;
            cr_expect_eq(mn_decimal_quantize(v, quantize_cases[i].places, (mn_rounding)m, &r), MN_OK);
            cr_expect_str_eq(S(r), quantize_cases[i].r[m], "quantize(%s, %d places, %s)", quantize_cases[i].v,
                             quantize_cases[i].places, MODE_NAMES[m]);
        }
    }
}

Test(decimal, div_to_scale_every_mode)
{
    for (size_t i = 0; i < sizeof div_cases / sizeof div_cases[0]; i++) {
        mn_decimal a = P(div_cases[i].a), b = P(div_cases[i].b);
        for (int m = 0; m < 8; m++) {
            mn_decimal r;
            cr_expect_eq(mn_decimal_div(a, b, div_cases[i].scale, (mn_rounding)m, &r), MN_OK);
            cr_expect_str_eq(S(r), div_cases[i].r[m], "%s / %s at %d places, %s", div_cases[i].a, div_cases[i].b,
                             div_cases[i].scale, MODE_NAMES[m]);
        }
    }
}

Test(decimal, normalize_matches_python)
{
    for (size_t i = 0; i < sizeof normalize_cases / sizeof normalize_cases[0]; i++) {
        mn_decimal r;
        cr_expect_eq(mn_decimal_normalize(P(normalize_cases[i].in), &r), MN_OK);
        cr_expect_str_eq(S(r), normalize_cases[i].out, "normalize(%s)", normalize_cases[i].in);
    }
}

Test(decimal, from_double_matches_python)
{
    for (size_t i = 0; i < sizeof double_cases / sizeof double_cases[0]; i++) {
        mn_decimal r;
        double v = double_cases[i].v;
        cr_expect_eq(mn_decimal_from_double(v, &r), MN_OK);
        cr_expect_str_eq(S(r), double_cases[i].repr, "Decimal(repr(%.17g))", v);
        cr_expect_eq(mn_decimal_to_double(r), v, "round trip of %.17g", v);
        cr_expect_eq(mn_decimal_from_double_prec(v, 5, &r), MN_OK);
        cr_expect_str_eq(S(r), double_cases[i].prec5, "create_decimal_from_float(%.17g) prec 5", v);
        cr_expect_eq(mn_decimal_from_double_prec(v, 20, &r), MN_OK);
        cr_expect_str_eq(S(r), double_cases[i].prec20, "create_decimal_from_float(%.17g) prec 20", v);
    }
    mn_decimal r;
    cr_assert_eq(mn_decimal_from_double(NAN, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_from_double(INFINITY, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_from_double_prec(-INFINITY, 10, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_from_double_prec(1.5, 0, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_from_double_prec(1.5, 39, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_from_double(-0.0, &r), MN_OK);
    cr_assert_str_eq(S(r), "0.0");
    /* every double in a sweep survives the round trip through its shortest text */
    double x = 1e-300;
    for (int i = 0; i < 2000; i++, x *= 1.4142135623730951 + i * 1e-7) {
        cr_assert_eq(mn_decimal_from_double(x, &r), MN_OK);
        cr_assert_eq(mn_decimal_to_double(r), x, "%.17g", x);
    }
}

Test(decimal, floatformat_matches_django)
{
    for (size_t i = 0; i < sizeof floatformat_cases / sizeof floatformat_cases[0]; i++) {
        mn_buf b;
        mn_buf_init(&b, NULL, 0);
        cr_expect_eq(mn_decimal_format_fixed(&b, P(floatformat_cases[i].v), floatformat_cases[i].places), MN_OK);
        cr_expect_str_eq(mn_buf_cstr(&b), floatformat_cases[i].r, "floatformat(%s, %d)", floatformat_cases[i].v,
                         floatformat_cases[i].places);
        mn_buf_free(&b);
    }
    /* exact beyond the 15 digits Django 3.2 keeps (it goes through float) */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_decimal_format_fixed(&b, P("12345678901234567890.125"), 2), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "12345678901234567890.13");
    mn_buf_reset(&b);
    cr_assert_eq(mn_decimal_format_fixed(&b, P("99999999999999999999999999999999999999"), 5), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "99999999999999999999999999999999999999.00000");
    mn_buf_reset(&b);
    cr_assert_eq(mn_decimal_format_fixed(&b, P("-9.9999999999999999999999999999999999999"), 2), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "-10.00");
    cr_assert_eq(mn_decimal_format_fixed(&b, P("1"), 1001), MN_EINVAL);
    mn_buf_free(&b);
}

Test(decimal, format_number_matches_django)
{
    for (size_t i = 0; i < sizeof format_number_cases / sizeof format_number_cases[0]; i++) {
        mn_buf b;
        mn_buf_init(&b, NULL, 0);
        int rc = mn_decimal_format_number(&b, P(format_number_cases[i].v), format_number_cases[i].max_digits,
                                          format_number_cases[i].places);
        if (format_number_cases[i].r) {
            cr_expect_eq(rc, MN_OK, "format_number(%s)", format_number_cases[i].v);
            cr_expect_str_eq(mn_buf_cstr(&b), format_number_cases[i].r, "format_number(%s, %d, %d)",
                             format_number_cases[i].v, format_number_cases[i].max_digits,
                             format_number_cases[i].places);
        } else {
            cr_expect_eq(rc, MN_ERANGE, "format_number(%s, %d, %d) should fail", format_number_cases[i].v,
                         format_number_cases[i].max_digits, format_number_cases[i].places);
        }
        mn_buf_free(&b);
    }
}

Test(decimal, validator_matches_django)
{
    for (size_t i = 0; i < sizeof validate_cases / sizeof validate_cases[0]; i++) {
        mn_err err = {0};
        int rc = mn_decimal_validate(P(validate_cases[i].v), validate_cases[i].max_digits, validate_cases[i].places,
                                     &err);
        if (validate_cases[i].msg) {
            cr_expect_eq(rc, MN_EINVAL, "%s (%d, %d)", validate_cases[i].v, validate_cases[i].max_digits,
                         validate_cases[i].places);
            cr_expect_str_eq(err.msg, validate_cases[i].msg, "%s (%d, %d)", validate_cases[i].v,
                             validate_cases[i].max_digits, validate_cases[i].places);
        } else {
            cr_expect_eq(rc, MN_OK, "%s (%d, %d): %s", validate_cases[i].v, validate_cases[i].max_digits,
                         validate_cases[i].places, err.msg);
        }
    }
}

Test(decimal, compare_with_doubles)
{
    for (size_t i = 0; i < sizeof cmp_double_cases / sizeof cmp_double_cases[0]; i++) {
        int r = mn_decimal_cmp_double(P(cmp_double_cases[i].v), cmp_double_cases[i].x);
        cr_expect_eq((r > 0) - (r < 0), cmp_double_cases[i].r, "Decimal('%s') vs %.17g", cmp_double_cases[i].v,
                     cmp_double_cases[i].x);
    }
}

Test(decimal, compare_across_scales)
{
    cr_assert_eq(mn_decimal_cmp(P("1.50"), P("1.5")), 0);
    cr_assert_eq(mn_decimal_cmp(P("1.10"), P("1.1")), 0);
    cr_assert_eq(mn_decimal_cmp(P("1.51"), P("1.5")), 1);
    cr_assert_eq(mn_decimal_cmp(P("-1.51"), P("-1.5")), -1);
    cr_assert_eq(mn_decimal_cmp(P("0.00000"), P("0E+5")), 0);
    cr_assert_eq(mn_decimal_cmp(P("-1E-30"), P("0")), -1);
    cr_assert_eq(mn_decimal_cmp(P("1E-30"), P("1E-29")), -1);
    cr_assert_eq(mn_decimal_cmp(P("1E+3"), P("1000.000")), 0);
    cr_assert_eq(mn_decimal_cmp(P("1E+999999"), P("99999999999999999999999999999999999999")), 1);
    cr_assert_eq(mn_decimal_cmp(P("-1E+999999"), P("-1E-999999")), -1);
    cr_assert_eq(mn_decimal_cmp(P("99999999999999999999999999999999999999"),
                                P("9999999999999999999999999999999999999.9")), 1);
    cr_assert(mn_decimal_is_negative(P("-0.001")));
    cr_assert(!mn_decimal_is_negative(P("-0.000")));
    cr_assert_eq(mn_decimal_sign(P("-3")), -1);
    cr_assert_eq(mn_decimal_sign(P("0.00")), 0);
    cr_assert_eq(mn_decimal_sign(P("3E-7")), 1);
    cr_assert(mn_decimal_is_zero(P("-0E+4")));
}

Test(decimal, negative_zero_is_plain_zero)
{
    mn_decimal r;
    cr_assert_str_eq(S(P("-0.00")), "0.00");
    cr_assert_eq(mn_decimal_mul(P("-5"), P("0.00"), &r), MN_OK);
    cr_assert_str_eq(S(r), "0.00");
    cr_assert_eq(mn_decimal_quantize(P("-0.001"), 2, MN_ROUND_HALF_EVEN, &r), MN_OK);
    cr_assert_str_eq(S(r), "0.00");
    cr_assert(!mn_decimal_is_negative(r));
    cr_assert_str_eq(S(mn_decimal_neg(P("0.0"))), "0.0");
}

Test(decimal, conversions)
{
    int64_t i;
    cr_assert_eq(mn_decimal_to_i64(P("-19.99"), &i), MN_OK);
    cr_assert_eq(i, -19);
    cr_assert_eq(mn_decimal_to_i64(P("1E+3"), &i), MN_OK);
    cr_assert_eq(i, 1000);
    cr_assert_eq(mn_decimal_to_i64(P("9223372036854775807.9"), &i), MN_OK);
    cr_assert_eq(i, INT64_MAX);
    cr_assert_eq(mn_decimal_to_i64(P("-9223372036854775808.9"), &i), MN_OK);
    cr_assert_eq(i, INT64_MIN);
    cr_assert_eq(mn_decimal_to_i64(P("9223372036854775808"), &i), MN_ERANGE);
    cr_assert_eq(mn_decimal_to_i64(P("-9223372036854775809"), &i), MN_ERANGE);
    cr_assert_eq(mn_decimal_to_i64(P("1E+19"), &i), MN_ERANGE);
    cr_assert_eq(mn_decimal_to_i64(P("0E+500"), &i), MN_OK);
    cr_assert_eq(i, 0);
    cr_assert_eq(mn_decimal_to_i64(P("5E-500"), &i), MN_OK);
    cr_assert_eq(i, 0);
    cr_assert_eq(mn_decimal_to_double(P("19.99")), 19.99);
    cr_assert_eq(mn_decimal_to_double(P("0.1")), 0.1);
    cr_assert_eq(mn_decimal_to_double(P("-1E+400")), -HUGE_VAL);
    cr_assert_eq(mn_decimal_to_double(P("1E-400")), 0.0);
    cr_assert_eq(mn_decimal_to_double(P("99999999999999999999999999999999999999")), 1e38);
    cr_assert_str_eq(S(mn_decimal_from_i64(INT64_MIN)), "-9223372036854775808");
    cr_assert_str_eq(S(mn_decimal_make(1999, 2)), "19.99");
    cr_assert_str_eq(S(mn_decimal_make(5, -3)), "5E+3");
    cr_assert_str_eq(S(mn_decimal_make(-5, 3)), "-0.005");
    cr_assert_str_eq(S(mn_decimal_abs(P("-12.50"))), "12.50");
    cr_assert_str_eq(S(mn_decimal_neg(P("12.50"))), "-12.50");
}

Test(decimal, limits_at_38_digits)
{
    mn_decimal max = P("99999999999999999999999999999999999999"), min = mn_decimal_neg(max), r;
    /* Python's context rounds these to 28 digits: so do we */
    cr_assert_eq(mn_decimal_add(max, max, &r), MN_OK);
    cr_assert_str_eq(S(r), "2.000000000000000000000000000E+38");
    cr_assert_eq(mn_decimal_mul(max, max, &r), MN_OK);
    cr_assert_str_eq(S(r), "1.000000000000000000000000000E+76");
    cr_assert_eq(mn_decimal_sub(min, max, &r), MN_OK);
    cr_assert_str_eq(S(r), "-2.000000000000000000000000000E+38");
    cr_assert_eq(mn_decimal_truediv(max, P("1E-38"), &r), MN_OK);
    cr_assert_str_eq(S(r), "1.000000000000000000000000000E+76");
    /* quantize and div report what does not fit */
    cr_assert_eq(mn_decimal_quantize(max, 0, MN_ROUND_HALF_EVEN, &r), MN_OK);
    cr_assert_eq(mn_decimal_quantize(max, 1, MN_ROUND_HALF_EVEN, &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_quantize(P("9999999999999999999999999999999999999.9"), 0, MN_ROUND_HALF_UP, &r), MN_OK);
    cr_assert_str_eq(S(r), "10000000000000000000000000000000000000");
    cr_assert_eq(mn_decimal_quantize(P("99999999999999999999999999999999999.999"), 2, MN_ROUND_HALF_UP, &r), MN_OK);
    cr_assert_str_eq(S(r), "100000000000000000000000000000000000.00");
    cr_assert_eq(mn_decimal_quantize(P("9999999999999999999999999999999999999.9"), 2, MN_ROUND_HALF_UP, &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_quantize(P("9999999999999999999999999999999999999.9"), 0, MN_ROUND_DOWN, &r), MN_OK);
    cr_assert_str_eq(S(r), "9999999999999999999999999999999999999");
    cr_assert_eq(mn_decimal_quantize(P("1"), 1000000, MN_ROUND_DOWN, &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_quantize(P("1"), 0, (mn_rounding)99, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_div(max, P("0.1"), 0, MN_ROUND_HALF_EVEN, &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_div(max, P("1"), 0, MN_ROUND_HALF_EVEN, &r), MN_OK);
    cr_assert_eq(mn_decimal_div(max, P("3"), 0, MN_ROUND_HALF_EVEN, &r), MN_OK);
    cr_assert_str_eq(S(r), "33333333333333333333333333333333333333");
    cr_assert_eq(mn_decimal_div(max, P("3"), 1, MN_ROUND_HALF_EVEN, &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_div(max, P("-0.00000000000000000000000000000000000001"), -76, MN_ROUND_HALF_EVEN, &r),
                 MN_OK);
    cr_assert_str_eq(S(r), "-1E+76");
    cr_assert_eq(mn_decimal_div(max, P("0"), 2, MN_ROUND_HALF_EVEN, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_div(P("0"), P("0"), 2, MN_ROUND_HALF_EVEN, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_truediv(P("0"), P("0"), &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_div(P("1"), P("3"), 0, (mn_rounding)-1, &r), MN_EINVAL);
    cr_assert_eq(mn_decimal_div(P("1E-999999"), P("1E+999999"), 2, MN_ROUND_UP, &r), MN_OK);
    cr_assert_str_eq(S(r), "0.01");
    cr_assert_eq(mn_decimal_div(P("1E-999999"), P("-1E+999999"), 2, MN_ROUND_FLOOR, &r), MN_OK);
    cr_assert_str_eq(S(r), "-0.01");
    cr_assert_eq(mn_decimal_div(P("1E-999999"), P("1E+999999"), 2, MN_ROUND_HALF_UP, &r), MN_OK);
    cr_assert_str_eq(S(r), "0.00");
    /* exponent overflow where Python raises Overflow */
    cr_assert_eq(mn_decimal_mul(P("1E+999999"), P("10"), &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_mul(P("1E+500000"), P("1E+499999"), &r), MN_OK);
    cr_assert_str_eq(S(r), "1E+999999");
    cr_assert_eq(mn_decimal_truediv(P("1E+999999"), P("0.1"), &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_mul(P("1E-999999"), P("0.1"), &r), MN_ERANGE);
    cr_assert_eq(mn_decimal_mul(P("0E-999999"), P("0.1"), &r), MN_OK); /* zeros clamp, as Python's do */
    cr_assert(mn_decimal_is_zero(r));
    cr_assert_eq(mn_decimal_add(P("1E+999999"), P("1E-999999"), &r), MN_OK);
    cr_assert_str_eq(S(r), "1.000000000000000000000000000E+999999");
    cr_assert_eq(mn_decimal_sub(P("1E+999999"), P("1E-999999"), &r), MN_OK);
    cr_assert_str_eq(S(r), "1.000000000000000000000000000E+999999");
}

Test(decimal, money)
{
    /* The guide's discounted price: price * (1 - discount / 100), exact. */
    mn_decimal price = P("19.99"), r, factor;
    cr_assert_eq(mn_decimal_truediv(mn_decimal_from_i64(10), mn_decimal_from_i64(100), &factor), MN_OK);
    cr_assert_eq(mn_decimal_sub(mn_decimal_from_i64(1), factor, &factor), MN_OK);
    cr_assert_str_eq(S(factor), "0.9");
    cr_assert_eq(mn_decimal_mul(price, factor, &r), MN_OK);
    cr_assert_str_eq(S(r), "17.991");
    cr_assert_eq(mn_decimal_quantize(r, 2, MN_ROUND_HALF_UP, &r), MN_OK);
    cr_assert_str_eq(S(r), "17.99");
    /* 0.1 + 0.2 is exactly 0.3 */
    cr_assert_eq(mn_decimal_add(P("0.1"), P("0.2"), &r), MN_OK);
    cr_assert_eq(mn_decimal_cmp(r, P("0.3")), 0);
    /* splitting 100.00 three ways */
    cr_assert_eq(mn_decimal_div(P("100.00"), P("3"), 2, MN_ROUND_DOWN, &r), MN_OK);
    cr_assert_str_eq(S(r), "33.33");
}

static const char *VS(mn_value v)
{
    static char out[128];
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_value_to_str(v, &b);
    snprintf(out, sizeof out, "%s", mn_buf_cstr(&b));
    mn_buf_free(&b);
    return out;
}

Test(decimal, value_semantics)
{
    cr_assert(mn_value_eq(mn_value_decimal(P("1.10")), mn_value_decimal(P("1.1"))));
    cr_assert(mn_value_eq(mn_value_decimal(P("1E+3")), mn_value_int(1000)));
    cr_assert(mn_value_eq(mn_value_decimal(P("0.5")), mn_value_float(0.5)));
    cr_assert(!mn_value_eq(mn_value_decimal(P("0.1")), mn_value_float(0.1)));
    int r = 0;
    cr_assert_eq(mn_value_cmp(mn_value_decimal(P("0.1")), mn_value_float(0.1), &r), MN_OK);
    cr_assert_lt(r, 0);
    cr_assert_eq(mn_value_cmp(mn_value_float(0.1), mn_value_decimal(P("0.1")), &r), MN_OK);
    cr_assert_gt(r, 0);
    cr_assert(!mn_value_truthy(mn_value_decimal(P("0E+3"))));
    cr_assert_str_eq(VS(mn_value_decimal(P("1E+3"))), "1E+3");
    cr_assert_str_eq(VS(mn_value_decimal(P("12.50"))), "12.50");
}

Test(decimal, value_repr)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_value_repr(mn_value_decimal(P("1E-7")), &b), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "Decimal('1E-7')");
    mn_buf_free(&b);
}

Test(decimal, to_cstr_in_arena)
{
    mn_arena *a = mn_arena_new("test", 0);
    cr_assert_not_null(a);
    char *s = mn_decimal_to_cstr(a, P("-1.50E-9"));
    cr_assert_str_eq(s, "-1.50E-9");
    cr_assert_str_eq(mn_decimal_to_cstr(a, mn_decimal_make(1999, 2)), "19.99");
    cr_assert_null(mn_decimal_to_cstr(NULL, P("1")));
    mn_arena_free(a);
    mn_arena *tiny = mn_arena_new("tiny", 64);
    cr_assert_not_null(tiny);
    cr_assert_null(mn_decimal_to_cstr(tiny, P("-1.2345678901234567890123456789012345678E-37")));
    mn_arena_free(tiny);
}

Test(decimal, random_differential_against_python)
{
    static const char *names[] = { "add", "sub", "mul", "truediv", "quantize", "div", "normalize", "floordiv", "mod" };
    for (size_t i = 0; i < sizeof random_cases / sizeof random_cases[0]; i++) {
        mn_decimal a = P(random_cases[i].a), b = P(random_cases[i].b);
        int places = random_cases[i].places;
        mn_rounding mode = (mn_rounding)random_cases[i].mode;
        for (int op = 0; op < 9; op++) {
            const char *want = random_cases[i].r[op];
            if (strcmp(want, "SKIP") == 0)
                continue;
            mn_decimal r;
            int rc;
            switch (op) {
            case 0: rc = mn_decimal_add(a, b, &r); break;
            case 1: rc = mn_decimal_sub(a, b, &r); break;
            case 2: rc = mn_decimal_mul(a, b, &r); break;
            case 3: rc = mn_decimal_truediv(a, b, &r); break;
            case 4: rc = mn_decimal_quantize(a, places, mode, &r); break;
            case 5: rc = mn_decimal_div(a, b, places, mode, &r); break;
            case 6: rc = mn_decimal_normalize(a, &r); break;
            case 7: rc = mn_decimal_divmod(a, b, &r, NULL); break;
            default: rc = mn_decimal_divmod(a, b, NULL, &r); break;
            }
            const char *got = rc == MN_EINVAL ? "EINVAL" : rc == MN_ERANGE ? "ERANGE" : rc ? "ERR" : S(r);
            cr_expect_str_eq(got, want, "%s(%s, %s) mode %s places %d", names[op], random_cases[i].a,
                             random_cases[i].b, MODE_NAMES[mode], places);
        }
        int c = mn_decimal_cmp(a, b);
        cr_expect_eq((c > 0) - (c < 0), random_cases[i].cmp, "cmp(%s, %s)", random_cases[i].a, random_cases[i].b);
    }
}

Test(decimal, divmod_matches_python)
{
    for (size_t i = 0; i < sizeof divmod_cases / sizeof divmod_cases[0]; i++) {
        mn_decimal a = P(divmod_cases[i].a), b = P(divmod_cases[i].b), q, r;
        int rc = mn_decimal_divmod(a, b, &q, &r);
        if (strcmp(divmod_cases[i].q, "EINVAL") == 0) {
            cr_expect_eq(rc, MN_EINVAL, "divmod(%s, %s)", divmod_cases[i].a, divmod_cases[i].b);
        } else if (strcmp(divmod_cases[i].q, "ERANGE") == 0) {
            cr_expect_eq(rc, MN_ERANGE, "divmod(%s, %s)", divmod_cases[i].a, divmod_cases[i].b);
        } else {
            cr_expect_eq(rc, MN_OK, "divmod(%s, %s)", divmod_cases[i].a, divmod_cases[i].b);
            cr_expect_str_eq(S(q), divmod_cases[i].q, "%s // %s", divmod_cases[i].a, divmod_cases[i].b);
            cr_expect_str_eq(S(r), divmod_cases[i].r, "%s %% %s", divmod_cases[i].a, divmod_cases[i].b);
        }
    }
}
