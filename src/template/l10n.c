/* Localization as Django's django.utils.formats does it for templates:
 * the locale formats of LANGUAGE_CODE (English and French) when USE_L10N
 * is on, the global defaults otherwise; number_format, localize(), and the
 * l10n library ({% localize %}, localize, unlocalize). */
#include <string.h>
#include "internal.h"

/* global_settings.py */
static const mn__tpl_locale GLOBAL = {
    .date_format = "N j, Y", .datetime_format = "N j, Y, P", .time_format = "P", .year_month_format = "F Y",
    .month_day_format = "F j", .short_date_format = "m/d/Y", .short_datetime_format = "m/d/Y P",
    .decimal_sep = ".", .thousand_sep = ",", .grouping = 0, .grouping_str = "0", .first_day_of_week = "0",
};
/* conf/locale/en/formats.py */
static const mn__tpl_locale EN = {
    .date_format = "N j, Y", .datetime_format = "N j, Y, P", .time_format = "P", .year_month_format = "F Y",
    .month_day_format = "F j", .short_date_format = "m/d/Y", .short_datetime_format = "m/d/Y P",
    .decimal_sep = ".", .thousand_sep = ",", .grouping = 3, .grouping_str = "3", .first_day_of_week = "0",
};
/* conf/locale/en_GB/formats.py */
static const mn__tpl_locale EN_GB = {
    .date_format = "j M Y", .datetime_format = "j M Y, P", .time_format = "P", .year_month_format = "F Y",
    .month_day_format = "j F", .short_date_format = "d/m/Y", .short_datetime_format = "d/m/Y P",
    .decimal_sep = ".", .thousand_sep = ",", .grouping = 3, .grouping_str = "3", .first_day_of_week = "1",
};
/* conf/locale/en_AU/formats.py: en_GB's but for the first day of the week */
static const mn__tpl_locale EN_AU = {
    .date_format = "j M Y", .datetime_format = "j M Y, P", .time_format = "P", .year_month_format = "F Y",
    .month_day_format = "j F", .short_date_format = "d/m/Y", .short_datetime_format = "d/m/Y P",
    .decimal_sep = ".", .thousand_sep = ",", .grouping = 3, .grouping_str = "3", .first_day_of_week = "0",
};
/* conf/locale/fr/formats.py */
static const mn__tpl_locale FR = {
    .date_format = "j F Y", .datetime_format = "j F Y H:i", .time_format = "H:i", .year_month_format = "F Y",
    .month_day_format = "j F", .short_date_format = "j N Y", .short_datetime_format = "j N Y H:i",
    .decimal_sep = ",", .thousand_sep = "\xc2\xa0", .grouping = 3, .grouping_str = "3", .first_day_of_week = "1",
};

static bool lang_is(const char *lang, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncasecmp(lang, prefix, n) != 0)
        return false;
    return lang[n] == '\0' || lang[n] == '-' || lang[n] == '_';
}

const mn__tpl_locale *mn__tpl_locale_of(const char *lang)
{
    if (!lang)
        return &EN;
    if (lang_is(lang, "en-gb") || lang_is(lang, "en_gb"))
        return &EN_GB;
    if (lang_is(lang, "en-au") || lang_is(lang, "en_au"))
        return &EN_AU;
    if (lang_is(lang, "en"))
        return &EN;
    if (lang_is(lang, "fr"))
        return &FR;
    return NULL;
}

const mn__tpl_locale *mn__tpl_formats(const mn_template_engine *e, int use_l10n)
{
    bool on = use_l10n > 0 || (use_l10n < 0 && e->opts.use_l10n);
    return on && e->locale ? e->locale : &GLOBAL;
}

const char *mn__tpl_get_format(const mn_template_engine *e, const char *name, int use_l10n)
{
    /* every setting name ends in T, R, G or K */
    size_t n = strlen(name);
    if (n < 6)
        return name;
    const mn__tpl_locale *f = mn__tpl_formats(e, use_l10n);
    static const struct {
        const char *name;
        size_t off;
    } names[] = {
        { "DATE_FORMAT", offsetof(mn__tpl_locale, date_format) },
        { "DATETIME_FORMAT", offsetof(mn__tpl_locale, datetime_format) },
        { "TIME_FORMAT", offsetof(mn__tpl_locale, time_format) },
        { "YEAR_MONTH_FORMAT", offsetof(mn__tpl_locale, year_month_format) },
        { "MONTH_DAY_FORMAT", offsetof(mn__tpl_locale, month_day_format) },
        { "SHORT_DATE_FORMAT", offsetof(mn__tpl_locale, short_date_format) },
        { "SHORT_DATETIME_FORMAT", offsetof(mn__tpl_locale, short_datetime_format) },
        { "DECIMAL_SEPARATOR", offsetof(mn__tpl_locale, decimal_sep) },
        { "THOUSAND_SEPARATOR", offsetof(mn__tpl_locale, thousand_sep) },
        { "NUMBER_GROUPING", offsetof(mn__tpl_locale, grouping_str) },
        { "FIRST_DAY_OF_WEEK", offsetof(mn__tpl_locale, first_day_of_week) },
    };
    char last = name[n - 1];
    if (last != 'T' && last != 'R' && last != 'G' && last != 'K')
        return name;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return *(const char *const *)(const void *)((const char *)f + names[i].off);
    return name;
}

bool mn__tpl_plain_numbers(const mn_template_engine *e, int use_l10n)
{
    if (use_l10n == 0)
        return false; /* str(float) may use an exponent: the hook does it */
    const mn__tpl_locale *f = mn__tpl_formats(e, use_l10n);
    bool on = use_l10n > 0 || e->opts.use_l10n;
    return strcmp(f->decimal_sep, ".") == 0 && !(on && e->opts.use_thousand_separator && f->grouping);
}

int mn__tpl_number_format(const mn_template_engine *e, mn_buf *out, mn_str num, int use_l10n, bool force_grouping)
{
    const mn__tpl_locale *f = mn__tpl_formats(e, use_l10n);
    bool on = use_l10n > 0 || (use_l10n < 0 && e->opts.use_l10n);
    bool grouping = ((on && e->opts.use_thousand_separator) || force_grouping) && f->grouping > 0;
    size_t i = 0;
    if (num.len && num.ptr[0] == '-') {
        mn_buf_putc(out, '-');
        i = 1;
    }
    size_t dot = i;
    while (dot < num.len && num.ptr[dot] != '.')
        dot++;
    size_t ilen = dot - i;
    if (!grouping) {
        mn_buf_append(out, num.ptr + i, ilen);
    } else {
        size_t g = (size_t)f->grouping;
        for (size_t k = 0; k < ilen; k++) {
            if (k && (ilen - k) % g == 0)
                mn_buf_puts(out, f->thousand_sep);
            mn_buf_putc(out, num.ptr[i + k]);
        }
    }
    /* an empty decimal part drops the separator, as Django's does */
    if (dot + 1 < num.len) {
        mn_buf_puts(out, f->decimal_sep);
        mn_buf_append(out, num.ptr + dot + 1, num.len - dot - 1);
    }
    return mn_buf_error(out);
}

/* The digits of a number as str() or number_format read them. */
static int number_text(mn_value v, bool for_format, mn_buf *b)
{
    switch (v.type) {
    case MN_VALUE_INT: return mn_buf_put_i64(b, v.u.i);
    case MN_VALUE_FLOAT: return for_format ? mn__tpl_put_float(b, v.u.f) : mn_buf_put_double_repr(b, v.u.f);
    case MN_VALUE_DECIMAL: return for_format ? mn_decimal_write_fixed(b, v.u.d) : mn_decimal_write(b, v.u.d);
    default: return MN_ETYPE;
    }
}

int mn__tpl_localize(mn_template_context *ctx, mn_value v, int use_l10n, mn_buf *out)
{
    const mn_template_engine *e = ctx->engine;
    mn_err ignored;
    ignored.code = 0;
    switch (v.type) {
    case MN_VALUE_INT:
    case MN_VALUE_FLOAT:
    case MN_VALUE_DECIMAL: {
        if (use_l10n == 0)
            return number_text(v, false, out);
        mn_buf b;
        mn_buf_init(&b, ctx->arena, 0);
        int rc = number_text(v, true, &b);
        if (rc)
            return rc;
        return mn__tpl_number_format(e, out, mn_buf_str(&b), use_l10n, false);
    }
    case MN_VALUE_DATE:
        return mn_date_format_names(out, v.u.date, mn__tpl_get_format(e, "DATE_FORMAT", use_l10n), e->names,
                                    &ignored);
    case MN_VALUE_DATETIME:
        return mn_datetime_format_names(out, v.u.dt, mn__tpl_get_format(e, "DATETIME_FORMAT", use_l10n), e->names,
                                        &ignored);
    case MN_VALUE_TIME:
        return mn_time_format_names(out, v.u.time, mn__tpl_get_format(e, "TIME_FORMAT", use_l10n), e->names,
                                    &ignored);
    default:
        return MN_ENOTFOUND;
    }
}

/* {{ }} of numbers (when localized), dates, times and decimals. */
int mn__tpl_value_hook(mn_template_context *ctx, mn_value v, mn_buf *out)
{
    switch (v.type) {
    case MN_VALUE_INT:
    case MN_VALUE_FLOAT:
    case MN_VALUE_DECIMAL:
        /* digits and separators: nothing to escape */
        return mn__tpl_localize(ctx, v, ctx->use_l10n, out);
    case MN_VALUE_DATE:
    case MN_VALUE_DATETIME:
    case MN_VALUE_TIME: {
        if (!ctx->autoescape)
            return mn__tpl_localize(ctx, v, ctx->use_l10n, out);
        size_t start = out->len;
        int rc = mn__tpl_localize(ctx, v, ctx->use_l10n, out);
        if (rc)
            return rc;
        return mn__tpl_escape_from(ctx, out, start);
    }
    default:
        return MN_ENOTFOUND;
    }
}

/* ---- the l10n library ---- */

typedef const mn_template_filter_call fcall;

static int localize_impl(fcall *c, mn_value *out, int use_l10n)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    int rc = mn__tpl_localize(c->ctx, c->input, use_l10n, &b);
    if (rc == MN_ENOTFOUND) {
        /* strings stay as they are (safe or not); other values as str() */
        if (c->input.type == MN_VALUE_STR) {
            *out = c->input;
            return MN_OK;
        }
        rc = mn_value_to_str(c->input, &b);
    }
    if (rc)
        return rc;
    *out = mn_value_str(mn_buf_str(&b));
    return mn_buf_error(&b);
}

static int f_localize(fcall *c, mn_value *out) { return localize_impl(c, out, 1); }
static int f_unlocalize(fcall *c, mn_value *out) { return localize_impl(c, out, 0); }

typedef struct localize_node {
    int8_t use_l10n;
    mn_template_nodelist *body;
} localize_node;

static int localize_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const localize_node *l = data;
    int8_t saved = ctx->use_l10n;
    bool saved_plain = ctx->plain_numbers;
    ctx->use_l10n = l->use_l10n;
    ctx->plain_numbers = mn__tpl_plain_numbers(ctx->engine, l->use_l10n);
    int rc = mn_template_nodelist_render(l->body, ctx, out, err);
    ctx->use_l10n = saved;
    ctx->plain_numbers = saved_plain;
    return rc;
}

static mn_template_node *do_localize(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    localize_node *l = mn_arena_calloc(p->arena, 1, sizeof *l);
    if (!l) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (nb == 1) {
        l->use_l10n = 1;
    } else if (nb > 2 || (!mn_str_eq_cstr(bits[1], "on") && !mn_str_eq_cstr(bits[1], "off"))) {
        mn_template_parser_error(p, err, "'%.*s' argument should be 'on' or 'off'", MN_STR_FMT(bits[0]));
        return NULL;
    } else {
        l->use_l10n = mn_str_eq_cstr(bits[1], "on") ? 1 : 0;
    }
    static const char *const ends[] = { "endlocalize" };
    l->body = mn__tpl_parse(p, ends, 1, err);
    if (!l->body)
        return NULL;
    p->pos++; /* the endlocalize token */
    return mn_template_node_new(p, localize_render, l);
}

int mn__tpl_register_l10n(mn_template_library *lib)
{
    if (mn_template_library_add_filter(lib, "localize", f_localize, 0) ||
        mn_template_library_add_filter(lib, "unlocalize", f_unlocalize, 0) ||
        mn_template_library_add_tag(lib, "localize", do_localize))
        return MN_ENOMEM;
    return MN_OK;
}
