/* Filters built on the text helpers (text.h) and JSON (json.h): case,
 * slugify, truncation, line breaks, tags, urlize, wrapping, escaping, URL
 * encoding, json_script. */
#include <string.h>
#include "internal.h"
#include "manouche/json.h"
#include "manouche/text.h"

typedef const mn_template_filter_call fcall;

static int done(fcall *c, mn_buf *b, mn_value *out, bool safe)
{
    if (mn_buf_error(b))
        return mn_buf_error(b);
    *out = mn_value_str(mn_buf_str(b));
    if (safe)
        out->flags |= MN_VALUE_SAFE;
    return MN_OK;
}

#define TEXT_FILTER(fname, call)                                                                                   \
    static int fname(fcall *c, mn_value *out)                                                                      \
    {                                                                                                              \
        mn_buf b;                                                                                                  \
        mn_buf_init(&b, c->arena, 0);                                                                              \
        call(&b, c->input.u.s);                                                                                    \
        return done(c, &b, out, false);                                                                            \
    }

TEXT_FILTER(f_lower, mn_text_lower)
TEXT_FILTER(f_upper, mn_text_upper)
TEXT_FILTER(f_title, mn_text_django_title)
TEXT_FILTER(f_capfirst, mn_text_capfirst)
TEXT_FILTER(f_addslashes, mn_text_addslashes)
TEXT_FILTER(f_iriencode, mn_url_iri_to_uri)

static int f_slugify(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_text_slugify(&b, c->input.u.s, false);
    return done(c, &b, out, false);
}

static int f_escapejs(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_html_escapejs(&b, c->input.u.s);
    return done(c, &b, out, true);
}

static int f_striptags(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_err e = { 0 };
    int rc = mn_html_strip_tags(&b, c->input.u.s, &e);
    if (rc && rc != mn_buf_error(&b))
        return mn_err_set(c->err, rc, "ValueError: %s", e.msg);
    return done(c, &b, out, false);
}

/* int(arg) as the truncation filters read it; false: return the value. */
static bool int_arg(fcall *c, long *n)
{
    int64_t v;
    if (c->arg.type == MN_VALUE_FLOAT) {
        *n = (long)c->arg.u.f;
        return true;
    }
    if (mn_value_to_i64(c->arg, &v))
        return false;
    *n = (long)v;
    return true;
}

#define TRUNC_FILTER(fname, call)                                                                                  \
    static int fname(fcall *c, mn_value *out)                                                                      \
    {                                                                                                              \
        long n;                                                                                                    \
        if (!int_arg(c, &n)) {                                                                                     \
            *out = c->input;                                                                                       \
            return MN_OK;                                                                                          \
        }                                                                                                          \
        mn_buf b;                                                                                                  \
        mn_buf_init(&b, c->arena, 0);                                                                              \
        call(&b, c->input.u.s, n);                                                                                 \
        return done(c, &b, out, false);                                                                            \
    }

/* truncatewords writing into the output; the engine escapes the result. */
static int r_truncatewords(fcall *c, mn_buf *out, bool *safe)
{
    long n;
    *safe = false;
    if (!int_arg(c, &n)) {
        *safe = mn_value_is_safe(c->input);
        return mn_buf_put_str(out, c->input.u.s);
    }
    return mn_text_truncate_words(out, c->input.u.s, n);
}

TRUNC_FILTER(f_truncatechars, mn_text_truncate_chars)
TRUNC_FILTER(f_truncatewords, mn_text_truncate_words)
TRUNC_FILTER(f_truncatechars_html, mn_text_truncate_chars_html)
TRUNC_FILTER(f_truncatewords_html, mn_text_truncate_words_html)

static int f_wordwrap(fcall *c, mn_value *out)
{
    long n;
    if (!int_arg(c, &n))
        return mn_err_set(c->err, MN_EINVAL, "ValueError: invalid literal for int() with base 10");
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    int rc = mn_text_wordwrap(&b, c->input.u.s, n);
    if (rc && rc != mn_buf_error(&b))
        return mn_err_set(c->err, rc, "ValueError: invalid width %ld (must be > 0)", n);
    return done(c, &b, out, false);
}

static int f_linebreaks(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_text_linebreaks(&b, c->input.u.s, c->autoescape && !mn_value_is_safe(c->input));
    return done(c, &b, out, true);
}

static int f_linebreaksbr(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_text_linebreaksbr(&b, c->input.u.s, c->autoescape && !mn_value_is_safe(c->input));
    return done(c, &b, out, true);
}

static int urlize_impl(fcall *c, mn_value *out, long limit)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    unsigned flags = MN_URLIZE_NOFOLLOW;
    if (c->autoescape)
        flags |= MN_URLIZE_AUTOESCAPE;
    if (mn_value_is_safe(c->input))
        flags |= MN_URLIZE_SAFE_INPUT;
    mn_html_urlize(&b, c->input.u.s, limit, flags);
    return done(c, &b, out, true);
}

static int f_urlize(fcall *c, mn_value *out) { return urlize_impl(c, out, -1); }

static int r_urlize(fcall *c, mn_buf *out, bool *safe)
{
    unsigned flags = MN_URLIZE_NOFOLLOW;
    if (c->autoescape)
        flags |= MN_URLIZE_AUTOESCAPE;
    if (mn_value_is_safe(c->input))
        flags |= MN_URLIZE_SAFE_INPUT;
    *safe = true;
    return mn_html_urlize(out, c->input.u.s, -1, flags);
}

static int f_urlizetrunc(fcall *c, mn_value *out)
{
    long n;
    if (!int_arg(c, &n))
        return mn_err_set(c->err, MN_EINVAL, "ValueError: invalid literal for int() with base 10");
    return urlize_impl(c, out, n);
}

static int f_urlencode(fcall *c, mn_value *out)
{
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    const char *safe = NULL;
    if (c->has_arg) {
        mn_str s = mn__tpl_str(c->ctx, c->arg);
        safe = mn_str_dup(c->arena, s);
        if (!safe)
            return MN_ENOMEM;
    }
    mn_url_quote(&b, c->input.u.s, safe);
    return done(c, &b, out, false);
}

static int f_json_script(fcall *c, mn_value *out)
{
    mn_err e = { 0 };
    mn_str json = mn_json_dumps(c->arena, c->input, MN_JSON_DJANGO_SCRIPT, &e);
    if (!json.ptr)
        return mn_err_set(c->err, e.code ? e.code : MN_ETYPE, "TypeError: %s", e.msg);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_buf_puts(&b, "<script id=\"");
    mn_str id = mn__tpl_str(c->ctx, c->arg);
    if (mn_value_is_safe(c->arg))
        mn_buf_put_str(&b, id);
    else
        mn_html_escape(&b, id);
    mn_buf_puts(&b, "\" type=\"application/json\">");
    mn_buf_put_str(&b, json);
    mn_buf_puts(&b, "</script>");
    return done(c, &b, out, true);
}

static int f_wordcount(fcall *c, mn_value *out)
{
    *out = mn_value_int((int64_t)mn_text_wordcount(c->input.u.s));
    return MN_OK;
}

#define ARG MN_FILTER_ARG
#define OPT (MN_FILTER_ARG | MN_FILTER_ARG_OPTIONAL)
#define SAFE MN_FILTER_IS_SAFE
#define STRF MN_FILTER_STRING
#define AUTO MN_FILTER_NEEDS_AUTOESCAPE

int mn__tpl_register_text_filters(mn_template_library *lib)
{
    static const struct {
        const char *name;
        mn_template_filter_fn fn;
        unsigned flags;
    } fs[] = {
        { "lower", f_lower, SAFE | STRF },
        { "upper", f_upper, STRF },
        { "title", f_title, SAFE | STRF },
        { "capfirst", f_capfirst, SAFE | STRF },
        { "addslashes", f_addslashes, SAFE | STRF },
        { "iriencode", f_iriencode, SAFE | STRF },
        { "slugify", f_slugify, SAFE | STRF },
        { "striptags", f_striptags, SAFE | STRF },
        { "escapejs", f_escapejs, STRF },
        { "truncatechars", f_truncatechars, ARG | SAFE | STRF },
        { "truncatewords", f_truncatewords, ARG | SAFE | STRF },
        { "truncatechars_html", f_truncatechars_html, ARG | SAFE | STRF },
        { "truncatewords_html", f_truncatewords_html, ARG | SAFE | STRF },
        { "wordwrap", f_wordwrap, ARG | SAFE | STRF },
        { "linebreaks", f_linebreaks, SAFE | STRF | AUTO },
        { "linebreaksbr", f_linebreaksbr, SAFE | STRF | AUTO },
        { "urlize", f_urlize, SAFE | STRF | AUTO },
        { "urlizetrunc", f_urlizetrunc, ARG | SAFE | STRF | AUTO },
        { "urlencode", f_urlencode, OPT | STRF },
        { "json_script", f_json_script, ARG | SAFE },
        { "wordcount", f_wordcount, STRF },
    };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++)
        if (mn_template_library_add_filter(lib, fs[i].name, fs[i].fn, fs[i].flags))
            return MN_ENOMEM;
    if (mn__tpl_filter_set_render(lib, "urlize", r_urlize) ||
        mn__tpl_filter_set_render(lib, "truncatewords", r_truncatewords))
        return MN_ENOMEM;
    return MN_OK;
}
