/* The `i18n` library without message catalogs (LANGUAGE_CODE "en-us", every
 * message translates to itself, English plural rule): {% translate %} /
 * {% trans %}, {% blocktranslate %} / {% blocktrans %} with with, count and
 * {% plural %}, context, trimmed and asvar, {% get_current_language %} and
 * {% get_current_language_bidi %}. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define OOM(err) (mn_err_set((err), MN_ENOMEM, "out of memory"), (mn_template_node *)NULL)

typedef struct trans_node {
    mn_template_fexpr *msg;
    bool noop;
    mn_str asvar;
} trans_node;

/* value.replace('%%', '%') */
static mn_str undouble(mn_arena *a, mn_str s)
{
    if (mn_str_find(s, MN_STR("%%"), 0) < 0)
        return s;
    char *d = mn_arena_alloc(a, s.len + 1);
    if (!d)
        return s;
    size_t k = 0;
    for (size_t i = 0; i < s.len; i++) {
        d[k++] = s.ptr[i];
        if (s.ptr[i] == '%' && i + 1 < s.len && s.ptr[i + 1] == '%')
            i++;
    }
    return mn_str_make(d, k);
}

static int trans_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const trans_node *t = data;
    mn_value v;
    int rc = mn_template_fexpr_resolve(t->msg, ctx, false, &v, err);
    if (rc)
        return rc;
    mn_buf b;
    mn_buf_init(&b, ctx->arena, 0);
    if ((rc = mn_template_render_value(ctx, v, &b)))
        return rc;
    bool safe = !ctx->autoescape || mn_value_is_safe(v) || v.type != MN_VALUE_STR;
    mn_str s = mn_buf_str(&b);
    if (t->noop)
        s = undouble(ctx->arena, s);
    if (t->asvar.len) {
        mn_value r = mn_value_str(s);
        if (safe || ctx->autoescape)
            r.flags |= MN_VALUE_SAFE;
        return mn_template_context_set_str(ctx, t->asvar, r);
    }
    return mn_buf_put_str(out, s);
}

static mn_template_node *do_trans(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 2)
        return (mn_template_parser_error(p, err, "'%.*s' takes at least one argument", MN_STR_FMT(bits[0])),
                (mn_template_node *)NULL);
    trans_node *t = mn_arena_calloc(p->arena, 1, sizeof *t);
    if (!t || !(t->msg = mn_template_parser_compile_filter(p, bits[1], err)))
        return t ? NULL : OOM(err);
    bool seen_noop = false, seen_ctx = false, seen_as = false;
    for (int i = 2; i < nb; i++) {
        mn_str opt = bits[i];
        bool *seen = mn_str_eq_cstr(opt, "noop") ? &seen_noop : mn_str_eq_cstr(opt, "context") ? &seen_ctx
                   : mn_str_eq_cstr(opt, "as") ? &seen_as : NULL;
        if (seen && *seen)
            return (mn_template_parser_error(p, err, "The '%.*s' option was specified more than once.",
                                             MN_STR_FMT(opt)),
                    (mn_template_node *)NULL);
        if (mn_str_eq_cstr(opt, "noop")) {
            t->noop = true;
        } else if (mn_str_eq_cstr(opt, "context")) {
            if (i + 1 >= nb)
                return (mn_template_parser_error(
                            p, err, "No argument provided to the '%.*s' tag for the context option.",
                            MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
            mn_str v = bits[++i];
            if (mn_str_eq_cstr(v, "as") || mn_str_eq_cstr(v, "noop"))
                return (mn_template_parser_error(
                            p, err, "Invalid argument '%.*s' provided to the '%.*s' tag for the context option",
                            MN_STR_FMT(v), MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
            if (!mn_template_parser_compile_filter(p, v, err))
                return NULL;
        } else if (mn_str_eq_cstr(opt, "as")) {
            if (i + 1 >= nb)
                return (mn_template_parser_error(p, err,
                                                 "No argument provided to the '%.*s' tag for the as option.",
                                                 MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
            t->asvar = bits[++i];
        } else {
            return (mn_template_parser_error(p, err,
                                             "Unknown argument for '%.*s' tag: '%.*s'. The only options available "
                                             "are 'noop', 'context' \"xxx\", and 'as VAR'.",
                                             MN_STR_FMT(bits[0]), MN_STR_FMT(opt)),
                    (mn_template_node *)NULL);
        }
        if (seen)
            *seen = true;
    }
    return mn_template_node_new(p, trans_render, t);
}

/* ---- blocktranslate ---- */

typedef struct piece {
    bool var;
    mn_str text; /* text, or the variable's name */
} piece;

typedef struct block_trans {
    mn_str tag;
    mn_str *keys;
    mn_template_fexpr **vals;
    size_t nkw;
    mn_str countervar;
    mn_template_fexpr *counter;
    bool trimmed;
    mn_str asvar;
    piece *singular, *plural;
    size_t nsingular, nplural;
} block_trans;

/* Builds the message as Django does ("%%" for %, "%(name)s" for variables),
 * trims it when asked, then formats it with the rendered variables. */
static int format_message(mn_template_context *ctx, const block_trans *bt, const piece *pieces, size_t n,
                          mn_buf *out, mn_err *err)
{
    mn_buf msg;
    mn_buf_init(&msg, ctx->arena, 0);
    for (size_t i = 0; i < n; i++) {
        if (pieces[i].var) {
            mn_buf_puts(&msg, "%(");
            mn_buf_put_str(&msg, pieces[i].text);
            mn_buf_puts(&msg, ")s");
        } else {
            for (size_t k = 0; k < pieces[i].text.len; k++) {
                if (pieces[i].text.ptr[k] == '%')
                    mn_buf_putc(&msg, '%');
                mn_buf_putc(&msg, pieces[i].text.ptr[k]);
            }
        }
    }
    if (mn_buf_error(&msg))
        return mn_buf_error(&msg);
    mn_str m = mn_buf_str(&msg);
    if (bt->trimmed) {
        /* re.sub(r'\s*\n\s*', ' ', s.strip()) */
        m = mn_str_trim(m);
        mn_buf t;
        mn_buf_init(&t, ctx->arena, m.len + 1);
        for (size_t i = 0; i < m.len;) {
            size_t j = i;
            while (j < m.len && (m.ptr[j] == ' ' || m.ptr[j] == '\t' || m.ptr[j] == '\r' || m.ptr[j] == '\f' ||
                                 m.ptr[j] == '\v'))
                j++;
            if (j < m.len && m.ptr[j] == '\n') {
                while (j < m.len && (m.ptr[j] == ' ' || m.ptr[j] == '\t' || m.ptr[j] == '\n' || m.ptr[j] == '\r' ||
                                     m.ptr[j] == '\f' || m.ptr[j] == '\v'))
                    j++;
                mn_buf_putc(&t, ' ');
                i = j;
                continue;
            }
            mn_buf_append(&t, m.ptr + i, j - i);
            if (j < m.len)
                mn_buf_putc(&t, m.ptr[j]);
            i = j + 1;
        }
        if (mn_buf_error(&t))
            return mn_buf_error(&t);
        m = mn_buf_str(&t);
    }
    const char *sii = ctx->engine->string_if_invalid;
    for (size_t i = 0; i < m.len; i++) {
        if (m.ptr[i] != '%') {
            mn_buf_putc(out, m.ptr[i]);
            continue;
        }
        if (i + 1 < m.len && m.ptr[i + 1] == '%') {
            mn_buf_putc(out, '%');
            i++;
            continue;
        }
        ptrdiff_t close = i + 1 < m.len && m.ptr[i + 1] == '(' ? mn_str_find(m, MN_STR(")s"), i + 2) : -1;
        if (close < 0)
            return mn__tpl_render_error(ctx, err, MN_EPARSE, "TemplateSyntaxError",
                                        "'%.*s' is unable to format string returned by gettext", MN_STR_FMT(bt->tag));
        mn_str key = mn_str_slice(m, i + 2, (size_t)close);
        mn_value *v = mn_template_context_find(ctx, key);
        mn_value val;
        if (v) {
            val = *v;
        } else {
            const char *pct = strstr(sii, "%s");
            char *s = pct ? mn_arena_sprintf(ctx->arena, "%.*s%.*s%s", (int)(pct - sii), sii, MN_STR_FMT(key), pct + 2)
                          : (char *)sii;
            if (!s)
                return MN_ENOMEM;
            val = mn_value_cstr(s);
        }
        int rc = mn_template_render_value(ctx, val, out);
        if (rc)
            return rc;
        i = (size_t)close + 1;
    }
    return mn_buf_error(out);
}

static int block_trans_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const block_trans *bt = data;
    mn_value *vals = bt->nkw ? mn_arena_alloc(ctx->arena, bt->nkw * sizeof *vals) : NULL;
    if (bt->nkw && !vals)
        return MN_ENOMEM;
    int rc;
    for (size_t i = 0; i < bt->nkw; i++)
        if ((rc = mn_template_fexpr_resolve(bt->vals[i], ctx, false, &vals[i], err)))
            return rc;
    size_t base = ctx->nscopes;
    if (mn_template_context_push(ctx))
        return MN_ENOMEM;
    for (size_t i = 0; i < bt->nkw; i++)
        if ((rc = mn_template_context_set_str(ctx, bt->keys[i], vals[i])))
            goto done;
    const piece *pieces = bt->singular;
    size_t n = bt->nsingular;
    if (bt->counter) {
        mn_value count;
        if ((rc = mn_template_fexpr_resolve(bt->counter, ctx, false, &count, err)))
            goto done;
        if (count.type != MN_VALUE_INT && count.type != MN_VALUE_FLOAT && count.type != MN_VALUE_DECIMAL &&
            count.type != MN_VALUE_BOOL) {
            rc = mn__tpl_render_error(ctx, err, MN_ETYPE, "TemplateSyntaxError",
                                      "'%.*s' argument to '%.*s' tag must be a number.", MN_STR_FMT(bt->countervar),
                                      MN_STR_FMT(bt->tag));
            goto done;
        }
        if ((rc = mn_template_context_set_str(ctx, bt->countervar, count)))
            goto done;
        if (!mn_value_eq(count, mn_value_int(1))) {
            pieces = bt->plural;
            n = bt->nplural;
        }
    }
    if (bt->asvar.len) {
        mn_buf tmp;
        mn_buf_init(&tmp, ctx->arena, 0);
        if ((rc = format_message(ctx, bt, pieces, n, &tmp, err)))
            goto done;
        ctx->nscopes = base;
        return mn_template_context_set_str(ctx, bt->asvar, mn_value_str(mn_buf_str(&tmp)));
    }
    rc = format_message(ctx, bt, pieces, n, out, err);
done:
    ctx->nscopes = base;
    return rc;
}

static bool collect(mn_template_parser *p, piece **out, size_t *n, const mn__token **stop)
{
    size_t cap = 8;
    *out = mn_arena_alloc(p->arena, cap * sizeof **out);
    *n = 0;
    *stop = NULL;
    if (!*out)
        return false;
    while (p->pos < p->ntokens) {
        const mn__token *t = &p->tokens[p->pos++];
        if (t->type != TOK_TEXT && t->type != TOK_VAR) {
            *stop = t;
            return true;
        }
        if (*n == cap) {
            piece *np = mn_arena_realloc(p->arena, *out, cap * sizeof *np, cap * 2 * sizeof *np);
            if (!np)
                return false;
            *out = np;
            cap *= 2;
        }
        (*out)[(*n)++] = (piece){ t->type == TOK_VAR, t->contents };
    }
    return true;
}

/* token_kwargs for the with and count options (key=value or legacy "v as k"). */
static int kwargs_opt(mn_template_parser *p, mn_str *bits, int nb, int *i, block_trans *bt, bool count,
                      mn_err *err)
{
    int got = 0;
    bool legacy = false;
    if (*i < nb) {
        mn_str b = bits[*i];
        ptrdiff_t eq = mn_str_find_char(b, '=', 0);
        legacy = eq <= 0 && *i + 2 < nb && mn_str_eq_cstr(bits[*i + 1], "as");
    }
    while (*i < nb) {
        mn_str key, val;
        if (!legacy) {
            mn_str b = bits[*i];
            ptrdiff_t eq = mn_str_find_char(b, '=', 0);
            if (eq <= 0 || (size_t)eq + 1 >= b.len)
                break;
            bool word = true;
            for (ptrdiff_t k = 0; k < eq; k++) {
                char c = b.ptr[k];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                    word = false;
            }
            if (!word)
                break;
            key = mn_str_make(b.ptr, (size_t)eq);
            val = mn_str_slice(b, (size_t)eq + 1, b.len);
            (*i)++;
        } else {
            if (*i + 2 >= nb || !mn_str_eq_cstr(bits[*i + 1], "as"))
                break;
            key = bits[*i + 2];
            val = bits[*i];
            *i += 3;
        }
        mn_template_fexpr *fe = mn_template_parser_compile_filter(p, val, err);
        if (!fe)
            return MN_EPARSE;
        if (count) {
            bt->countervar = key;
            bt->counter = fe;
        } else {
            bt->keys[bt->nkw] = key;
            bt->vals[bt->nkw++] = fe;
        }
        got++;
        if (legacy) {
            if (*i < nb && mn_str_eq_cstr(bits[*i], "and"))
                (*i)++;
            else
                break;
        }
    }
    return got;
}

static mn_template_node *do_block_trans(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    block_trans *bt = mn_arena_calloc(p->arena, 1, sizeof *bt);
    if (nb < 0 || !bt)
        return OOM(err);
    bt->tag = bits[0];
    bt->keys = mn_arena_alloc(p->arena, (size_t)nb * sizeof *bt->keys);
    bt->vals = mn_arena_alloc(p->arena, (size_t)nb * sizeof *bt->vals);
    if (!bt->keys || !bt->vals)
        return OOM(err);
    bool seen[5] = { false };
    static const char *const opts[] = { "with", "count", "context", "trimmed", "asvar" };
    for (int i = 1; i < nb;) {
        mn_str opt = bits[i++];
        int which = -1;
        for (int k = 0; k < 5; k++)
            if (mn_str_eq_cstr(opt, opts[k]))
                which = k;
        if (which >= 0 && seen[which])
            return (mn_template_parser_error(p, err, "The '%.*s' option was specified more than once.",
                                             MN_STR_FMT(opt)),
                    (mn_template_node *)NULL);
        if (which == 0 || which == 1) {
            int got = kwargs_opt(p, bits, nb, &i, bt, which == 1, err);
            if (got < 0 || (err && err->code))
                return NULL;
            if (which == 0 && got == 0)
                return (mn_template_parser_error(p, err,
                                                 "\"with\" in '%.*s' tag needs at least one keyword argument.",
                                                 MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
            if (which == 1 && got != 1)
                return (mn_template_parser_error(p, err,
                                                 "\"count\" in '%.*s' tag expected exactly one keyword argument.",
                                                 MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
        } else if (which == 2) {
            if (i >= nb || !mn_template_parser_compile_filter(p, bits[i++], err))
                return (mn_template_parser_error(p, err, "\"context\" in '%.*s' tag expected exactly one argument.",
                                                 MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
        } else if (which == 3) {
            bt->trimmed = true;
        } else if (which == 4) {
            if (i >= nb)
                return (mn_template_parser_error(p, err,
                                                 "No argument provided to the '%.*s' tag for the asvar option.",
                                                 MN_STR_FMT(bits[0])),
                        (mn_template_node *)NULL);
            bt->asvar = bits[i++];
        } else {
            return (mn_template_parser_error(p, err, "Unknown argument for '%.*s' tag: '%.*s'.", MN_STR_FMT(bits[0]),
                                             MN_STR_FMT(opt)),
                    (mn_template_node *)NULL);
        }
        seen[which] = true;
    }
    const mn__token *stop;
    if (!collect(p, &bt->singular, &bt->nsingular, &stop))
        return OOM(err);
    if (bt->counter) {
        if (!stop || !mn_str_eq_cstr(mn_str_trim(stop->contents), "plural"))
            return (mn_template_parser_error(p, err, "'%.*s' doesn't allow other block tags inside it",
                                             MN_STR_FMT(bits[0])),
                    (mn_template_node *)NULL);
        if (!collect(p, &bt->plural, &bt->nplural, &stop))
            return OOM(err);
    }
    char *end = mn_arena_sprintf(p->arena, "end%.*s", MN_STR_FMT(bits[0]));
    if (!end)
        return OOM(err);
    if (!stop || !mn_str_eq_cstr(mn_str_trim(stop->contents), end)) {
        /* at the end of the template Django names the last token it read */
        mn_str last = stop ? stop->contents
                           : bt->counter && bt->nplural ? bt->plural[bt->nplural - 1].text
                           : bt->nsingular ? bt->singular[bt->nsingular - 1].text : bits[0];
        return (mn_template_parser_error(p, err, "'%.*s' doesn't allow other block tags (seen '%.*s') inside it",
                                         MN_STR_FMT(bits[0]), MN_STR_FMT(last)),
                (mn_template_node *)NULL);
    }
    return mn_template_node_new(p, block_trans_render, bt);
}

/* ---- current language ---- */

typedef struct lang_node {
    mn_str asvar;
    bool bidi;
} lang_node;

static int lang_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const lang_node *l = data;
    return mn_template_context_set_str(ctx, l->asvar, l->bidi ? mn_value_bool(false) : mn_value_cstr(ctx->engine->language));
}

static mn_template_node *lang_compile(mn_template_parser *p, mn_str contents, mn_err *err, bool bidi)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 3 || !mn_str_eq_cstr(bits[1], "as"))
        return (mn_template_parser_error(p, err, "'%.*s' requires 'as variable' (got %s)", MN_STR_FMT(bits[0]),
                                         "[...]"),
                (mn_template_node *)NULL);
    lang_node *l = mn_arena_calloc(p->arena, 1, sizeof *l);
    if (!l)
        return OOM(err);
    l->asvar = bits[2];
    l->bidi = bidi;
    return mn_template_node_new(p, lang_render, l);
}

static mn_template_node *do_get_lang(mn_template_parser *p, mn_str c, mn_err *err) { return lang_compile(p, c, err, false); }
static mn_template_node *do_get_bidi(mn_template_parser *p, mn_str c, mn_err *err) { return lang_compile(p, c, err, true); }

int mn__tpl_register_i18n_tags(mn_template_library *lib)
{
    if (mn_template_library_add_tag(lib, "trans", do_trans) || mn_template_library_add_tag(lib, "translate", do_trans) ||
        mn_template_library_add_tag(lib, "blocktrans", do_block_trans) ||
        mn_template_library_add_tag(lib, "blocktranslate", do_block_trans) ||
        mn_template_library_add_tag(lib, "get_current_language", do_get_lang) ||
        mn_template_library_add_tag(lib, "get_current_language_bidi", do_get_bidi))
        return MN_ENOMEM;
    return MN_OK;
}
