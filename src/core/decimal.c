/* Exact decimals: a 128-bit coefficient and a scale (value = coef * 10^-scale).
 *
 * Everything is computed on an unpacked form (magnitude, exponent, sign).
 * Results that fit 128 bits take the fast paths; wider intermediates (the
 * exact product of two 38-digit numbers, a dividend shifted for 28 digits of
 * quotient, an addend aligned across exponents) use a small fixed-size
 * multi-limb integer, `wide`, so nothing ever overflows silently. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "manouche/decimal.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define P19 10000000000000000000ULL
static const u128 P10[39] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
    10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL, P19,
    (u128)P19 * 10ULL, (u128)P19 * 100ULL, (u128)P19 * 1000ULL, (u128)P19 * 10000ULL,
    (u128)P19 * 100000ULL, (u128)P19 * 1000000ULL, (u128)P19 * 10000000ULL,
    (u128)P19 * 100000000ULL, (u128)P19 * 1000000000ULL, (u128)P19 * 10000000000ULL,
    (u128)P19 * 100000000000ULL, (u128)P19 * 1000000000000ULL, (u128)P19 * 10000000000000ULL,
    (u128)P19 * 100000000000000ULL, (u128)P19 * 1000000000000000ULL,
    (u128)P19 * 10000000000000000ULL, (u128)P19 * 100000000000000000ULL,
    (u128)P19 * 1000000000000000000ULL, (u128)P19 * P19,
};
#define COEF_LIMIT P10[38] /* coefficients are below 10^38 */

/* The unpacked form: value = (neg ? -1 : 1) * m * 10^e. */
typedef struct unp {
    u128 m;
    int64_t e; /* wider than the stored scale so intermediate sums never wrap */
    bool neg;
} unp;

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

static unp unpack(mn_decimal d)
{
    i128 c = coef(d);
    unp u;
    u.neg = c < 0;
    u.m = u.neg ? (u128)0 - (u128)c : (u128)c;
    u.e = -(int64_t)d.scale;
    return u;
}

static int ndigits(u128 m)
{
    int n = 1;
    if (m >= P10[19]) {
        n = 20;
        while (n < 39 && m >= P10[n])
            n++;
        return n;
    }
    while (n < 19 && m >= P10[n])
        n++;
    return n;
}

/* Stores u into *out. Zero clamps its exponent into range (as Python clamps
 * zeros); a non-zero value out of range is MN_ERANGE. */
static int pack(unp u, mn_decimal *out)
{
    if (u.m >= COEF_LIMIT)
        return MN_ERANGE;
    if (u.m == 0) {
        if (u.e > MN_DECIMAL_MAX_EXP)
            u.e = MN_DECIMAL_MAX_EXP;
        if (u.e < -MN_DECIMAL_MAX_EXP)
            u.e = -MN_DECIMAL_MAX_EXP;
        *out = make(0, (int32_t)-u.e);
        return MN_OK;
    }
    /* Python's normal range: the adjusted exponent (that of the first digit)
     * within +-Emax. Above Python overflows; below it would go subnormal,
     * which we refuse instead. */
    if (u.e < -MN_DECIMAL_MAX_EXP || u.e > MN_DECIMAL_MAX_EXP - MN_DECIMAL_MAX_DIGITS) {
        int64_t adj = u.e + ndigits(u.m) - 1;
        if (adj > MN_DECIMAL_MAX_EXP || adj < -MN_DECIMAL_MAX_EXP)
            return MN_ERANGE;
    }
    i128 c = (i128)u.m;
    *out = make(u.neg ? -c : c, (int32_t)-u.e);
    return MN_OK;
}

/* Whether a truncated magnitude q must be incremented. half compares the
 * dropped part with one half unit (<0, 0, >0); inexact tells whether the
 * dropped part is non-zero. */
static bool round_inc(mn_rounding mode, bool neg, u128 q, int half, bool inexact)
{
    if (!inexact)
        return false;
    switch (mode) {
    case MN_ROUND_HALF_EVEN: return half > 0 || (half == 0 && (q & 1));
    case MN_ROUND_HALF_UP: return half >= 0;
    case MN_ROUND_HALF_DOWN: return half > 0;
    case MN_ROUND_DOWN: return false;
    case MN_ROUND_UP: return true;
    case MN_ROUND_FLOOR: return neg;
    case MN_ROUND_CEILING: return !neg;
    case MN_ROUND_05UP: return q % 10 == 0 || q % 10 == 5;
    }
    return false;
}

static bool mode_ok(mn_rounding mode)
{
    return (unsigned)mode <= (unsigned)MN_ROUND_05UP;
}

/* Drops `drop` low digits of m (drop >= 1) with rounding; returns the
 * rounded quotient (it may gain a digit: 999 -> 100 at drop 1 is 100). */
static u128 drop_digits(u128 m, int64_t drop, mn_rounding mode, bool neg)
{
    if (drop > 38) /* m < 10^38 < half a unit */
        return round_inc(mode, neg, 0, -1, m != 0) ? 1 : 0;
    u128 p = P10[drop];
    u128 q = m / p, r = m % p, h = p / 2;
    int half = r < h ? -1 : r > h;
    return q + (round_inc(mode, neg, q, half, r != 0) ? 1 : 0);
}

/* Rounds u to at most prec digits (Python's _fix without the exponent
 * limits, which pack checks). */
static unp fix128(unp u, int prec, mn_rounding mode)
{
    if (u.m < P10[prec])
        return u;
    int n = ndigits(u.m);
    if (n <= prec)
        return u;
    int drop = n - prec;
    u.m = drop_digits(u.m, drop, mode, u.neg);
    u.e += drop;
    if (u.m == P10[prec]) {
        u.m /= 10;
        u.e += 1;
    }
    return u;
}

/* ---- wide unsigned integers: 32-bit limbs, little-endian ---- */

#define WL 24 /* 768 bits; the widest intermediate is about 360 bits */

typedef struct wide {
    uint32_t w[WL];
    int n; /* limbs in use; w[n - 1] != 0 unless n == 0 */
} wide;

static void w_trim(wide *a)
{
    while (a->n > 0 && a->w[a->n - 1] == 0)
        a->n--;
}

static void w_set(wide *a, u128 v)
{
    a->n = 0;
    while (v) {
        a->w[a->n++] = (uint32_t)v;
        v >>= 32;
    }
}

static bool w_fits(const wide *a) { return a->n <= 4; }

static u128 w_get(const wide *a)
{
    u128 v = 0;
    for (int i = a->n; i > 0; i--)
        v = (v << 32) | a->w[i - 1];
    return v;
}

static void w_mul_small(wide *a, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t p = (uint64_t)a->w[i] * m + carry;
        a->w[i] = (uint32_t)p;
        carry = p >> 32;
    }
    if (carry && a->n < WL)
        a->w[a->n++] = (uint32_t)carry;
}

static void w_mul_pow10(wide *a, int64_t k)
{
    for (; k >= 9; k -= 9)
        w_mul_small(a, 1000000000u);
    if (k > 0)
        w_mul_small(a, (uint32_t)P10[k]);
}

static uint32_t w_div_small(wide *a, uint32_t d)
{
    uint64_t r = 0;
    for (int i = a->n; i > 0; i--) {
        uint64_t cur = (r << 32) | a->w[i - 1];
        a->w[i - 1] = (uint32_t)(cur / d);
        r = cur % d;
    }
    w_trim(a);
    return (uint32_t)r;
}

static int w_cmp(const wide *a, const wide *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    for (int i = a->n; i > 0; i--)
        if (a->w[i - 1] != b->w[i - 1])
            return a->w[i - 1] < b->w[i - 1] ? -1 : 1;
    return 0;
}

static void w_add(wide *a, const wide *b)
{
    uint64_t carry = 0;
    int n = a->n > b->n ? a->n : b->n;
    for (int i = 0; i < n; i++) {
        uint64_t s = carry + (i < a->n ? a->w[i] : 0) + (i < b->n ? b->w[i] : 0);
        a->w[i] = (uint32_t)s;
        carry = s >> 32;
    }
    a->n = n;
    if (carry && a->n < WL)
        a->w[a->n++] = (uint32_t)carry;
}

/* a -= b, with a >= b. */
static void w_sub(wide *a, const wide *b)
{
    uint64_t borrow = 0;
    for (int i = 0; i < a->n; i++) {
        uint64_t s = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
        a->w[i] = (uint32_t)s;
        borrow = (s >> 32) ? 1 : 0;
    }
    w_trim(a);
}

static void w_mul(wide *r, const wide *a, const wide *b)
{
    uint32_t t[2 * WL] = {0};
    for (int i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->n; j++) {
            uint64_t p = (uint64_t)a->w[i] * b->w[j] + t[i + j] + carry;
            t[i + j] = (uint32_t)p;
            carry = p >> 32;
        }
        t[i + b->n] = (uint32_t)carry;
    }
    int n = a->n + b->n;
    if (n > WL)
        n = WL; /* callers keep products far below WL limbs */
    memcpy(r->w, t, (size_t)n * sizeof t[0]);
    r->n = n;
    w_trim(r);
}

/* q = a / b, r = a % b (b non-zero): Knuth's algorithm D. */
static void w_divmod(const wide *a, const wide *b, wide *q, wide *r)
{
    if (w_cmp(a, b) < 0) {
        q->n = 0;
        *r = *a;
        return;
    }
    if (b->n == 1) {
        *q = *a;
        w_set(r, w_div_small(q, b->w[0]));
        return;
    }
    int n = b->n, m = a->n - n;
    int s = __builtin_clz(b->w[n - 1]);
    uint32_t vn[WL], un[WL + 1];
    for (int i = n - 1; i > 0; i--)
        vn[i] = (b->w[i] << s) | (s ? b->w[i - 1] >> (32 - s) : 0);
    vn[0] = b->w[0] << s;
    un[a->n] = s ? a->w[a->n - 1] >> (32 - s) : 0;
    for (int i = a->n - 1; i > 0; i--)
        un[i] = (a->w[i] << s) | (s ? a->w[i - 1] >> (32 - s) : 0);
    un[0] = a->w[0] << s;
    const uint64_t B = (uint64_t)1 << 32;
    for (int j = m; j >= 0; j--) {
        uint64_t num = ((uint64_t)un[j + n] << 32) | un[j + n - 1];
        uint64_t qhat = num / vn[n - 1], rhat = num % vn[n - 1];
        while (qhat >= B || qhat * vn[n - 2] > ((rhat << 32) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >= B)
                break;
        }
        uint64_t carry = 0, borrow = 0;
        for (int i = 0; i < n; i++) {
            uint64_t p = qhat * vn[i] + carry;
            carry = p >> 32;
            uint64_t t = (uint64_t)un[i + j] - (uint32_t)p - borrow;
            un[i + j] = (uint32_t)t;
            borrow = (t >> 32) ? 1 : 0;
        }
        uint64_t t = (uint64_t)un[j + n] - carry - borrow;
        un[j + n] = (uint32_t)t;
        if (t >> 32) { /* qhat was one too large: add the divisor back */
            qhat--;
            uint64_t c = 0;
            for (int i = 0; i < n; i++) {
                uint64_t s2 = (uint64_t)un[i + j] + vn[i] + c;
                un[i + j] = (uint32_t)s2;
                c = s2 >> 32;
            }
            un[j + n] = (uint32_t)((uint64_t)un[j + n] + c);
        }
        q->w[j] = (uint32_t)qhat;
    }
    q->n = m + 1;
    w_trim(q);
    for (int i = 0; i < n; i++)
        r->w[i] = (un[i] >> s) | (s ? (uint32_t)((uint64_t)un[i + 1] << (32 - s)) : 0);
    r->n = n;
    w_trim(r);
}

static int w_ndigits(const wide *a)
{
    if (w_fits(a))
        return ndigits(w_get(a));
    wide t = *a;
    int n = 0;
    while (!w_fits(&t)) {
        w_div_small(&t, 1000000000u);
        n += 9;
    }
    return n + ndigits(w_get(&t));
}

/* Rounds a wide magnitude to at most prec digits: the result fits u128. */
static unp fix_wide(const wide *m, int64_t e, bool neg, int prec, mn_rounding mode)
{
    unp u = { 0, e, neg };
    int n = w_ndigits(m);
    if (n <= prec) {
        u.m = w_get(m);
        return u;
    }
    int drop = n - prec;
    wide p, h, q, r;
    w_set(&p, 1);
    w_mul_pow10(&p, drop);
    h = p;
    w_div_small(&h, 2);
    w_divmod(m, &p, &q, &r);
    int half = w_cmp(&r, &h);
    u.m = w_get(&q);
    if (round_inc(mode, neg, u.m, half, r.n != 0))
        u.m++;
    u.e += drop;
    if (u.m == P10[prec]) {
        u.m /= 10;
        u.e += 1;
    }
    return u;
}

/* ---- construction ---- */

mn_decimal mn_decimal_from_i64(int64_t v) { return make(v, 0); }

mn_decimal mn_decimal_make(int64_t c, int32_t scale)
{
    if (scale > MN_DECIMAL_MAX_EXP)
        scale = MN_DECIMAL_MAX_EXP;
    if (scale < -MN_DECIMAL_MAX_EXP)
        scale = -MN_DECIMAL_MAX_EXP;
    return make(c, scale);
}

bool mn_decimal_is_zero(mn_decimal d) { return d.lo == 0 && d.hi == 0; }

bool mn_decimal_is_negative(mn_decimal d) { return d.hi < 0; }

int mn_decimal_sign(mn_decimal d)
{
    return d.hi < 0 ? -1 : !mn_decimal_is_zero(d);
}

int mn_decimal_digits(mn_decimal d) { return ndigits(unpack(d).m); }

int32_t mn_decimal_exponent(mn_decimal d) { return -d.scale; }

mn_decimal mn_decimal_neg(mn_decimal d)
{
    /* Unsigned negation: defined even for a hand-built out-of-range struct. */
    return make((i128)((u128)0 - (u128)coef(d)), d.scale);
}

mn_decimal mn_decimal_abs(mn_decimal d)
{
    return mn_decimal_is_negative(d) ? mn_decimal_neg(d) : d;
}

/* Builds a decimal from significant digits (ASCII, most significant first,
 * no leading zeros unless the value is zero) and an exponent. More than prec
 * digits are rounded with mode when round is true, else MN_ERANGE. */
static int from_digits(const char *dig, int n, int64_t e, bool neg, int prec, bool round,
                       mn_rounding mode, mn_decimal *out)
{
    int keep = n;
    int half = -1;
    bool inexact = false;
    if (n > prec) {
        if (!round)
            return MN_ERANGE;
        keep = prec;
        int rd = dig[prec] - '0';
        bool rest = false;
        for (int i = prec + 1; i < n; i++)
            if (dig[i] != '0') {
                rest = true;
                break;
            }
        half = rd > 5 ? 1 : rd < 5 ? -1 : rest ? 1 : 0;
        inexact = rd != 0 || rest;
        e += n - prec;
    }
    u128 m = 0;
    for (int i = 0; i < keep; i++)
        m = m * 10 + (u128)(dig[i] - '0');
    unp u = { m, e, neg };
    if (round_inc(mode, neg, m, half, inexact)) {
        u.m++;
        if (u.m == P10[keep]) {
            u.m /= 10;
            u.e++;
        }
    }
    return pack(u, out);
}

/* ---- parsing ---- */

/* Length of a UTF-8 whitespace character at p (Python's str.isspace), or 0. */
static size_t space_at(const unsigned char *p, size_t n)
{
    if (n >= 1 && ((p[0] >= 0x09 && p[0] <= 0x0d) || (p[0] >= 0x1c && p[0] <= 0x20)))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
        return 2;
    if (n >= 3 && p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80)
        return 3; /* U+1680 */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
        ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 || p[2] == 0xaf))
        return 3; /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f)
        return 3; /* U+205F */
    if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3; /* U+3000 */
    return 0;
}

static size_t space_before(const unsigned char *p, size_t n)
{
    for (size_t k = 1; k <= 3 && k <= n; k++)
        if (space_at(p + n - k, k) == k)
            return k;
    return 0;
}

/* The input, shortened and with unprintable bytes replaced, for messages. */
static void quote_input(mn_str s, char *q, size_t cap)
{
    size_t n = 0, i = 0;
    for (; i < s.len && n + 4 < cap; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        q[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
    }
    if (i < s.len) {
        memcpy(q + n, "...", 3);
        n += 3;
    }
    q[n] = '\0';
}

/* A cursor over the trimmed text that skips underscores, as CPython drops
 * every underscore before parsing. */
typedef struct cursor {
    const char *p;
    size_t n, i;
} cursor;

static int peek(cursor *c)
{
    while (c->i < c->n && c->p[c->i] == '_')
        c->i++;
    return c->i < c->n ? (unsigned char)c->p[c->i] : -1;
}

static bool is_digit(int ch) { return ch >= '0' && ch <= '9'; }

/* Recognises Python's special values (inf, infinity, nan, snan, with
 * optional NaN payload digits) at the cursor, case-insensitively. */
static const char *special_word(cursor *c)
{
    char w[16];
    size_t n = 0;
    int ch;
    while ((ch = peek(c)) >= 0 && n < sizeof w - 1) {
        w[n++] = (char)ch;
        c->i++;
    }
    if (peek(c) >= 0)
        return NULL;
    w[n] = '\0';
    if (strcasecmp(w, "inf") == 0 || strcasecmp(w, "infinity") == 0)
        return "is infinite, only finite numbers are allowed";
    while (n > 0 && is_digit(w[n - 1]))
        w[--n] = '\0';
    if (strcasecmp(w, "nan") == 0 || strcasecmp(w, "snan") == 0)
        return "is not a number (NaN is not allowed)";
    return NULL;
}

int mn_decimal_parse(mn_str s, mn_decimal *out, mn_err *err)
{
    char shown[48];
    const unsigned char *p = (const unsigned char *)s.ptr;
    size_t n = p ? s.len : 0, k;
    while (n > 0 && (k = space_at(p, n)) > 0) {
        p += k;
        n -= k;
    }
    while (n > 0 && (k = space_before(p, n)) > 0)
        n -= k;
    quote_input(s, shown, sizeof shown);
    cursor c = { (const char *)p, n, 0 };
    bool neg = false;
    int ch = peek(&c);
    if (ch == '+' || ch == '-') {
        neg = ch == '-';
        c.i++;
        ch = peek(&c);
    }
    if (ch >= 0 && ((ch | 0x20) == 'i' || (ch | 0x20) == 'n' || (ch | 0x20) == 's')) {
        const char *why = special_word(&c);
        if (why)
            return mn_err_set(err, MN_EPARSE, "decimal: '%s' %s", shown, why);
        return mn_err_set(err, MN_EPARSE, "decimal: '%s' is not a decimal number", shown);
    }
    /* Significant digits (leading zeros dropped), fraction length, exponent. */
    char dig[MN_DECIMAL_MAX_DIGITS + 1];
    int nd = 0;        /* significant digits kept in dig */
    int64_t extra = 0; /* significant digits beyond dig */
    int64_t frac = 0;  /* digits after the point */
    bool any = false, point = false;
    for (;;) {
        ch = peek(&c);
        if (ch == '.' && !point) {
            point = true;
            c.i++;
            continue;
        }
        if (!is_digit(ch))
            break;
        c.i++;
        any = true;
        if (point && frac < INT64_MAX / 4)
            frac++;
        if (nd == 0 && ch == '0')
            continue;
        if (nd < MN_DECIMAL_MAX_DIGITS + 1)
            dig[nd++] = (char)ch;
        else if (extra < INT64_MAX / 4)
            extra++;
    }
    if (!any)
        return mn_err_set(err, MN_EPARSE, "decimal: '%s' is not a decimal number", shown);
    int64_t exp = 0;
    if (ch == 'e' || ch == 'E') {
        c.i++;
        bool eneg = false;
        ch = peek(&c);
        if (ch == '+' || ch == '-') {
            eneg = ch == '-';
            c.i++;
        }
        bool edig = false;
        while (is_digit(ch = peek(&c))) {
            c.i++;
            edig = true;
            if (exp < 1000000000000LL)
                exp = exp * 10 + (ch - '0');
        }
        if (!edig)
            return mn_err_set(err, MN_EPARSE, "decimal: '%s' has an empty exponent", shown);
        if (eneg)
            exp = -exp;
    }
    if (peek(&c) >= 0)
        return mn_err_set(err, MN_EPARSE, "decimal: '%s' is not a decimal number", shown);
    if (nd + extra > MN_DECIMAL_MAX_DIGITS)
        return mn_err_set(err, MN_ERANGE, "decimal: '%s' has more than %d significant digits", shown,
                          MN_DECIMAL_MAX_DIGITS);
    int64_t e = exp - frac;
    int64_t adj = nd > 0 ? e + nd - 1 : e;
    if (adj > MN_DECIMAL_MAX_EXP || adj < -MN_DECIMAL_MAX_EXP)
        return mn_err_set(err, MN_ERANGE, "decimal: the exponent of '%s' is out of range (at most %d)", shown,
                          MN_DECIMAL_MAX_EXP);
    return from_digits(dig, nd, e, neg, MN_DECIMAL_MAX_DIGITS, false, MN_ROUND_HALF_EVEN, out);
}

int mn_decimal_parse_cstr(const char *s, mn_decimal *out, mn_err *err)
{
    return mn_decimal_parse(mn_str_from(s), out, err);
}

/* ---- floats ---- */

/* Splits "%.*e" text into significant digits (no point) and the decimal
 * exponent of the first digit. Returns the digit count. */
static int split_e(const char *txt, char *dig, int *x)
{
    int n = 0;
    const char *p = txt;
    if (*p == '-')
        p++;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            dig[n++] = *p;
    *x = *p == 'e' ? atoi(p + 1) : 0;
    return n;
}

/* Adds dir (+1 or -1) units in the last place to the n digits at dig with
 * first-digit exponent *x; returns the new digit count (0: no such number). */
static int step_digits(char *dig, int n, int *x, int dir)
{
    int k = n - 1;
    if (dir > 0) {
        while (k >= 0 && dig[k] == '9')
            dig[k--] = '0';
        if (k >= 0) {
            dig[k]++;
            return n;
        }
        dig[0] = '1'; /* 99 + 1 = 100: same digit count, one more place */
        for (int i = 1; i < n; i++)
            dig[i] = '0';
        ++*x;
        return n;
    }
    while (k >= 0 && dig[k] == '0')
        dig[k--] = '9';
    if (k < 0)
        return 0;
    dig[k]--;
    if (dig[0] != '0')
        return n;
    if (n == 1)
        return 0;
    memmove(dig, dig + 1, (size_t)(n - 1)); /* 100 - 1 = 99 */
    --*x;
    return n - 1;
}

static double digits_value(const char *dig, int n, int x)
{
    char t[48];
    snprintf(t, sizeof t, "%c.%.*se%d", dig[0], n - 1, n > 1 ? dig + 1 : "", x);
    return strtod(t, NULL);
}

int mn_decimal_from_double(double v, mn_decimal *out)
{
    if (!isfinite(v))
        return MN_EINVAL;
    bool neg = signbit(v);
    double a = fabs(v);
    if (a == 0)
        return pack((unp){ 0, -1, false }, out); /* repr(0.0) is "0.0" */
    char txt[40], best[24];
    int n = 0, x = 0;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(txt, sizeof txt, "%.*e", prec - 1, a);
        n = split_e(txt, best, &x);
        double got = strtod(txt, NULL);
        if (got == a)
            break;
        /* The nearest prec-digit number can miss the rounding interval
         * (narrower below powers of two) while its neighbour on the other
         * side of v lies inside it: that one is then the shortest. */
        char alt[24];
        int ax = x;
        memcpy(alt, best, (size_t)n);
        int an = step_digits(alt, n, &ax, got < a ? 1 : -1);
        if (an > 0 && digits_value(alt, an, ax) == a) {
            memcpy(best, alt, (size_t)an);
            n = an;
            x = ax;
            break;
        }
    }
    /* Trailing zeros are not significant in repr's digits. */
    while (n > 1 && best[n - 1] == '0')
        n--;
    /* Python's repr: fixed notation for 1e-4 <= |v| < 1e16 with at least
     * one fractional digit, else d.dddde+XX. */
    int64_t e;
    if (x >= -4 && x < 16) {
        int64_t fracd = (int64_t)n - x - 1;
        e = -(fracd < 1 ? 1 : fracd);
        /* pad the coefficient with the zeros the fixed form shows */
        int64_t pad = (int64_t)x - (n - 1) - e;
        while (pad-- > 0)
            best[n++] = '0';
    } else {
        e = (int64_t)x - (n - 1);
    }
    return from_digits(best, n, e, neg, MN_DECIMAL_MAX_DIGITS, false, MN_ROUND_HALF_EVEN, out);
}

/* The exact decimal expansion of a finite non-zero double: significant
 * digits without trailing zeros and the exponent of the last digit. */
static int exact_double(double a, char *dig, int64_t *e)
{
    static const int P = 800; /* a double has at most 767 significant digits */
    char txt[840];
    snprintf(txt, sizeof txt, "%.*e", P, a);
    int x;
    int n = split_e(txt, dig, &x);
    while (n > 1 && dig[n - 1] == '0')
        n--;
    *e = (int64_t)x - (n - 1);
    return n;
}

int mn_decimal_from_double_prec(double v, int prec, mn_decimal *out)
{
    if (!isfinite(v) || prec < 1 || prec > MN_DECIMAL_MAX_DIGITS)
        return MN_EINVAL;
    if (v == 0)
        return pack((unp){ 0, 0, false }, out);
    char dig[840];
    int64_t e;
    int n = exact_double(fabs(v), dig, &e);
    /* Decimal.from_float gives integers exponent 0 (100.0 -> "100"). */
    if (e > 0 && n + e <= (int64_t)sizeof dig) {
        memset(dig + n, '0', (size_t)e);
        n += (int)e;
        e = 0;
    }
    return from_digits(dig, n, e, signbit(v), prec, true, MN_ROUND_HALF_EVEN, out);
}

static const char PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Writes the decimal digits of v ending just before end; returns where
 * they start. */
static char *u64_digits_back(uint64_t v, char *end)
{
    while (v >= 100) {
        unsigned k = (unsigned)(v % 100) * 2;
        v /= 100;
        *--end = PAIRS[k + 1];
        *--end = PAIRS[k];
    }
    if (v >= 10) {
        *--end = PAIRS[v * 2 + 1];
        *--end = PAIRS[v * 2];
    } else {
        *--end = (char)('0' + v);
    }
    return end;
}

/* Writes the coefficient digits of m into buf (no terminator); returns count. */
static int u128_digits(u128 m, char *buf)
{
    char tmp[48];
    char *end = tmp + sizeof tmp, *p;
    if (m <= UINT64_MAX) {
        p = u64_digits_back((uint64_t)m, end);
    } else {
        /* Low 19 digits zero-padded, then the rest (under 10^19 again
         * once more, as m < 2^128 < 10^39). */
        uint64_t low = (uint64_t)(m % P19);
        m /= P19;
        p = u64_digits_back(low, end);
        while (p > end - 19)
            *--p = '0';
        if (m > UINT64_MAX) {
            low = (uint64_t)(m % P19);
            m /= P19;
            p = u64_digits_back(low, p);
            while (p > end - 38)
                *--p = '0';
        }
        p = u64_digits_back((uint64_t)m, p);
    }
    int n = (int)(end - p);
    memcpy(buf, p, (size_t)n);
    return n;
}

double mn_decimal_to_double(mn_decimal d)
{
    unp u = unpack(d);
    if (u.m == 0)
        return 0.0;
    char txt[64];
    int n = u128_digits(u.m, txt + 1);
    txt[0] = u.neg ? '-' : '+';
    snprintf(txt + 1 + n, sizeof txt - 1 - (size_t)n, "e%lld", (long long)u.e);
    return strtod(txt, NULL);
}

int mn_decimal_to_i64(mn_decimal d, int64_t *out)
{
    unp u = unpack(d);
    u128 m = u.m;
    if (u.e < 0)
        m = u.e < -38 ? 0 : m / P10[-u.e];
    else if (u.e > 0 && m != 0) {
        if (u.e > 19 || __builtin_mul_overflow(m, P10[u.e], &m))
            return MN_ERANGE;
    }
    if (u.neg ? m > (u128)INT64_MAX + 1 : m > (u128)INT64_MAX)
        return MN_ERANGE;
    *out = u.neg ? (int64_t)(0 - (uint64_t)m) : (int64_t)m;
    return MN_OK;
}

/* ---- comparison ---- */

static int cmp_unp_abs(unp a, unp b)
{
    if (a.m == 0 || b.m == 0)
        return (a.m != 0) - (b.m != 0);
    int na = ndigits(a.m), nb = ndigits(b.m);
    int64_t adja = a.e + na - 1, adjb = b.e + nb - 1;
    if (adja != adjb)
        return adja < adjb ? -1 : 1;
    /* Same magnitude: align the coefficients (the shift is under 38). */
    u128 x = a.m, y = b.m;
    if (a.e > b.e)
        x *= P10[a.e - b.e];
    else if (b.e > a.e)
        y *= P10[b.e - a.e];
    return x < y ? -1 : x > y;
}

int mn_decimal_cmp(mn_decimal a, mn_decimal b)
{
    unp ua = unpack(a), ub = unpack(b);
    int sa = ua.m == 0 ? 0 : ua.neg ? -1 : 1;
    int sb = ub.m == 0 ? 0 : ub.neg ? -1 : 1;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int c = cmp_unp_abs(ua, ub);
    return sa < 0 ? -c : c;
}

int mn_decimal_cmp_double(mn_decimal d, double x)
{
    if (x != x)
        return 1;
    int sd = mn_decimal_sign(d);
    int sx = x < 0 ? -1 : x > 0;
    if (sd != sx || sd == 0)
        return sd < sx ? -1 : sd > sx;
    if (isinf(x))
        return sx > 0 ? -1 : 1;
    /* Correct rounding is monotonic: if d rounds to a different double than
     * x, the order of the doubles is the order of the values. */
    double y = mn_decimal_to_double(d);
    if (y != x)
        return y < x ? -1 : 1;
    char dig[840];
    int64_t e;
    int n = exact_double(fabs(x), dig, &e);
    unp u = unpack(d);
    char dd[40];
    int nd = u128_digits(u.m, dd);
    while (nd > 1 && dd[nd - 1] == '0') {
        nd--;
        u.e++;
    }
    int c;
    int64_t adjd = u.e + nd - 1, adjx = e + n - 1;
    if (adjd != adjx) {
        c = adjd < adjx ? -1 : 1;
    } else {
        c = 0;
        int m = nd > n ? nd : n;
        for (int i = 0; i < m && c == 0; i++) {
            char a = i < nd ? dd[i] : '0', b = i < n ? dig[i] : '0';
            c = a < b ? -1 : a > b;
        }
    }
    return sd < 0 ? -c : c;
}

/* ---- arithmetic ---- */

/* Python's add in the default context (prec 28, half-even). */
static int add_unp(unp a, unp b, mn_decimal *out)
{
    const int prec = MN_DECIMAL_PREC;
    int64_t emin = a.e < b.e ? a.e : b.e;
    if (a.m == 0 && b.m == 0)
        return pack((unp){ 0, emin, false }, out);
    if (a.m == 0 || b.m == 0) {
        /* Python rescales the other operand down to the zero's exponent,
         * but never more than prec + 1 places below its own. */
        unp x = a.m == 0 ? b : a;
        int64_t exp = emin;
        if (exp < x.e - prec - 1)
            exp = x.e - prec - 1;
        if (exp >= x.e)
            return pack(fix128(x, prec, MN_ROUND_HALF_EVEN), out);
        wide w;
        w_set(&w, x.m);
        w_mul_pow10(&w, x.e - exp);
        return pack(fix_wide(&w, exp, x.neg, prec, MN_ROUND_HALF_EVEN), out);
    }
    /* hi has the larger exponent. */
    unp hi = a, lo = b;
    if (a.e < b.e) {
        hi = b;
        lo = a;
    }
    int64_t shift = hi.e - lo.e;
    u128 hm = hi.m;
    if (shift == 0 || (shift <= 38 && !__builtin_mul_overflow(hi.m, P10[shift], &hm))) {
        unp r;
        r.e = lo.e;
        if (hi.neg == lo.neg) {
            if (!__builtin_add_overflow(hm, lo.m, &r.m)) {
                r.neg = hi.neg;
                return pack(fix128(r, prec, MN_ROUND_HALF_EVEN), out);
            }
        } else {
            r.neg = hm > lo.m ? hi.neg : lo.neg;
            r.m = hm > lo.m ? hm - lo.m : lo.m - hm;
            if (r.m == 0)
                r.neg = false;
            return pack(fix128(r, prec, MN_ROUND_HALF_EVEN), out);
        }
    }
    /* Wide path, with Python's _normalize: an operand entirely below the
     * rounding position becomes a sticky 1 just under it. */
    int hlen = ndigits(hi.m), llen = ndigits(lo.m);
    int64_t exp = hi.e + (hlen - prec - 2 < -1 ? hlen - prec - 2 : -1);
    if (llen + lo.e - 1 < exp) {
        lo.m = 1;
        lo.e = exp;
    }
    wide wh, wl;
    w_set(&wh, hi.m);
    w_mul_pow10(&wh, hi.e - lo.e);
    w_set(&wl, lo.m);
    bool neg;
    if (hi.neg == lo.neg) {
        w_add(&wh, &wl);
        neg = hi.neg;
    } else if (w_cmp(&wh, &wl) >= 0) {
        w_sub(&wh, &wl);
        neg = hi.neg;
    } else {
        w_sub(&wl, &wh);
        wh = wl;
        neg = lo.neg;
    }
    if (wh.n == 0)
        neg = false;
    return pack(fix_wide(&wh, lo.e, neg, prec, MN_ROUND_HALF_EVEN), out);
}

/* True when the coefficient fits in 64 bits (hi is lo's sign extension). */
static bool small64(mn_decimal d)
{
    return d.hi == ((int64_t)d.lo >> 63);
}

int mn_decimal_add(mn_decimal a, mn_decimal b, mn_decimal *out)
{
    /* Prices at the same ordinary scale: the sum has at most 20 digits, so
     * Python neither rounds it nor overflows, and the exponent stays. */
    if (a.scale == b.scale && a.scale <= 1000 && a.scale >= -1000 && small64(a) && small64(b)) {
        *out = make((i128)(int64_t)a.lo + (int64_t)b.lo, a.scale);
        return MN_OK;
    }
    return add_unp(unpack(a), unpack(b), out);
}

int mn_decimal_sub(mn_decimal a, mn_decimal b, mn_decimal *out)
{
    if (a.scale == b.scale && a.scale <= 1000 && a.scale >= -1000 && small64(a) && small64(b)) {
        *out = make((i128)(int64_t)a.lo - (int64_t)b.lo, a.scale);
        return MN_OK;
    }
    unp ub = unpack(b);
    ub.neg = !ub.neg;
    return add_unp(unpack(a), ub, out);
}

int mn_decimal_mul(mn_decimal a, mn_decimal b, mn_decimal *out)
{
    /* Two 64-bit coefficients at ordinary scales: the product fits 128
     * bits; it is exact when under 28 digits. */
    if (small64(a) && small64(b) && a.scale <= 1000 && a.scale >= -1000 && b.scale <= 1000 && b.scale >= -1000) {
        i128 pr = (i128)(int64_t)a.lo * (int64_t)b.lo;
        if (pr < (i128)P10[MN_DECIMAL_PREC] && pr > -(i128)P10[MN_DECIMAL_PREC]) {
            *out = make(pr, a.scale + b.scale);
            return MN_OK;
        }
    }
    unp ua = unpack(a), ub = unpack(b);
    unp r = { 0, ua.e + ub.e, ua.neg != ub.neg };
    if (ua.m == 0 || ub.m == 0)
        return pack((unp){ 0, r.e, false }, out);
    if (!__builtin_mul_overflow(ua.m, ub.m, &r.m))
        return pack(fix128(r, MN_DECIMAL_PREC, MN_ROUND_HALF_EVEN), out);
    wide wa, wb, wp;
    w_set(&wa, ua.m);
    w_set(&wb, ub.m);
    w_mul(&wp, &wa, &wb);
    return pack(fix_wide(&wp, r.e, r.neg, MN_DECIMAL_PREC, MN_ROUND_HALF_EVEN), out);
}

int mn_decimal_truediv(mn_decimal a, mn_decimal b, mn_decimal *out)
{
    unp ua = unpack(a), ub = unpack(b);
    if (ub.m == 0)
        return MN_EINVAL;
    bool neg = ua.neg != ub.neg;
    if (ua.m == 0)
        return pack((unp){ 0, ua.e - ub.e, false }, out);
    const int prec = MN_DECIMAL_PREC;
    int la = ndigits(ua.m), lb = ndigits(ub.m);
    int shift = lb - la + prec + 1;
    int64_t exp = ua.e - ub.e - shift;
    wide n, d, q, r;
    w_set(&n, ua.m);
    w_set(&d, ub.m);
    if (shift >= 0)
        w_mul_pow10(&n, shift);
    else
        w_mul_pow10(&d, -shift);
    w_divmod(&n, &d, &q, &r);
    u128 c = w_get(&q); /* at most prec + 2 digits */
    if (r.n != 0) {
        /* Inexact: make sure a trailing 0 or 5 is not mistaken for a tie. */
        if (c % 5 == 0)
            c += 1;
    } else {
        int64_t ideal = ua.e - ub.e;
        while (exp < ideal && c % 10 == 0) {
            c /= 10;
            exp++;
        }
    }
    return pack(fix128((unp){ c, exp, neg }, prec, MN_ROUND_HALF_EVEN), out);
}

int mn_decimal_divmod(mn_decimal a, mn_decimal b, mn_decimal *q, mn_decimal *r)
{
    unp ua = unpack(a), ub = unpack(b);
    if (ub.m == 0)
        return MN_EINVAL;
    const int prec = MN_DECIMAL_PREC;
    int64_t ideal = ua.e < ub.e ? ua.e : ub.e;
    bool qneg = ua.neg != ub.neg;
    mn_decimal qd, rd;
    int rc;
    int64_t adjdiff = ua.m == 0 ? 0 : (ua.e + ndigits(ua.m)) - (ub.e + ndigits(ub.m));
    if (ua.m == 0 || adjdiff <= -2) {
        /* |a| < |b| for sure: quotient 0, remainder a at the ideal exponent. */
        qd = make(0, 0);
        if (ua.e == ideal) {
            rc = pack(fix128(ua, prec, MN_ROUND_HALF_EVEN), &rd); /* Python rounds a % b too */
            if (rc)
                return rc;
        } else {
            wide w;
            w_set(&w, ua.m);
            w_mul_pow10(&w, ua.e - ideal);
            rc = pack(fix_wide(&w, ideal, ua.neg, prec, MN_ROUND_HALF_EVEN), &rd);
            if (rc)
                return rc;
        }
    } else {
        if (adjdiff > prec)
            return MN_ERANGE;
        /* Both exponents are within 66 of each other here. */
        wide x, y, wq, wr;
        w_set(&x, ua.m);
        w_set(&y, ub.m);
        if (ua.e >= ub.e)
            w_mul_pow10(&x, ua.e - ub.e);
        else
            w_mul_pow10(&y, ub.e - ua.e);
        w_divmod(&x, &y, &wq, &wr);
        if (!w_fits(&wq) || w_get(&wq) >= P10[prec])
            return MN_ERANGE;
        u128 qm = w_get(&wq);
        qd = make(qneg ? -(i128)qm : (i128)qm, 0);
        rc = pack(fix_wide(&wr, ideal, ua.neg && wr.n != 0, prec, MN_ROUND_HALF_EVEN), &rd);
        if (rc)
            return rc;
    }
    if (q)
        *q = qd;
    if (r)
        *r = rd;
    return MN_OK;
}

int mn_decimal_div(mn_decimal a, mn_decimal b, int32_t scale, mn_rounding mode, mn_decimal *out)
{
    unp ua = unpack(a), ub = unpack(b);
    if (ub.m == 0 || !mode_ok(mode))
        return MN_EINVAL;
    if (scale > MN_DECIMAL_MAX_EXP || scale < -MN_DECIMAL_MAX_EXP)
        return MN_ERANGE;
    int64_t t = -(int64_t)scale;
    bool neg = ua.neg != ub.neg;
    if (ua.m == 0)
        return pack((unp){ 0, t, false }, out);
    /* Q = (ma / mb) * 10^k is the exact coefficient at exponent t. */
    int64_t k = ua.e - ub.e - t;
    int la = ndigits(ua.m), lb = ndigits(ub.m);
    if (k + la - lb - 1 >= MN_DECIMAL_MAX_DIGITS)
        return MN_ERANGE;
    u128 c;
    if (k + la - lb + 1 <= -1) {
        /* Q < 0.1: only the rounding mode decides between 0 and 1. */
        c = round_inc(mode, neg, 0, -1, true) ? 1 : 0;
    } else {
        wide n, d, q, r;
        w_set(&n, ua.m);
        w_set(&d, ub.m);
        if (k >= 0)
            w_mul_pow10(&n, k);
        else
            w_mul_pow10(&d, -k);
        w_divmod(&n, &d, &q, &r);
        if (!w_fits(&q))
            return MN_ERANGE;
        c = w_get(&q);
        if (c >= COEF_LIMIT)
            return MN_ERANGE;
        wide r2 = r;
        w_mul_small(&r2, 2);
        int half = w_cmp(&r2, &d);
        if (round_inc(mode, neg, c, half, r.n != 0))
            c++;
    }
    return pack((unp){ c, t, neg && c != 0 }, out);
}

/* ---- rounding ---- */

static int quantize_unp(unp u, int64_t t, mn_rounding mode, int maxdig, mn_decimal *out)
{
    if (u.e >= t) {
        int64_t up = u.e - t;
        if (u.m != 0 && ndigits(u.m) + up > maxdig)
            return MN_ERANGE;
        u.m = u.m == 0 ? 0 : u.m * P10[up];
        u.e = t;
    } else {
        u.m = drop_digits(u.m, t - u.e, mode, u.neg);
        u.e = t;
        if (u.m != 0 && ndigits(u.m) > maxdig)
            return MN_ERANGE;
    }
    if (u.m == 0)
        u.neg = false;
    return pack(u, out);
}

int mn_decimal_quantize(mn_decimal d, int32_t places, mn_rounding mode, mn_decimal *out)
{
    if (!mode_ok(mode))
        return MN_EINVAL;
    if (places > MN_DECIMAL_MAX_EXP || places < -MN_DECIMAL_MAX_EXP)
        return MN_ERANGE;
    return quantize_unp(unpack(d), -(int64_t)places, mode, MN_DECIMAL_MAX_DIGITS, out);
}

int mn_decimal_normalize(mn_decimal d, mn_decimal *out)
{
    unp u = fix128(unpack(d), MN_DECIMAL_PREC, MN_ROUND_HALF_EVEN);
    if (u.m == 0)
        return pack((unp){ 0, 0, false }, out);
    while (u.m % 10 == 0 && u.e < MN_DECIMAL_MAX_EXP) {
        u.m /= 10;
        u.e++;
    }
    return pack(u, out);
}

/* ---- text ---- */

static void put_zeros(mn_buf *out, int64_t n)
{
    static const char zeros[64] = "0000000000000000000000000000000000000000000000000000000000000000";
    while (n > 0 && !mn_buf_error(out)) {
        size_t k = n > 64 ? 64 : (size_t)n;
        mn_buf_append(out, zeros, k);
        n -= (int64_t)k;
    }
}

int mn_decimal_write(mn_buf *out, mn_decimal d)
{
    unp u = unpack(d);
    char dig[40];
    int n = u128_digits(u.m, dig);
    int64_t left = u.e + n; /* digits left of the point in plain notation */
    if (u.e <= 0 && left > -6) {
        /* Plain notation: at most "-0.00000" + 38 digits + point, written
         * straight into the buffer. */
        char *txt = mn_buf_reserve(out, 56);
        if (!txt)
            return mn_buf_error(out);
        size_t k = 0;
        if (u.neg)
            txt[k++] = '-';
        if (left <= 0) {
            txt[k++] = '0';
            txt[k++] = '.';
            for (int64_t i = 0; i < -left; i++)
                txt[k++] = '0';
            memcpy(txt + k, dig, (size_t)n);
            k += (size_t)n;
        } else if (left == n) {
            memcpy(txt + k, dig, (size_t)n);
            k += (size_t)n;
        } else {
            memcpy(txt + k, dig, (size_t)left);
            k += (size_t)left;
            txt[k++] = '.';
            memcpy(txt + k, dig + left, (size_t)(n - left));
            k += (size_t)(n - left);
        }
        mn_buf_commit(out, k);
        return mn_buf_error(out);
    }
    /* Scientific: one digit before the point, exponent of that digit. */
    if (u.neg)
        mn_buf_putc(out, '-');
    mn_buf_putc(out, dig[0]);
    if (n > 1) {
        mn_buf_putc(out, '.');
        mn_buf_append(out, dig + 1, (size_t)(n - 1));
    }
    mn_buf_printf(out, "E%+lld", (long long)(left - 1));
    return mn_buf_error(out);
}

char *mn_decimal_to_cstr(mn_arena *a, mn_decimal d)
{
    if (!a)
        return NULL;
    mn_buf b;
    mn_buf_init(&b, a, 0);
    if (mn_decimal_write(&b, d) != MN_OK || !b.data)
        return NULL;
    return b.data;
}

/* Plain digits of magnitude m at exponent e (e may be positive). */
static void write_plain(mn_buf *out, bool neg, u128 m, int64_t e)
{
    char dig[40];
    int n = u128_digits(m, dig);
    if (neg && m != 0)
        mn_buf_putc(out, '-');
    if (e >= 0) {
        mn_buf_append(out, dig, (size_t)n);
        if (m != 0)
            put_zeros(out, e);
        return;
    }
    int64_t left = n + e;
    if (left <= 0) {
        mn_buf_puts(out, "0.");
        put_zeros(out, -left);
        mn_buf_append(out, dig, (size_t)n);
    } else {
        mn_buf_append(out, dig, (size_t)left);
        mn_buf_putc(out, '.');
        mn_buf_append(out, dig + left, (size_t)(n - left));
    }
}

int mn_decimal_write_fixed(mn_buf *out, mn_decimal d)
{
    unp u = unpack(d);
    write_plain(out, u.neg, u.m, u.e);
    return mn_buf_error(out);
}

int mn_decimal_format_fixed(mn_buf *out, mn_decimal d, int places)
{
    if (places > 1000 || places < -1000)
        return MN_EINVAL;
    unp u = unpack(d);
    int64_t p = places < 0 ? -places : places;
    if (places < 0) {
        /* Whole numbers show no decimals: '%d' % int(d). */
        bool whole = u.e >= 0 || u.m == 0 || (u.e >= -38 && u.m % P10[-u.e] == 0);
        if (whole) {
            if (u.e < 0)
                u.m = u.m == 0 ? 0 : u.m / P10[-u.e];
            write_plain(out, u.neg, u.m, u.e > 0 ? u.e : 0);
            return mn_buf_error(out);
        }
    }
    u128 m = u.m;
    int64_t e = u.e;
    if (e < -p) {
        m = drop_digits(m, -p - e, MN_ROUND_HALF_UP, u.neg);
        e = -p;
    }
    write_plain(out, u.neg, m, e);
    /* Pad with the zeros quantize would have added. */
    if (e > -p && p > 0 && !mn_buf_error(out)) {
        if (e >= 0)
            mn_buf_putc(out, '.');
        put_zeros(out, p - (e < 0 ? -e : 0));
    }
    return mn_buf_error(out);
}

int mn_decimal_format_number(mn_buf *out, mn_decimal d, int max_digits, int decimal_places)
{
    int prec = max_digits < 0 ? MN_DECIMAL_PREC : max_digits;
    unp u = unpack(d);
    if (decimal_places >= 0) {
        mn_decimal q;
        if (prec > MN_DECIMAL_MAX_DIGITS)
            prec = MN_DECIMAL_MAX_DIGITS;
        int rc = quantize_unp(u, -(int64_t)decimal_places, MN_ROUND_HALF_EVEN, prec, &q);
        if (rc)
            return rc;
        return mn_decimal_write_fixed(out, q);
    }
    if (ndigits(u.m) > prec)
        return MN_ERANGE;
    return mn_decimal_write_fixed(out, d);
}

/* ---- Django ---- */

int mn_decimal_validate(mn_decimal d, int max_digits, int decimal_places, mn_err *err)
{
    unp u = unpack(d);
    int64_t ndig = ndigits(u.m), digits, decimals;
    if (u.e >= 0) {
        digits = ndig + u.e;
        decimals = 0;
    } else if (-u.e > ndig) {
        digits = decimals = -u.e;
    } else {
        digits = ndig;
        decimals = -u.e;
    }
    int64_t whole = digits - decimals;
    if (max_digits >= 0 && digits > max_digits)
        return mn_err_set(err, MN_EINVAL, "Ensure that there are no more than %d %s in total.", max_digits,
                          max_digits == 1 ? "digit" : "digits");
    if (decimal_places >= 0 && decimals > decimal_places)
        return mn_err_set(err, MN_EINVAL, "Ensure that there are no more than %d %s.", decimal_places,
                          decimal_places == 1 ? "decimal place" : "decimal places");
    if (max_digits >= 0 && decimal_places >= 0 && whole > max_digits - decimal_places) {
        int w = max_digits - decimal_places;
        return mn_err_set(err, MN_EINVAL, "Ensure that there are no more than %d %s before the decimal point.",
                          w, w == 1 ? "digit" : "digits");
    }
    return MN_OK;
}
