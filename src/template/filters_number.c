/* Filters on decimals (decimal.h): floatformat, humanize's intword and
 * intcomma, and how {{ }} shows a Decimal. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

typedef const mn_template_filter_call fcall;

/* The Decimal floatformat works on: Decimal(repr(text)), else
 * Decimal(str(float(text))), as Django 3.2 computes it. false: no number. */
static bool to_decimal(fcall *c, mn_value v, mn_decimal *d)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 64);
    double f;
    switch (v.type) {
    case MN_VALUE_INT:
        *d = mn_decimal_from_i64(v.u.i);
        return true;
    case MN_VALUE_FLOAT:
        f = v.u.f;
        break;
    case MN_VALUE_DECIMAL:
        f = mn_decimal_to_double(v.u.d);
        break;
    case MN_VALUE_BOOL:
        f = v.u.b ? 1.0 : 0.0;
        break;
    case MN_VALUE_STR:
        if (mn_value_to_double(v, &f))
            return false;
        break;
    default:
        return false;
    }
    if (!isfinite(f))
        return false;
    /* Fewest decimals k with n / 10^k == f (n < 10^15): then repr(f) is n
     * with k decimals, as a double holds more than 15 significant digits
     * and the quotient of two exact doubles is correctly rounded like
     * float(str). Most prices and measures take this path. */
    double a = fabs(f), p10 = 1;
    for (int k = 0; k <= 15 && a < 1e15; k++, p10 *= 10) {
        double x = a * p10;
        if (x >= 1e15)
            break;
        double n = nearbyint(x);
        if (n / p10 == a) {
            int64_t coef = (int64_t)n;
            *d = mn_decimal_make(f < 0 ? -coef : coef, k);
            return true;
        }
    }
    /* repr(f) has at most 15 significant digits when %.15g reads back as
     * f; then %.15g is exactly repr's digits (a double holds more than 15
     * digits, so rounding f to 15 digits lands on the shortest form). */
    char fast[40];
    int n = snprintf(fast, sizeof fast, "%.15g", f);
    if (n > 0 && (size_t)n < sizeof fast && strtod(fast, NULL) == f)
        return mn_decimal_parse(mn_str_make(fast, (size_t)n), d, NULL) == MN_OK;
    if (mn_buf_put_double_repr(&b, f))
        return false;
    return mn_decimal_parse(mn_buf_str(&b), d, NULL) == MN_OK;
}

/* floatformat's text appended to b; *safe: the number (a marked-safe
 * result), not repr(value) for a bad argument or nothing. */
static int floatformat_into(fcall *c, mn_buf *b, bool *safe)
{
    *safe = false;
    mn_decimal d;
    if (!to_decimal(c, c->input, &d))
        return MN_OK;
    int64_t p = -1;
    bool force_grouping = false;
    if (c->has_arg) {
        mn_value a = c->arg;
        if (a.type == MN_VALUE_STR && a.u.s.len && a.u.s.ptr[a.u.s.len - 1] == 'g') {
            /* force_grouping (a no-op with the global NUMBER_GROUPING 0) */
            force_grouping = true;
            a = a.u.s.len > 1 ? mn_value_str(mn_str_slice(a.u.s, 0, a.u.s.len - 1)) : mn_value_int(-1);
        }
        if (a.type == MN_VALUE_NULL || a.type == MN_VALUE_LIST || a.type == MN_VALUE_MAP)
            return mn_err_set(c->err, MN_ETYPE,
                              "TypeError: int() argument must be a string, a bytes-like object or a real number, "
                              "not '%s'",
                              mn_value_type_name(a));
        if (mn_value_to_i64(a, &p)) {
            mn_value_repr(c->input, b);
            return mn_buf_error(b);
        }
    }
    if (p > 1000 || p < -1000)
        return MN_OK;
    const mn_template_engine *e = c->ctx->engine;
    if (e->opts.use_l10n || force_grouping) {
        /* formats.number_format(number, abs(p), force_grouping) */
        mn_buf num;
        mn_buf_init(&num, c->arena, 0);
        if (mn_decimal_format_fixed(&num, d, (int)p))
            return MN_OK;
        *safe = true;
        return mn__tpl_number_format(e, b, mn_buf_str(&num), -1, force_grouping);
    }
    size_t start = b->len;
    if (mn_decimal_format_fixed(b, d, (int)p)) {
        mn_buf_truncate(b, start);
        return MN_OK;
    }
    *safe = true;
    return mn_buf_error(b);
}

static int f_floatformat(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    bool safe;
    int rc = floatformat_into(c, &b, &safe);
    if (rc)
        return rc;
    *out = safe ? mn_value_safe(mn_buf_str(&b)) : mn_value_str(mn_buf_str(&b));
    return mn_buf_error(&b);
}

static int r_floatformat(fcall *c, mn_buf *out, bool *safe) { return floatformat_into(c, out, safe); }

/* humanize's intword: "1.0 million", "1.2 billion". */
static int f_intword(fcall *c, mn_value *out)
{
    static const char *const names[] = { "million", "billion", "trillion", "quadrillion", "quintillion",
                                         "sextillion" };
    int64_t v;
    if (c->input.type == MN_VALUE_NULL || mn_value_to_i64(c->input, &v)) {
        *out = c->input;
        return MN_OK;
    }
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (a < 1000000) {
        *out = mn_value_int(v);
        return MN_OK;
    }
    double large = 1e6;
    int k = 0;
    while (k < 5 && (double)a >= large * 1000) {
        large *= 1000;
        k++;
    }
    mn_template_filter_call sub = *c;
    sub.input = mn_value_float((double)v / large);
    sub.arg = mn_value_int(1);
    sub.has_arg = true;
    mn_value ff;
    int rc = f_floatformat(&sub, &ff);
    if (rc)
        return rc;
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_buf_put_str(&b, ff.u.s);
    mn_buf_putc(&b, ' ');
    mn_buf_puts(&b, names[k]);
    *out = mn_value_str(mn_buf_str(&b));
    return mn_buf_error(&b);
}

int mn__tpl_register_number_filters(mn_template_library *lib)
{
    if (mn_template_library_add_filter(lib, "floatformat", f_floatformat,
                                       MN_FILTER_ARG | MN_FILTER_ARG_OPTIONAL | MN_FILTER_IS_SAFE))
        return MN_ENOMEM;
    return mn__tpl_filter_set_render(lib, "floatformat", r_floatformat);
}

int mn__tpl_register_number_humanize(mn_template_library *lib)
{
    return mn_template_library_add_filter(lib, "intword", f_intword, MN_FILTER_IS_SAFE);
}
