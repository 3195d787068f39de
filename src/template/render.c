/* Rendering: contexts, variable resolution with Django's lookup order,
 * filter application with safe-string propagation, node lists. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "fiber.h"

/* ---- errors ---- */

int mn__tpl_render_error(mn_template_context *ctx, mn_err *err, int code, const char *cls, const char *fmt, ...)
{
    if (!err)
        return code;
    char msg[MN_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const mn_template_node *n = ctx->node;
    const char *sep = cls ? ": " : "";
    if (!cls)
        cls = "";
    if (n && n->tpl)
        mn_err_set(err, code, "%s%s%s\n  in template \"%s\", line %d, column %d", cls, sep, msg, n->tpl->name,
                   n->line, n->col);
    else
        mn_err_set(err, code, "%s%s%s", cls, sep, msg);
    return code;
}

/* ---- contexts ---- */

mn_template_context *mn_template_context_new(mn_template_engine *e, mn_arena *arena, mn_map *vars)
{
    mn_template_context *c = mn_arena_calloc(arena, 1, sizeof *c);
    if (!c)
        return NULL;
    c->engine = e;
    c->arena = arena;
    c->autoescape = !e->opts.no_autoescape;
    c->cap = 16;
    c->scopes = mn_arena_calloc(arena, c->cap, sizeof *c->scopes);
    if (!c->scopes)
        return NULL;
    c->scopes[0] = vars ? vars : mn_map_new(arena, 8);
    if (!c->scopes[0])
        return NULL;
    c->nscopes = 1;
    c->max_steps = e->opts.max_steps ? e->opts.max_steps : 100000000;
    c->use_l10n = -1;
    c->plain_numbers = mn__tpl_plain_numbers(e, -1);
    return c;
}

mn_arena *mn_template_context_arena(mn_template_context *ctx) { return ctx->arena; }
bool mn_template_context_autoescape(const mn_template_context *ctx) { return ctx->autoescape; }
void mn_template_context_set_request(mn_template_context *ctx, mn_value request) { ctx->request = request; }

int mn_template_context_push(mn_template_context *ctx)
{
    if (ctx->nscopes == ctx->cap) {
        size_t nc = ctx->cap * 2;
        mn_map **ns = mn_arena_realloc(ctx->arena, ctx->scopes, ctx->cap * sizeof *ns, nc * sizeof *ns);
        if (!ns)
            return MN_ENOMEM;
        ctx->scopes = ns;
        ctx->cap = nc;
    }
    ctx->scopes[ctx->nscopes++] = NULL; /* created on first set */
    return MN_OK;
}

void mn_template_context_pop(mn_template_context *ctx)
{
    if (ctx->nscopes > 1)
        ctx->nscopes--;
}

int mn_template_context_set_str(mn_template_context *ctx, mn_str key, mn_value v)
{
    mn_map **top = &ctx->scopes[ctx->nscopes - 1];
    if (!*top && !(*top = mn_map_new(ctx->arena, 4)))
        return MN_ENOMEM;
    return mn_map_set(*top, key, v);
}

int mn_template_context_set(mn_template_context *ctx, const char *key, mn_value v)
{
    return mn_template_context_set_str(ctx, mn_str_from(key), v);
}

mn_value *mn_template_context_find(mn_template_context *ctx, mn_str key)
{
    for (size_t i = ctx->nscopes; i-- > 0;) {
        if (!ctx->scopes[i])
            continue;
        mn_value *v = mn_map_find(ctx->scopes[i], key);
        if (v)
            return v;
    }
    return NULL;
}

/* ---- render context ---- */

void *mn__rc_get(mn_template_context *ctx, const void *key)
{
    mn__rframe *f = ctx->rc;
    if (!f)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (f->entries[i].key == key)
            return f->entries[i].value;
    return NULL;
}

int mn__rc_set(mn_template_context *ctx, const void *key, void *value)
{
    mn__rframe *f = ctx->rc;
    if (!f)
        return MN_EINVAL;
    for (size_t i = 0; i < f->n; i++)
        if (f->entries[i].key == key) {
            f->entries[i].value = value;
            return MN_OK;
        }
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 8;
        mn__rc_entry *ne = mn_arena_realloc(ctx->arena, f->entries, f->cap * sizeof *ne, nc * sizeof *ne);
        if (!ne)
            return MN_ENOMEM;
        f->entries = ne;
        f->cap = nc;
    }
    f->entries[f->n++] = (mn__rc_entry){ key, value };
    return MN_OK;
}

int mn__rc_push(mn_template_context *ctx, mn__rframe *f, const mn_template *tpl, bool isolated)
{
    if (isolated || !ctx->rc) {
        memset(f, 0, sizeof *f);
        f->prev = ctx->rc;
        f->tpl = tpl;
        ctx->rc = f;
    }
    return MN_OK;
}

void mn__rc_pop(mn_template_context *ctx, mn__rframe *f)
{
    if (ctx->rc == f)
        ctx->rc = f->prev;
}

/* ---- values ---- */

mn_str mn__tpl_str(mn_template_context *ctx, mn_value v)
{
    if (v.type == MN_VALUE_STR)
        return v.u.s;
    int e = 0;
    return mn_value_as_str(v, ctx->arena, &e);
}

static bool parse_index(mn_str bit, int64_t *out)
{
    if (!bit.len)
        return false;
    for (size_t i = 0; i < bit.len; i++)
        if (bit.ptr[i] < '0' || bit.ptr[i] > '9')
            return false;
    return mn_str_to_i64(bit, out) == MN_OK;
}

/* Code point i of a UTF-8 string. */
static bool str_index(mn_str s, int64_t idx, mn_str *out)
{
    int64_t k = 0;
    for (size_t i = 0; i < s.len;) {
        size_t l = 1;
        unsigned char c = (unsigned char)s.ptr[i];
        if (c >= 0xf0) l = 4;
        else if (c >= 0xe0) l = 3;
        else if (c >= 0xc0) l = 2;
        if (i + l > s.len)
            l = s.len - i;
        if (k == idx) {
            *out = mn_str_make(s.ptr + i, l);
            return true;
        }
        k++;
        i += l;
    }
    return false;
}

typedef struct dict_view {
    mn_list *items;
    int which; /* 0 items, 1 keys, 2 values */
} dict_view;

static int view_to_list(const void *obj, mn_arena *arena, mn_list **out)
{
    *out = ((const dict_view *)obj)->items;
    return MN_OK;
}

static int view_to_str(const void *obj, mn_buf *out)
{
    const dict_view *v = obj;
    static const char *const names[] = { "dict_items([", "dict_keys([", "dict_values([" };
    mn_buf_puts(out, names[v->which]);
    for (size_t i = 0; i < mn_list_len(v->items); i++) {
        if (i)
            mn_buf_puts(out, ", ");
        mn_value item = mn_list_get(v->items, i);
        if (v->which == 0) {
            mn_buf_putc(out, '(');
            mn_value_repr(mn_list_get(item.u.list, 0), out);
            mn_buf_puts(out, ", ");
            mn_value_repr(mn_list_get(item.u.list, 1), out);
            mn_buf_putc(out, ')');
        } else {
            mn_value_repr(item, out);
        }
    }
    return mn_buf_puts(out, "])");
}

static bool view_truthy(const void *obj) { return mn_list_len(((const dict_view *)obj)->items) > 0; }

static const mn_type dict_view_type = { .name = "dict_view", .to_list = view_to_list, .to_str = view_to_str,
                                        .truthy = view_truthy };

static int map_method(mn_template_context *ctx, mn_map *m, mn_str bit, mn_value *out)
{
    int which = mn_str_eq_cstr(bit, "items") ? 0 : mn_str_eq_cstr(bit, "keys") ? 1 : mn_str_eq_cstr(bit, "values") ? 2 : -1;
    if (which < 0)
        return MN_ENOTFOUND;
    size_t n = mn_map_len(m);
    mn_list *l = mn_list_new(ctx->arena, n);
    dict_view *dv = mn_arena_calloc(ctx->arena, 1, sizeof *dv);
    if (!l || !dv)
        return MN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        mn_value item;
        if (which == 0) {
            mn_list *pair = mn_list_new(ctx->arena, 2);
            if (!pair || mn_list_push(pair, mn_value_str(mn_map_key_at(m, i))) ||
                mn_list_push(pair, mn_map_value_at(m, i)))
                return MN_ENOMEM;
            item = mn_value_list(pair);
        } else if (which == 1) {
            item = mn_value_str(mn_map_key_at(m, i));
        } else {
            item = mn_map_value_at(m, i);
        }
        if (mn_list_push(l, item))
            return MN_ENOMEM;
    }
    dv->items = l;
    dv->which = which;
    *out = mn_value_object(&dict_view_type, dv);
    return MN_OK;
}

static int date_attr(mn_value cur, mn_str bit, mn_value *out)
{
    mn_date d = { 0, 0, 0 };
    mn_time t = { 0, 0, 0, 0 };
    bool has_d = false, has_t = false;
    if (cur.type == MN_VALUE_DATE) {
        d = cur.u.date;
        has_d = true;
    } else if (cur.type == MN_VALUE_TIME) {
        t = cur.u.time;
        has_t = true;
    } else if (cur.type == MN_VALUE_DATETIME) {
        mn_datetime_fields(cur.u.dt, &d, &t);
        has_d = has_t = true;
    } else {
        return MN_ENOTFOUND;
    }
    static const char *const names[] = { "year", "month", "day", "hour", "minute", "second", "microsecond" };
    for (int i = 0; i < 7; i++) {
        if (!mn_str_eq_cstr(bit, names[i]))
            continue;
        if ((i < 3 && !has_d) || (i >= 3 && !has_t))
            return MN_ENOTFOUND;
        int64_t v = i == 0 ? d.year : i == 1 ? d.month : i == 2 ? d.day : i == 3 ? t.hour : i == 4 ? t.minute
                  : i == 5 ? t.second : t.usec;
        *out = mn_value_int(v);
        return MN_OK;
    }
    return MN_ENOTFOUND;
}

/* One attribute lookup; slot is the call site's get_attr_slot cache (NULL:
 * none). */
static int lookup_bit(mn_template_context *ctx, mn_value cur, mn_str bit, uint64_t *slot, mn_value *out)
{
    int64_t idx;
    switch (cur.type) {
    case MN_VALUE_MAP: {
        mn_value *v = mn_map_find(cur.u.map, bit);
        if (v) {
            *out = *v;
            return MN_OK;
        }
        return map_method(ctx, cur.u.map, bit, out);
    }
    case MN_VALUE_LIST:
        if (parse_index(bit, &idx) && (size_t)idx < mn_list_len(cur.u.list)) {
            *out = mn_list_get(cur.u.list, (size_t)idx);
            return MN_OK;
        }
        return MN_ENOTFOUND;
    case MN_VALUE_STR: {
        mn_str ch;
        if (parse_index(bit, &idx) && str_index(cur.u.s, idx, &ch)) {
            *out = mn_value_str(ch);
            return MN_OK;
        }
        return MN_ENOTFOUND;
    }
    case MN_VALUE_OBJECT: {
        const mn_type *t = cur.u.obj.type;
        if (t && slot && t->get_attr_slot) {
            int rc = t->get_attr_slot(cur.u.obj.ptr, bit, slot, ctx->arena, out);
            if (rc != MN_ENOTFOUND)
                return rc;
        } else if (t && t->get_attr) {
            int rc = t->get_attr(cur.u.obj.ptr, bit, ctx->arena, out);
            if (rc != MN_ENOTFOUND)
                return rc;
        }
        if (t && t->to_list && parse_index(bit, &idx)) {
            mn_list *l;
            int rc = t->to_list(cur.u.obj.ptr, ctx->arena, &l);
            if (rc)
                return rc;
            if ((size_t)idx < mn_list_len(l)) {
                *out = mn_list_get(l, (size_t)idx);
                return MN_OK;
            }
        }
        return MN_ENOTFOUND;
    }
    default:
        return date_attr(cur, bit, out);
    }
}

static int call_if_callable(mn_template_context *ctx, mn_value *v, mn_err *err)
{
    if (v->type != MN_VALUE_CALLABLE)
        return MN_OK;
    mn_value r = mn_value_null();
    int rc = v->u.call.fn(v->u.call.ctx, ctx->arena, &r);
    if (rc)
        return mn__tpl_render_error(ctx, err, rc, "Error", "calling a template callable failed: %s",
                                    mn_strerror(rc));
    *v = r;
    return MN_OK;
}

static int var_lookup(const mn__tvar *v, mn_template_context *ctx, mn_value *out, mn_err *err) __attribute__((noinline));

int mn__tpl_var_resolve(const mn__tvar *v, mn_template_context *ctx, mn_value *out, mn_err *err)
{
    if (!v->lookups) {
        *out = v->literal;
        return MN_OK;
    }
    return var_lookup(v, ctx, out, err);
}

/* The lookups of a variable (not a literal). */
static int var_lookup(const mn__tvar *v, mn_template_context *ctx, mn_value *out, mn_err *err)
{
    mn_value cur;
    mn_value *found = NULL;
    uint32_t hint = __atomic_load_n(&v->hints[0], __ATOMIC_RELAXED), h0 = hint;
    for (size_t i = ctx->nscopes; i-- > 0;)
        if (ctx->scopes[i] && (found = mn_map_find_hinted(ctx->scopes[i], v->lookups[0], &hint)))
            break;
    if (hint != h0)
        __atomic_store_n(&v->hints[0], hint, __ATOMIC_RELAXED);
    if (found) {
        cur = *found;
    } else if (mn_str_eq_cstr(v->lookups[0], "True")) {
        cur = mn_value_bool(true);
    } else if (mn_str_eq_cstr(v->lookups[0], "False")) {
        cur = mn_value_bool(false);
    } else if (mn_str_eq_cstr(v->lookups[0], "None")) {
        cur = mn_value_null();
    } else {
        return MN_ENOTFOUND;
    }
    int rc;
    if (cur.type == MN_VALUE_CALLABLE && (rc = call_if_callable(ctx, &cur, err)))
        return rc;
    for (size_t i = 1; i < v->nlookups; i++) {
        mn_value next;
        if (cur.type == MN_VALUE_MAP) {
            uint32_t h = __atomic_load_n(&v->hints[i], __ATOMIC_RELAXED), h1 = h;
            mn_value *f = mn_map_find_hinted(cur.u.map, v->lookups[i], &h);
            if (h != h1)
                __atomic_store_n(&v->hints[i], h, __ATOMIC_RELAXED);
            if (f) {
                cur = *f;
                if (cur.type == MN_VALUE_CALLABLE && (rc = call_if_callable(ctx, &cur, err)))
                    return rc;
                continue;
            }
        }
        rc = lookup_bit(ctx, cur, v->lookups[i], v->slots ? &v->slots[i] : NULL, &next);
        if (rc == MN_ENOTFOUND)
            return rc;
        if (rc == MN_EPARSE && cur.type == MN_VALUE_OBJECT && cur.u.obj.type && cur.u.obj.type->name &&
            !strcmp(cur.u.obj.type->name, "BlockNode"))
            return mn__tpl_render_error(ctx, err, rc, "TemplateSyntaxError",
                                        "'BlockNode' object has no attribute 'context'. Did you use {{ block.super }} "
                                        "in a base template?");
        if (rc)
            return mn__tpl_render_error(ctx, err, rc, "Error", "looking up '%.*s' failed: %s",
                                        MN_STR_FMT(v->lookups[i]), mn_strerror(rc));
        cur = next;
        if (cur.type == MN_VALUE_CALLABLE && (rc = call_if_callable(ctx, &cur, err)))
            return rc;
    }
    if (v->translate && cur.type == MN_VALUE_STR) {
        mn_str s = cur.u.s;
        if (mn_str_find_char(s, '%', 0) >= 0) {
            mn_buf b;
            mn_buf_init(&b, ctx->arena, 0);
            for (size_t i = 0; i < s.len; i++) {
                if (s.ptr[i] == '%')
                    mn_buf_putc(&b, '%');
                mn_buf_putc(&b, s.ptr[i]);
            }
            uint8_t fl = cur.flags;
            cur = mn_value_str(mn_str_make(b.data, b.len));
            cur.flags = fl;
        }
    }
    *out = cur;
    return MN_OK;
}

/* ---- filters ---- */

int mn__tpl_apply_filter(mn_template_context *ctx, const mn__filter_def *def, mn_value obj, const mn_value *arg,
                         mn_value *out, mn_err *err)
{
    bool in_safe = mn_value_is_safe(obj);
    mn_value in = obj;
    if ((def->flags & MN_FILTER_STRING) && in.type != MN_VALUE_STR)
        in = mn_value_str(mn__tpl_str(ctx, in));
    mn_err fe;
    fe.code = 0;
    fe.msg[0] = '\0';
    mn_template_filter_call call = {
        .input = in,
        .arg = arg ? *arg : mn_value_null(),
        .has_arg = arg != NULL,
        .autoescape = ctx->autoescape,
        .arena = ctx->arena,
        .ctx = ctx,
        .err = &fe,
    };
    mn_value r = mn_value_null();
    int rc = def->fn(&call, &r);
    if (rc) {
        if (fe.code)
            return mn__tpl_render_error(ctx, err, rc, NULL, "%s", fe.msg);
        return mn__tpl_render_error(ctx, err, rc, "Error", "filter '%s' failed: %s", def->name, mn_strerror(rc));
    }
    if ((def->flags & MN_FILTER_IS_SAFE) && in_safe) {
        if (r.type != MN_VALUE_STR)
            r = mn_value_str(mn__tpl_str(ctx, r));
        r.flags |= MN_VALUE_SAFE;
    }
    *out = r;
    return MN_OK;
}

/* Resolves a filter's argument. */
static int filter_arg(const mn__tfilter *f, mn_template_context *ctx, mn_value *arg, mn_err *err)
{
    int rc = mn__tpl_var_resolve(&f->arg, ctx, arg, err);
    if (rc == MN_ENOTFOUND)
        return mn__tpl_render_error(ctx, err, MN_ENOTFOUND, "VariableDoesNotExist", "Failed lookup for key [%.*s]",
                                    MN_STR_FMT(f->arg.lookups[0]));
    return rc;
}

/* Resolves fe's variable and applies its first nf filters. *invalid: the
 * variable failed and string_if_invalid replaced the whole expression. */
static int fexpr_eval(const mn_template_fexpr *fe, mn_template_context *ctx, bool ignore_failures, size_t nf,
                      mn_value *out, bool *invalid, mn_err *err)
{
    mn_value obj;
    *invalid = false;
    int rc = mn__tpl_var_resolve(&fe->var, ctx, &obj, err);
    if (rc == MN_ENOTFOUND) {
        if (ignore_failures) {
            obj = mn_value_null();
        } else {
            const char *sii = ctx->engine->string_if_invalid;
            if (sii && *sii) {
                const char *pct = strstr(sii, "%s");
                if (pct) {
                    char *s = mn_arena_sprintf(ctx->arena, "%.*s%.*s%s", (int)(pct - sii), sii,
                                               MN_STR_FMT(fe->var.text), pct + 2);
                    if (!s)
                        return MN_ENOMEM;
                    *out = mn_value_cstr(s);
                } else {
                    *out = mn_value_cstr(sii);
                }
                *invalid = true;
                return MN_OK;
            }
            obj = mn_value_str(MN_STR_EMPTY);
        }
    } else if (rc) {
        return rc;
    }
    for (size_t i = 0; i < nf; i++) {
        const mn__tfilter *f = &fe->filters[i];
        mn_value arg;
        if (f->has_arg && (rc = filter_arg(f, ctx, &arg, err)))
            return rc;
        rc = mn__tpl_apply_filter(ctx, f->def, obj, f->has_arg ? &arg : NULL, &obj, err);
        if (rc)
            return rc;
    }
    *out = obj;
    return MN_OK;
}

int mn_template_fexpr_resolve(const mn_template_fexpr *fe, mn_template_context *ctx, bool ignore_failures,
                              mn_value *out, mn_err *err)
{
    bool invalid;
    return fexpr_eval(fe, ctx, ignore_failures, fe->nfilters, out, &invalid, err);
}

/* Escapes what out holds past start (a filter's unsafe result written in
 * place), when there is something to escape. */
int mn__tpl_escape_from(mn_template_context *ctx, mn_buf *out, size_t start)
{
    if (start >= out->len)
        return MN_OK; /* nothing written (out->data may still be NULL) */
    size_t n = out->len - start;
    const char *p = out->data + start;
    size_t i = mn_html_escape_span(mn_str_make(p, n));
    if (i == n)
        return MN_OK;
    char *copy = mn_arena_alloc(ctx->arena, n - i);
    if (!copy)
        return MN_ENOMEM;
    memcpy(copy, p + i, n - i);
    mn_buf_truncate(out, start + i);
    return mn_html_escape(out, mn_str_make(copy, n - i));
}

/* Renders a {{ }} expression: the last filter, when it can, writes its
 * result straight into out. */
static int render_fexpr(const mn_template_fexpr *fe, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    mn_value v;
    int rc;
    if (!fe->nfilters && fe->var.lookups) {
        /* a plain variable (most): straight to the lookups */
        rc = var_lookup(&fe->var, ctx, &v, err);
        if (rc == MN_ENOTFOUND)
            rc = mn_template_fexpr_resolve(fe, ctx, false, &v, err);
        return rc ? rc : mn_template_render_value(ctx, v, out);
    }
    const mn__tfilter *last = fe->nfilters ? &fe->filters[fe->nfilters - 1] : NULL;
    if (!last || !last->def->render) {
        rc = mn_template_fexpr_resolve(fe, ctx, false, &v, err);
        return rc ? rc : mn_template_render_value(ctx, v, out);
    }
    bool invalid;
    if ((rc = fexpr_eval(fe, ctx, false, fe->nfilters - 1, &v, &invalid, err)))
        return rc;
    if (invalid)
        return mn_template_render_value(ctx, v, out);
    mn_value arg;
    if (last->has_arg && (rc = filter_arg(last, ctx, &arg, err)))
        return rc;
    const mn__filter_def *def = last->def;
    bool in_safe = mn_value_is_safe(v);
    if ((def->flags & MN_FILTER_STRING) && v.type != MN_VALUE_STR)
        v = mn_value_str(mn__tpl_str(ctx, v));
    mn_err fe_err;
    fe_err.code = 0;
    fe_err.msg[0] = '\0';
    mn_template_filter_call call = {
        .input = v,
        .arg = last->has_arg ? arg : mn_value_null(),
        .has_arg = last->has_arg,
        .autoescape = ctx->autoescape,
        .arena = ctx->arena,
        .ctx = ctx,
        .err = &fe_err,
    };
    size_t start = out->len;
    bool safe = false;
    rc = def->render(&call, out, &safe);
    if (rc) {
        if (!out->err)
            mn_buf_truncate(out, start);
        if (fe_err.code)
            return mn__tpl_render_error(ctx, err, rc, NULL, "%s", fe_err.msg);
        return mn__tpl_render_error(ctx, err, rc, "Error", "filter '%s' failed: %s", def->name, mn_strerror(rc));
    }
    if (out->err)
        return out->err;
    if (ctx->autoescape && !safe && !((def->flags & MN_FILTER_IS_SAFE) && in_safe))
        return mn__tpl_escape_from(ctx, out, start);
    return MN_OK;
}

/* ---- output ---- */

int mn__tpl_put_float(mn_buf *out, double f)
{
    mn_buf tmp;
    char space[64];
    mn_buf_init(&tmp, NULL, sizeof space);
    int rc = mn_buf_put_double_repr(&tmp, f);
    if (rc) {
        mn_buf_free(&tmp);
        return mn_value_to_str(mn_value_float(f), out);
    }
    snprintf(space, sizeof space, "%s", mn_buf_cstr(&tmp));
    mn_buf_free(&tmp);
    char *e = strchr(space, 'e');
    if (!e)
        return mn_buf_puts(out, space);
    /* Decimal(str(f)) formatted with '{:f}': plain positional digits */
    int exp = atoi(e + 1);
    *e = 0;
    char *p = space;
    if (*p == '-') {
        mn_buf_putc(out, '-');
        p++;
    }
    char digits[40];
    size_t nd = 0;
    int point = 0;
    bool seen_dot = false;
    for (; *p; p++) {
        if (*p == '.') {
            seen_dot = true;
            continue;
        }
        if (nd < sizeof digits)
            digits[nd++] = *p;
        if (!seen_dot)
            point++;
    }
    point += exp;
    if (point <= 0) {
        mn_buf_puts(out, "0.");
        for (int i = 0; i < -point; i++)
            mn_buf_putc(out, '0');
        return mn_buf_append(out, digits, nd);
    }
    for (int i = 0; i < point; i++)
        mn_buf_putc(out, (size_t)i < nd ? digits[i] : '0');
    if ((size_t)point < nd) {
        mn_buf_putc(out, '.');
        mn_buf_append(out, digits + point, nd - (size_t)point);
    }
    return mn_buf_error(out);
}

int mn_template_render_value(mn_template_context *ctx, mn_value v, mn_buf *out)
{
    if (v.type == MN_VALUE_STR) {
        if (!ctx->autoescape || (v.flags & MN_VALUE_SAFE))
            return mn_buf_put_str(out, v.u.s);
        return mn_html_escape(out, v.u.s);
    }
    if (v.type == MN_VALUE_INT && ctx->plain_numbers)
        return mn_buf_put_i64(out, v.u.i);
    if (v.type == MN_VALUE_FLOAT && ctx->plain_numbers)
        return mn__tpl_put_float(out, v.u.f);
    if (ctx->engine->value_hook) {
        int rc = ctx->engine->value_hook(ctx, v, out);
        if (rc != MN_ENOTFOUND)
            return rc;
    }
    if (!ctx->autoescape || v.type == MN_VALUE_NULL || v.type == MN_VALUE_BOOL || v.type == MN_VALUE_FLOAT ||
        v.type == MN_VALUE_DECIMAL)
        return mn_value_to_str(v, out);
    mn_str s = mn__tpl_str(ctx, v);
    return mn_html_escape(out, s);
}

int mn_template_nodelist_render(const mn_template_nodelist *nl, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    if (!nl)
        return MN_OK;
    for (size_t i = 0; i < nl->n; i++) {
        const mn_template_node *n = nl->nodes[i];
        if (++ctx->steps > ctx->max_steps)
            return mn__tpl_render_error(ctx, err, MN_ELIMIT, "RenderLimitError",
                                        "template rendering exceeded %zu steps", ctx->max_steps);
        int rc;
        switch (n->kind) {
        case NODE_TEXT:
            if (!out->err && out->cap - out->len > n->text.len) {
                memcpy(out->data + out->len, n->text.ptr, n->text.len);
                out->len += n->text.len;
                out->data[out->len] = '\0';
                continue;
            }
            rc = mn_buf_put_str(out, n->text);
            break;
        case NODE_VAR: {
            const mn_template_node *saved = ctx->node;
            ctx->node = n;
            rc = render_fexpr(n->fe, ctx, out, err);
            ctx->node = saved;
            break;
        }
        default: {
            const mn_template_node *saved = ctx->node;
            ctx->node = n;
            rc = n->render(n->data, ctx, out, err);
            ctx->node = saved;
            break;
        }
        }
        if (rc) {
            if (err && !err->code) {
                if (mn_buf_error(out))
                    mn__tpl_render_error(ctx, err, rc, "RenderLimitError", "output buffer: %s", mn_strerror(rc));
                else
                    mn__tpl_render_error(ctx, err, rc, "Error", "%s", mn_strerror(rc));
            }
            return rc;
        }
        if (out->err) {
            rc = out->err;
            return mn__tpl_render_error(ctx, err, rc, "RenderLimitError", "output buffer: %s", mn_strerror(rc));
        }
    }
    return MN_OK;
}

/* Per request: follow the request's fiber across switches (fiber.h). */
#define render_hook (mn__fl.render_hook)
#define render_hook_udata (mn__fl.render_hook_udata)

void mn_template_set_render_hook(mn_template_render_hook fn, void *udata, mn_template_render_hook *prev,
                                 void **prev_udata)
{
    if (prev)
        *prev = render_hook;
    if (prev_udata)
        *prev_udata = render_hook_udata;
    render_hook = fn;
    render_hook_udata = fn ? udata : NULL;
}

mn_map *mn_template_context_flatten(mn_template_context *ctx, mn_arena *arena)
{
    mn_map *m = mn_map_new(arena, 16);
    for (size_t i = 0; m && i < ctx->nscopes; i++) {
        const mn_map *scope = ctx->scopes[i];
        for (size_t j = 0; scope && j < mn_map_len(scope); j++)
            if (mn_map_set(m, mn_map_key_at(scope, j), mn_map_value_at(scope, j)))
                return NULL;
    }
    return m;
}

int mn__tpl_render_template(const mn_template *t, mn_template_context *ctx, mn_buf *out, mn_err *err,
                            bool isolated)
{
    if (render_hook)
        render_hook(render_hook_udata, t, ctx);
    if (ctx->depth >= MN__TPL_MAX_DEPTH)
        return mn__tpl_render_error(ctx, err, MN_ELIMIT, "RecursionError",
                                    "maximum template nesting depth (%d) exceeded rendering \"%s\"",
                                    MN__TPL_MAX_DEPTH, t->name);
    mn__rframe f;
    mn__rframe *pushed = ctx->rc;
    mn__rc_push(ctx, &f, t, isolated);
    const mn_template *saved_tpl = ctx->tpl;
    ctx->tpl = t;
    ctx->depth++;
    int rc = mn_template_nodelist_render(t->nodes, ctx, out, err);
    ctx->depth--;
    ctx->tpl = saved_tpl;
    if (ctx->rc != pushed)
        mn__rc_pop(ctx, &f);
    return rc;
}

int mn_template_render(mn_template *t, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    if (!t || !ctx || !out)
        return mn_err_set(err, MN_EINVAL, "mn_template_render: NULL argument");
    if (mn_template_context_push(ctx))
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t saved = ctx->nscopes, saved_scope = ctx->render_scope;
    ctx->render_scope = saved - 1;
    int rc = mn__tpl_render_template(t, ctx, out, err, true);
    ctx->render_scope = saved_scope;
    ctx->nscopes = saved;
    mn_template_context_pop(ctx);
    return rc;
}

/* ---- iteration and membership ---- */

int mn__tpl_iter(mn_template_context *ctx, mn_value v, mn_list **out, mn_err *err)
{
    switch (v.type) {
    case MN_VALUE_LIST:
        *out = v.u.list;
        return MN_OK;
    case MN_VALUE_MAP: {
        size_t n = mn_map_len(v.u.map);
        mn_list *l = mn_list_new(ctx->arena, n);
        if (!l)
            return MN_ENOMEM;
        for (size_t i = 0; i < n; i++)
            if (mn_list_push(l, mn_value_str(mn_map_key_at(v.u.map, i))))
                return MN_ENOMEM;
        *out = l;
        return MN_OK;
    }
    case MN_VALUE_STR: {
        mn_list *l = mn_list_new(ctx->arena, v.u.s.len);
        if (!l)
            return MN_ENOMEM;
        mn_str ch;
        for (int64_t i = 0; str_index(v.u.s, i, &ch); i++) {
            if (mn_list_push(l, mn_value_str(ch)))
                return MN_ENOMEM;
        }
        *out = l;
        return MN_OK;
    }
    case MN_VALUE_OBJECT:
        if (v.u.obj.type && v.u.obj.type->to_list) {
            int rc = v.u.obj.type->to_list(v.u.obj.ptr, ctx->arena, out);
            if (rc)
                return mn__tpl_render_error(ctx, err, rc, "TypeError", "'%s' object is not iterable",
                                            v.u.obj.type->name ? v.u.obj.type->name : "object");
            return MN_OK;
        }
        break;
    case MN_VALUE_NULL:
        break;
    default:
        return mn__tpl_render_error(ctx, err, MN_ETYPE, "TypeError", "'%s' object is not iterable",
                                    mn_value_type_name(v));
    }
    *out = mn_list_new(ctx->arena, 0);
    return *out ? MN_OK : MN_ENOMEM;
}

bool mn__tpl_contains(mn_template_context *ctx, mn_value c, mn_value item, bool *ok)
{
    *ok = true;
    switch (c.type) {
    case MN_VALUE_STR:
        if (item.type != MN_VALUE_STR) {
            *ok = false;
            return false;
        }
        return mn_str_find(c.u.s, item.u.s, 0) >= 0;
    case MN_VALUE_MAP:
        if (item.type != MN_VALUE_STR)
            return false;
        return mn_map_has(c.u.map, item.u.s);
    case MN_VALUE_LIST:
    case MN_VALUE_OBJECT: {
        mn_list *l = NULL;
        if (c.type == MN_VALUE_LIST)
            l = c.u.list;
        else if (!c.u.obj.type || !c.u.obj.type->to_list || c.u.obj.type->to_list(c.u.obj.ptr, ctx->arena, &l)) {
            *ok = false;
            return false;
        }
        for (size_t i = 0; i < mn_list_len(l); i++)
            if (mn_value_eq(mn_list_get(l, i), item))
                return true;
        return false;
    }
    default:
        *ok = false;
        return false;
    }
}
