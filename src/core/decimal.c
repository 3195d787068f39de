/* Exact decimals: a 128-bit coefficient and a scale. */
#include <string.h>
#include "manouche/decimal.h"
#include "manouche/str.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

static i128 coef(mn_decimal d)
{
    return (i128)(((u128)(uint64_t)d.hi << 64) | d.lo);
}

static mn_decimal make(i128 c, int32_t scale)
{
    mn_decimal d;
    d.lo = (uint64_t)(u128)c;
    d.hi = (int64_t)(uint64_t)((u128)c >> 64);
    d.scale = scale;
    return d;
}

mn_decimal mn_decimal_from_i64(int64_t v) { return make(v, 0); }

bool mn_decimal_is_zero(mn_decimal d) { return d.lo == 0 && d.hi == 0; }

bool mn_decimal_is_negative(mn_decimal d) { return d.hi < 0; }

/* Compares |a| * 10^sa with |b| * 10^sb exactly, by dividing instead of
 * multiplying so nothing overflows. Both coefficients are non-negative. */
static int cmp_abs_scaled(u128 a, u128 b, int32_t shift_b)
{
    /* Compare a with b * 10^shift_b. */
    u128 q = a, r = 0;
    for (int32_t i = 0; i < shift_b; i++) {
        if (q == 0 && r == 0)
            return b ? -1 : 0;
        r = r || (q % 10 != 0);
        q /= 10;
    }
    if (q != b)
        return q < b ? -1 : 1;
    return r ? 1 : 0;
}

int mn_decimal_cmp(mn_decimal a, mn_decimal b)
{
    i128 ca = coef(a), cb = coef(b);
    bool na = ca < 0, nb = cb < 0;
    if (na != nb)
        return na ? -1 : 1;
    if (ca == 0 && cb == 0)
        return 0;
    u128 ua = na ? (u128)0 - (u128)ca : (u128)ca;
    u128 ub = nb ? (u128)0 - (u128)cb : (u128)cb;
    int c;
    if (a.scale >= b.scale)
        c = cmp_abs_scaled(ua, ub, a.scale - b.scale);
    else
        c = -cmp_abs_scaled(ub, ua, b.scale - a.scale);
    return na ? -c : c;
}

double mn_decimal_to_double(mn_decimal d)
{
    /* Through the decimal text so that the result is correctly rounded. */
    char tmp[64];
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_decimal_write(&b, d);
    double v = 0;
    if (!mn_buf_error(&b) && b.len < sizeof tmp) {
        memcpy(tmp, b.data, b.len + 1);
        mn_str_to_double(mn_str_from(tmp), &v);
    }
    mn_buf_free(&b);
    return v;
}

int mn_decimal_to_i64(mn_decimal d, int64_t *out)
{
    i128 c = coef(d);
    for (int32_t i = 0; i < d.scale; i++)
        c /= 10;
    if (c > INT64_MAX || c < INT64_MIN)
        return MN_ERANGE;
    *out = (int64_t)c;
    return MN_OK;
}

int mn_decimal_write(mn_buf *out, mn_decimal d)
{
    i128 c = coef(d);
    bool neg = c < 0;
    u128 u = neg ? (u128)0 - (u128)c : (u128)c;
    char digits[48];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    /* digits holds the coefficient reversed; pad so a point fits. */
    while ((int32_t)n <= d.scale)
        digits[n++] = '0';
    if (neg)
        mn_buf_putc(out, '-');
    for (size_t i = n; i > 0; i--) {
        if ((int32_t)i == d.scale)
            mn_buf_putc(out, '.');
        mn_buf_putc(out, digits[i - 1]);
    }
    return mn_buf_error(out);
}
