/* Fuzz target for decimals: parses arbitrary text; whatever parses must
 * print and read back to an equal value with the same exponent, and
 * arithmetic, rounding and formatting on pairs of parsed values must never
 * misbehave (UBSan watches the 128-bit arithmetic). Input: one or two
 * numbers separated by a '|'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche/decimal.h"

static void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "decimal fuzz: %s on input '%.*s'\n", what, (int)size, (const char *)data);
    abort();
}

static void check_roundtrip(mn_decimal d, const uint8_t *data, size_t size)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 1 << 20);
    if (mn_decimal_write(&b, d) != MN_OK)
        fail("write failed", data, size);
    mn_decimal back;
    if (mn_decimal_parse(mn_buf_str(&b), &back, NULL) != MN_OK)
        fail("str() does not parse back", data, size);
    if (mn_decimal_cmp(back, d) != 0 || back.scale != d.scale)
        fail("str() reads back different", data, size);
    mn_buf_reset(&b);
    /* fixed notation may be long (1E+999999); the limit turns it into an error */
    if (mn_decimal_write_fixed(&b, d) == MN_OK && mn_decimal_parse(mn_buf_str(&b), &back, NULL) == MN_OK &&
        mn_decimal_cmp(back, d) != 0)
        fail("fixed text reads back different", data, size);
    mn_buf_reset(&b);
    for (int p = -3; p <= 3; p++) {
        mn_buf_reset(&b);
        mn_decimal_format_fixed(&b, d, p);
        mn_buf_reset(&b);
        mn_decimal_format_number(&b, d, 10, p < 0 ? -1 : p);
    }
    mn_buf_free(&b);
    double x = mn_decimal_to_double(d);
    if (x == x && mn_decimal_cmp_double(d, x) == 0 && mn_decimal_digits(d) <= 15) {
        mn_decimal y;
        if (mn_decimal_from_double(x, &y) != MN_OK)
            fail("from_double failed", data, size);
    }
    int64_t i;
    (void)mn_decimal_to_i64(d, &i);
    mn_decimal n;
    (void)mn_decimal_normalize(d, &n);
    mn_err err = {0};
    (void)mn_decimal_validate(d, 10, 2, &err);
    for (int m = 0; m < 8; m++) {
        mn_decimal q;
        if (mn_decimal_quantize(d, 2, (mn_rounding)m, &q) == MN_OK) {
            mn_decimal diff;
            if (mn_decimal_sub(d, q, &diff) == MN_OK && mn_decimal_cmp(mn_decimal_abs(diff), mn_decimal_make(1, 2)) > 0)
                fail("quantize moved more than one unit", data, size);
        }
    }
}

static void check_pair(mn_decimal a, mn_decimal b, const uint8_t *data, size_t size)
{
    mn_decimal r, s;
    if (mn_decimal_add(a, b, &r) == MN_OK && mn_decimal_add(b, a, &s) == MN_OK && mn_decimal_cmp(r, s) != 0)
        fail("add is not commutative", data, size);
    if (mn_decimal_mul(a, b, &r) == MN_OK && mn_decimal_mul(b, a, &s) == MN_OK && mn_decimal_cmp(r, s) != 0)
        fail("mul is not commutative", data, size);
    if (mn_decimal_sub(a, b, &r) == MN_OK && mn_decimal_sub(b, a, &s) == MN_OK &&
        mn_decimal_cmp(r, mn_decimal_neg(s)) != 0)
        fail("a - b != -(b - a)", data, size);
    int c = mn_decimal_cmp(a, b);
    if (c != -mn_decimal_cmp(b, a))
        fail("cmp is not antisymmetric", data, size);
    if (mn_decimal_sub(a, b, &r) == MN_OK && mn_decimal_digits(a) <= 28 && mn_decimal_digits(b) <= 28 &&
        mn_decimal_sign(r) != (c > 0) - (c < 0) && !mn_decimal_is_zero(r))
        fail("sign of a - b disagrees with cmp", data, size);
    (void)mn_decimal_truediv(a, b, &r);
    mn_decimal q, rem;
    if (mn_decimal_divmod(a, b, &q, &rem) == MN_OK && mn_decimal_digits(a) <= 20 && mn_decimal_digits(b) <= 20 &&
        a.scale >= -5 && a.scale <= 20 && b.scale >= -5 && b.scale <= 20) {
        /* a == b * q + r whenever the products stay exact */
        mn_decimal bq, back;
        if (mn_decimal_mul(b, q, &bq) == MN_OK && mn_decimal_digits(bq) < 28 && mn_decimal_add(bq, rem, &back) == MN_OK &&
            mn_decimal_digits(back) < 28 && mn_decimal_cmp(back, a) != 0)
            fail("b * (a // b) + a % b != a", data, size);
    }
    for (int m = 0; m < 8; m++)
        (void)mn_decimal_div(a, b, 2, (mn_rounding)m, &r);
    (void)mn_decimal_div(a, b, -5, MN_ROUND_HALF_EVEN, &r);
    (void)mn_decimal_div(a, b, 40, MN_ROUND_UP, &r);
    /* b's exponent as a quantize target */
    (void)mn_decimal_quantize(a, b.scale, MN_ROUND_HALF_EVEN, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const char *p = (const char *)data;
    const char *bar = memchr(p, '|', size);
    size_t la = bar ? (size_t)(bar - p) : size;
    mn_decimal a, b;
    mn_err err = {0};
    int ra = mn_decimal_parse(mn_str_make(p, la), &a, &err);
    if (ra != MN_OK && (ra != err.code || (ra != MN_EPARSE && ra != MN_ERANGE) || err.msg[0] == '\0'))
        fail("bad error report", data, size);
    if (ra == MN_OK)
        check_roundtrip(a, data, size);
    if (!bar)
        return 0;
    int rb = mn_decimal_parse(mn_str_make(bar + 1, size - la - 1), &b, NULL);
    if (rb == MN_OK)
        check_roundtrip(b, data, size);
    if (ra == MN_OK && rb == MN_OK)
        check_pair(a, b, data, size);
    return 0;
}
