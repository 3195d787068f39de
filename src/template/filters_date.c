/* Date filters and tags on datetime.h: date, time, timesince, timeuntil,
 * humanize's naturaltime and naturalday, {% now %}, and how {{ }} shows
 * dates, times, decimals and durations (Django's localize()). */
#include <string.h>
#include "internal.h"

typedef const mn_template_filter_call fcall;

/* datetime.now() as Django reads it with USE_TZ off: the wall clock of the
 * default zone (TIME_ZONE), naive. */
static mn_datetime naive_now(void)
{
    mn_datetime now = mn_datetime_now(), local;
    if (mn_datetime_make_naive(now, mn_tz_default(), &local, NULL))
        return now;
    return local;
}

static const char *fmt_arg(fcall *c, const char *setting)
{
    const mn_template_engine *e = c->ctx->engine;
    if (!c->has_arg || c->arg.type == MN_VALUE_NULL)
        return mn__tpl_get_format(e, setting, -1);
    mn_str s = mn__tpl_str(c->ctx, c->arg);
    if (!s.len) /* date_format(value, format or 'DATE_FORMAT') */
        return mn__tpl_get_format(e, setting, -1);
    char *z = mn_str_dup(c->arena, s);
    return z ? mn__tpl_get_format(e, z, -1) : NULL;
}

static bool empty_value(mn_value v) { return v.type == MN_VALUE_NULL || (v.type == MN_VALUE_STR && !v.u.s.len); }

static int finish(fcall *c, mn_buf *b, mn_value *out)
{
    if (mn_buf_error(b))
        return mn_buf_error(b);
    *out = mn_value_str(mn_buf_str(b));
    return MN_OK;
}

/* The date filter's text appended to b (nothing for empty values and
 * other types). */
static int date_into(fcall *c, mn_buf *b)
{
    mn_value v = c->input;
    if (empty_value(v) || (v.type != MN_VALUE_DATE && v.type != MN_VALUE_DATETIME && v.type != MN_VALUE_TIME))
        return MN_OK;
    const char *fmt = fmt_arg(c, "DATE_FORMAT");
    if (!fmt)
        return MN_ENOMEM;
    mn_err e;
    e.code = 0;
    e.msg[0] = '\0';
    size_t start = b->len;
    int rc;
    switch (v.type) {
    case MN_VALUE_DATE:
        rc = mn_date_format_names(b, v.u.date, fmt, c->ctx->engine->names, &e);
        if (rc == MN_EINVAL)
            return mn_err_set(c->err, rc, "TypeError: %s", e.msg);
        break;
    case MN_VALUE_DATETIME:
        rc = mn_datetime_format_names(b, v.u.dt, fmt, c->ctx->engine->names, &e);
        break;
    default:
        rc = mn_time_format_names(b, v.u.time, fmt, c->ctx->engine->names, &e);
        if (rc == MN_EINVAL) {
            mn_buf_truncate(b, start);
            return MN_OK;
        }
        break;
    }
    if (rc && rc != MN_ENOMEM)
        return mn_err_set(c->err, rc, "ValueError: %s", e.msg);
    return mn_buf_error(b);
}

static int f_date(fcall *c, mn_value *out)
{
    *out = mn_value_str(MN_STR_EMPTY);
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    int rc = date_into(c, &b);
    if (rc)
        return rc;
    return finish(c, &b, out);
}

static int r_date(fcall *c, mn_buf *out, bool *safe)
{
    *safe = false;
    return date_into(c, out);
}

static int f_time(fcall *c, mn_value *out)
{
    *out = mn_value_str(MN_STR_EMPTY);
    mn_value v = c->input;
    if (empty_value(v))
        return MN_OK;
    const char *fmt = fmt_arg(c, "TIME_FORMAT");
    if (!fmt)
        return MN_ENOMEM;
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_err e = { 0 };
    int rc;
    if (v.type == MN_VALUE_DATETIME)
        rc = mn_datetime_format_time_names(&b, v.u.dt, fmt, c->ctx->engine->names, &e);
    else if (v.type == MN_VALUE_TIME)
        rc = mn_time_format_names(&b, v.u.time, fmt, c->ctx->engine->names, &e);
    else
        return MN_OK;
    if (rc)
        return rc == MN_ENOMEM ? rc : MN_OK;
    return finish(c, &b, out);
}

/* A date or datetime as the datetime timesince compares. */
static bool as_datetime(mn_value v, mn_datetime *out)
{
    if (v.type == MN_VALUE_DATETIME) {
        *out = v.u.dt;
        return true;
    }
    if (v.type == MN_VALUE_DATE) {
        *out = mn_datetime_naive(v.u.date, (mn_time){ 0, 0, 0, 0 });
        return true;
    }
    return false;
}

static int since_impl(fcall *c, mn_value *out, bool until)
{
    *out = mn_value_str(MN_STR_EMPTY);
    mn_datetime d, now;
    if (!mn_value_truthy(c->input))
        return MN_OK;
    if (!as_datetime(c->input, &d))
        return mn_err_set(c->err, MN_ETYPE, "AttributeError: '%s' object has no attribute 'year'",
                          mn_value_type_name(c->input));
    if (c->has_arg && mn_value_truthy(c->arg)) {
        if (!as_datetime(c->arg, &now))
            return MN_OK;
    } else {
        now = d.tz ? mn_datetime_now() : naive_now();
    }
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    int rc = until ? mn_timeuntil(&b, d, now, 2, NULL) : mn_timesince(&b, d, now, 2, NULL);
    if (rc)
        return rc == MN_ENOMEM ? rc : MN_OK;
    return finish(c, &b, out);
}

static int f_timesince(fcall *c, mn_value *out) { return since_impl(c, out, false); }
static int f_timeuntil(fcall *c, mn_value *out) { return since_impl(c, out, true); }

static int f_naturaltime(fcall *c, mn_value *out)
{
    if (c->input.type != MN_VALUE_DATETIME) {
        *out = c->input;
        return MN_OK;
    }
    mn_datetime now = c->input.u.dt.tz ? mn_datetime_now() : naive_now();
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_err e = { 0 };
    int rc = mn_naturaltime(&b, c->input.u.dt, now, &e);
    if (rc)
        return mn_err_set(c->err, rc, "TypeError: %s", e.msg);
    return finish(c, &b, out);
}

static int f_naturalday(fcall *c, mn_value *out)
{
    mn_date d;
    const mn_tz *tz = mn_tz_default();
    if (c->input.type == MN_VALUE_DATE) {
        d = c->input.u.date;
    } else if (c->input.type == MN_VALUE_DATETIME) {
        mn_time t;
        mn_datetime_fields(c->input.u.dt, &d, &t);
        if (c->input.u.dt.tz)
            tz = c->input.u.dt.tz;
    } else {
        *out = c->input;
        return MN_OK;
    }
    const char *fmt = NULL;
    if (c->has_arg && c->arg.type != MN_VALUE_NULL) {
        fmt = mn_str_dup(c->arena, mn__tpl_str(c->ctx, c->arg));
        if (!fmt)
            return MN_ENOMEM;
    }
    mn_buf b;
    mn_buf_init(&b, c->arena, 0);
    mn_err e = { 0 };
    int rc = mn_naturalday(&b, d, mn_date_today(tz), fmt, &e);
    if (rc)
        return rc == MN_ENOMEM ? rc : mn_err_set(c->err, rc, "TypeError: %s", e.msg);
    return finish(c, &b, out);
}

/* ---- {% now %} ---- */

typedef struct now_node {
    const char *fmt;
    mn_str asvar;
} now_node;

static int now_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const now_node *n = data;
    mn_buf b;
    mn_buf_init(&b, ctx->arena, 0);
    mn_err e = { 0 };
    int rc = mn_datetime_format_names(&b, naive_now(), mn__tpl_get_format(ctx->engine, n->fmt, -1), ctx->engine->names,
                                      &e);
    if (rc)
        return mn__tpl_render_error(ctx, err, rc, "ValueError", "%s", e.msg);
    if (mn_buf_error(&b))
        return mn_buf_error(&b);
    if (n->asvar.len)
        return mn_template_context_set_str(ctx, n->asvar, mn_value_str(mn_buf_str(&b)));
    return mn_buf_put_str(out, mn_buf_str(&b));
}

static mn_template_node *do_now(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    now_node *n = mn_arena_calloc(mn_template_parser_arena(p), 1, sizeof *n);
    if (!n) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (nb == 4 && mn_str_eq_cstr(bits[2], "as")) {
        n->asvar = bits[3];
        nb = 2;
    }
    if (nb != 2) {
        mn_template_parser_error(p, err, "'now' statement takes one argument");
        return NULL;
    }
    mn_str f = bits[1];
    f = f.len >= 2 ? mn_str_slice(f, 1, f.len - 1) : MN_STR_EMPTY;
    n->fmt = mn_str_dup(mn_template_parser_arena(p), f);
    if (!n->fmt) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    return mn_template_node_new(p, now_render, n);
}

int mn__tpl_register_date_filters(mn_template_library *lib)
{
    unsigned opt = MN_FILTER_ARG | MN_FILTER_ARG_OPTIONAL;
    if (mn_template_library_add_filter(lib, "date", f_date, opt) || mn__tpl_filter_set_render(lib, "date", r_date) ||
        mn_template_library_add_filter(lib, "time", f_time, opt) ||
        mn_template_library_add_filter(lib, "timesince", f_timesince, opt) ||
        mn_template_library_add_filter(lib, "timeuntil", f_timeuntil, opt) ||
        mn_template_library_add_tag(lib, "now", do_now))
        return MN_ENOMEM;
    return MN_OK;
}

int mn__tpl_register_date_humanize(mn_template_library *lib)
{
    if (mn_template_library_add_filter(lib, "naturaltime", f_naturaltime, 0) ||
        mn_template_library_add_filter(lib, "naturalday", f_naturalday, MN_FILTER_ARG | MN_FILTER_ARG_OPTIONAL))
        return MN_ENOMEM;
    return MN_OK;
}
