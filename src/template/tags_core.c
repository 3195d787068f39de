/* Built-in tags: if, for, with, block, extends, include, autoescape, comment,
 * filter, firstof, cycle, resetcycle, ifchanged, ifequal, ifnotequal, load, spaceless,
 * templatetag, verbatim, widthratio, regroup, csrf_token. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

#define OOM(err) (mn_err_set((err), MN_ENOMEM, "out of memory"), (mn_template_node *)NULL)

static mn_template_node *fail(mn_template_parser *p, mn_err *err, const char *fmt, ...) MN_PRINTF(3, 4);
static mn_template_node *fail(mn_template_parser *p, mn_err *err, const char *fmt, ...)
{
    char msg[MN_ERR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mn_template_parser_error(p, err, "%s", msg);
    return NULL;
}

static const mn__token *next_token(mn_template_parser *p)
{
    return p->pos < p->ntokens ? &p->tokens[p->pos++] : NULL;
}

static mn_template_nodelist *parse_until(mn_template_parser *p, const char *e1, const char *e2, const char *e3,
                                         mn_err *err)
{
    const char *ends[3];
    size_t n = 0;
    if (e1) ends[n++] = e1;
    if (e2) ends[n++] = e2;
    if (e3) ends[n++] = e3;
    return mn__tpl_parse(p, ends, n, err);
}

/* Splits on whitespace like str.split(). */
static int ws_split(mn_template_parser *p, mn_str s, mn_str **out)
{
    size_t cap = 8, n = 0, i = 0;
    mn_str *v = mn_arena_alloc(p->arena, cap * sizeof *v);
    if (!v)
        return -1;
    while (i < s.len) {
        while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '\n' || s.ptr[i] == '\r'))
            i++;
        if (i >= s.len)
            break;
        size_t st = i;
        while (i < s.len && !(s.ptr[i] == ' ' || s.ptr[i] == '\t' || s.ptr[i] == '\n' || s.ptr[i] == '\r'))
            i++;
        if (n == cap) {
            mn_str *nv = mn_arena_realloc(p->arena, v, cap * sizeof *v, cap * 2 * sizeof *v);
            if (!nv)
                return -1;
            v = nv;
            cap *= 2;
        }
        v[n++] = mn_str_make(s.ptr + st, i - st);
    }
    *out = v;
    return (int)n;
}

static mn_template_fexpr *cf(mn_template_parser *p, mn_str s, mn_err *err)
{
    return mn_template_parser_compile_filter(p, s, err);
}

/* ---- token_kwargs ---- */

typedef struct kwarg {
    mn_str key;
    mn_template_fexpr *value;
} kwarg;

typedef struct kwargs {
    kwarg *items;
    size_t n;
} kwargs;

static bool is_w(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* kwarg_re "(?:(\w+)=)?(.+)": the key length or 0. */
static size_t kwarg_key(mn_str bit)
{
    size_t i = 0;
    while (i < bit.len && is_w(bit.ptr[i]))
        i++;
    if (i > 0 && i < bit.len && bit.ptr[i] == '=' && i + 1 < bit.len)
        return i;
    return 0;
}

/* Django's token_kwargs: consumes leading bits (advancing bits and n). Returns MN_OK or an error. */
static int token_kwargs(mn_template_parser *p, mn_str **bits, size_t *n, bool legacy, kwargs *out, mn_err *err)
{
    out->n = 0;
    out->items = mn_arena_alloc(p->arena, (*n + 1) * sizeof(kwarg));
    if (!out->items)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    if (!*n)
        return MN_OK;
    bool kwfmt = kwarg_key((*bits)[0]) > 0;
    if (!kwfmt && (!legacy || *n < 3 || !mn_str_eq_cstr((*bits)[1], "as")))
        return MN_OK;
    while (*n) {
        mn_str key, val;
        if (kwfmt) {
            size_t k = kwarg_key((*bits)[0]);
            if (!k)
                return MN_OK;
            key = mn_str_make((*bits)[0].ptr, k);
            val = mn_str_slice((*bits)[0], k + 1, (*bits)[0].len);
            (*bits)++;
            (*n)--;
        } else {
            if (*n < 3 || !mn_str_eq_cstr((*bits)[1], "as"))
                return MN_OK;
            key = (*bits)[2];
            val = (*bits)[0];
            *bits += 3;
            *n -= 3;
        }
        mn_template_fexpr *fe = cf(p, val, err);
        if (!fe)
            return err && err->code ? err->code : MN_EPARSE;
        size_t i;
        for (i = 0; i < out->n; i++)
            if (mn_str_eq(out->items[i].key, key))
                break;
        out->items[i] = (kwarg){ key, fe };
        if (i == out->n)
            out->n++;
        if (*n && !kwfmt) {
            if (!mn_str_eq_cstr((*bits)[0], "and"))
                return MN_OK;
            (*bits)++;
            (*n)--;
        }
    }
    return MN_OK;
}

static int push_kwargs(mn_template_context *ctx, const kwargs *kw, mn_err *err)
{
    mn_value *vals = NULL;
    if (kw->n && !(vals = mn_arena_alloc(ctx->arena, kw->n * sizeof *vals)))
        return MN_ENOMEM;
    for (size_t i = 0; i < kw->n; i++) {
        int rc = mn_template_fexpr_resolve(kw->items[i].value, ctx, false, &vals[i], err);
        if (rc)
            return rc;
    }
    if (mn_template_context_push(ctx))
        return MN_ENOMEM;
    for (size_t i = 0; i < kw->n; i++)
        if (mn_template_context_set_str(ctx, kw->items[i].key, vals[i]))
            return MN_ENOMEM;
    return MN_OK;
}

/* ================= if ================= */

enum { OP_LIT, OP_OR, OP_AND, OP_NOT, OP_IN, OP_NOTIN, OP_IS, OP_ISNOT, OP_EQ, OP_NE, OP_GT, OP_GE, OP_LT, OP_LE,
       OP_END };
static const char *const op_names[] = { "", "or", "and", "not", "in", "not in", "is", "is not",
                                        "==", "!=", ">", ">=", "<", "<=", "end" };
static const int op_lbp[] = { 0, 6, 7, 8, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 0 };

typedef struct ifexpr {
    int op;
    mn_template_fexpr *lit;
    mn_str text;
    struct ifexpr *first, *second;
} ifexpr;

typedef struct ifparser {
    mn_template_parser *p;
    ifexpr **toks;
    size_t n, pos;
    ifexpr *cur;
    mn_err *err;
    bool failed;
    int depth;
} ifparser;

static ifexpr *ip_next(ifparser *ip) { return ip->pos < ip->n ? ip->toks[ip->pos++] : ip->toks[ip->n]; }

static ifexpr *ip_error(ifparser *ip, const char *fmt, const char *arg)
{
    if (!ip->failed)
        mn_template_parser_error(ip->p, ip->err, fmt, arg);
    ip->failed = true;
    return NULL;
}

static const char *display(ifparser *ip, ifexpr *t)
{
    if (t->op == OP_LIT)
        return mn_str_dup(ip->p->arena, t->text);
    return op_names[t->op];
}

static ifexpr *ip_expr(ifparser *ip, int rbp);

static ifexpr *nud(ifparser *ip, ifexpr *t)
{
    if (t->op == OP_LIT)
        return t;
    if (t->op == OP_NOT) {
        ifexpr *e = mn_arena_calloc(ip->p->arena, 1, sizeof *e);
        if (!e)
            return ip_error(ip, "%s", "out of memory");
        e->op = OP_NOT;
        e->first = ip_expr(ip, op_lbp[OP_NOT]);
        return e->first ? e : NULL;
    }
    if (t->op == OP_END)
        return ip_error(ip, "%s", "Unexpected end of expression in if tag.");
    return ip_error(ip, "Not expecting '%s' in this position in if tag.", display(ip, t));
}

static ifexpr *ip_expr(ifparser *ip, int rbp)
{
    if (ip->failed)
        return NULL;
    if (++ip->depth > 500)
        return ip_error(ip, "%s", "if expression nested too deeply");
    ifexpr *t = ip->cur;
    ip->cur = ip_next(ip);
    ifexpr *left = nud(ip, t);
    while (left && rbp < op_lbp[ip->cur->op]) {
        t = ip->cur;
        ip->cur = ip_next(ip);
        if (t->op == OP_LIT || t->op == OP_NOT || t->op == OP_END) {
            ip->depth--;
            return ip_error(ip, "Not expecting '%s' as infix operator in if tag.", display(ip, t));
        }
        ifexpr *e = mn_arena_calloc(ip->p->arena, 1, sizeof *e);
        if (!e)
            return ip_error(ip, "%s", "out of memory");
        e->op = t->op;
        e->first = left;
        e->second = ip_expr(ip, op_lbp[t->op]);
        if (!e->second)
            return NULL;
        left = e;
    }
    ip->depth--;
    return left;
}

static ifexpr *parse_condition(mn_template_parser *p, mn_str *bits, size_t n, mn_err *err)
{
    ifparser ip = { .p = p, .err = err };
    ip.toks = mn_arena_calloc(p->arena, n + 1, sizeof *ip.toks);
    if (!ip.toks)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        ifexpr *t = mn_arena_calloc(p->arena, 1, sizeof *t);
        if (!t)
            return NULL;
        mn_str b = bits[i];
        t->text = b;
        int op = OP_LIT;
        if (mn_str_eq_cstr(b, "is") && i + 1 < n && mn_str_eq_cstr(bits[i + 1], "not")) {
            op = OP_ISNOT;
            i++;
        } else if (mn_str_eq_cstr(b, "not") && i + 1 < n && mn_str_eq_cstr(bits[i + 1], "in")) {
            op = OP_NOTIN;
            i++;
        } else {
            for (int k = OP_OR; k < OP_END; k++)
                if (k != OP_NOTIN && k != OP_ISNOT && mn_str_eq_cstr(b, op_names[k]))
                    op = k;
        }
        t->op = op;
        if (op == OP_LIT) {
            t->lit = cf(p, b, err);
            if (!t->lit)
                return NULL;
        }
        ip.toks[ip.n++] = t;
    }
    ifexpr *end = mn_arena_calloc(p->arena, 1, sizeof *end);
    if (!end)
        return NULL;
    end->op = OP_END;
    ip.toks[ip.n] = end;
    ip.cur = ip_next(&ip);
    ifexpr *r = ip_expr(&ip, 0);
    if (!r)
        return NULL;
    if (ip.cur->op != OP_END) {
        ip_error(&ip, "Unused '%s' at end of if expression.", display(&ip, ip.cur));
        return NULL;
    }
    return r;
}

/* Evaluates to a value; *ok false means an exception (the whole operator is False). */
static int if_eval(const ifexpr *e, mn_template_context *ctx, mn_value *out, mn_err *err)
{
    mn_value a, b;
    int rc;
    switch (e->op) {
    case OP_LIT:
        if (!e->lit->nfilters) {
            /* a plain variable: a failed lookup is None */
            rc = mn__tpl_var_resolve(&e->lit->var, ctx, out, err);
            if (rc == MN_ENOTFOUND) {
                *out = mn_value_null();
                return MN_OK;
            }
            return rc;
        }
        return mn_template_fexpr_resolve(e->lit, ctx, true, out, err);
    case OP_OR:
        if ((rc = if_eval(e->first, ctx, &a, err)))
            return rc;
        if (mn_value_truthy(a)) {
            *out = a;
            return MN_OK;
        }
        return if_eval(e->second, ctx, out, err);
    case OP_AND:
        if ((rc = if_eval(e->first, ctx, &a, err)))
            return rc;
        if (!mn_value_truthy(a)) {
            *out = a;
            return MN_OK;
        }
        return if_eval(e->second, ctx, out, err);
    case OP_NOT:
        if ((rc = if_eval(e->first, ctx, &a, err)))
            return rc;
        *out = mn_value_bool(!mn_value_truthy(a));
        return MN_OK;
    default:
        break;
    }
    if ((rc = if_eval(e->first, ctx, &a, err)) || (rc = if_eval(e->second, ctx, &b, err)))
        return rc;
    bool r = false, ok = true;
    int c = 0;
    switch (e->op) {
    case OP_IN: r = mn__tpl_contains(ctx, b, a, &ok); break;
    case OP_NOTIN: r = !mn__tpl_contains(ctx, b, a, &ok); break;
    case OP_IS:
    case OP_ISNOT: {
        bool same;
        if (a.type != b.type)
            same = false;
        else if (a.type == MN_VALUE_NULL)
            same = true;
        else if (a.type == MN_VALUE_BOOL)
            same = a.u.b == b.u.b;
        else if (a.type == MN_VALUE_LIST)
            same = a.u.list == b.u.list;
        else if (a.type == MN_VALUE_MAP)
            same = a.u.map == b.u.map;
        else if (a.type == MN_VALUE_STR)
            same = a.u.s.ptr == b.u.s.ptr && a.u.s.len == b.u.s.len;
        else if (a.type == MN_VALUE_INT)
            same = a.u.i == b.u.i && a.u.i >= -5 && a.u.i <= 256;
        else if (a.type == MN_VALUE_OBJECT)
            same = a.u.obj.ptr == b.u.obj.ptr;
        else
            same = false;
        r = e->op == OP_IS ? same : !same;
        break;
    }
    case OP_EQ: r = mn_value_eq(a, b); break;
    case OP_NE: r = !mn_value_eq(a, b); break;
    default:
        if (mn_value_cmp(a, b, &c)) {
            ok = false;
            break;
        }
        r = e->op == OP_GT ? c > 0 : e->op == OP_GE ? c >= 0 : e->op == OP_LT ? c < 0 : c <= 0;
    }
    *out = mn_value_bool(ok && r);
    return MN_OK;
}

typedef struct if_branch {
    ifexpr *cond; /* NULL: else */
    mn_template_nodelist *body;
} if_branch;

typedef struct if_node {
    if_branch *br;
    size_t n;
} if_node;

static int if_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const if_node *in = data;
    for (size_t i = 0; i < in->n; i++) {
        if (in->br[i].cond) {
            mn_value v;
            int rc = if_eval(in->br[i].cond, ctx, &v, err);
            /* Like Django's IfNode, a VariableDoesNotExist raised while
             * evaluating the condition (a missing filter argument) makes
             * the condition false rather than failing the render. */
            if (rc == MN_ENOTFOUND && err && !strncmp(err->msg, "VariableDoesNotExist:", 21)) {
                err->code = 0;
                err->msg[0] = '\0';
                continue;
            }
            if (rc)
                return rc;
            if (!mn_value_truthy(v))
                continue;
        }
        return mn_template_nodelist_render(in->br[i].body, ctx, out, err);
    }
    return MN_OK;
}

static mn_template_node *do_if(mn_template_parser *p, mn_str contents, mn_err *err)
{
    if_node *in = mn_arena_calloc(p->arena, 1, sizeof *in);
    size_t cap = 4;
    if (!in || !(in->br = mn_arena_alloc(p->arena, cap * sizeof *in->br)))
        return OOM(err);
    mn_str cur = contents;
    const mn__token *t = NULL;
    for (;;) {
        mn_str *bits;
        int nb = mn_template_parser_split(p, cur, &bits);
        if (nb < 0)
            return OOM(err);
        ifexpr *cond = parse_condition(p, bits + 1, (size_t)nb - 1, err);
        if (!cond)
            return NULL;
        mn_template_nodelist *body = parse_until(p, "elif", "else", "endif", err);
        if (!body)
            return NULL;
        if (in->n == cap) {
            if_branch *nb2 = mn_arena_realloc(p->arena, in->br, cap * sizeof *nb2, cap * 2 * sizeof *nb2);
            if (!nb2)
                return OOM(err);
            in->br = nb2;
            cap *= 2;
        }
        in->br[in->n++] = (if_branch){ cond, body };
        t = next_token(p);
        if (!mn_str_starts_with(t->contents, MN_STR("elif")))
            break;
        cur = t->contents;
    }
    if (mn_str_eq_cstr(t->contents, "else")) {
        mn_template_nodelist *body = parse_until(p, "endif", NULL, NULL, err);
        if (!body)
            return NULL;
        if (in->n == cap) {
            if_branch *nb2 = mn_arena_realloc(p->arena, in->br, cap * sizeof *nb2, (cap + 1) * sizeof *nb2);
            if (!nb2)
                return OOM(err);
            in->br = nb2;
        }
        in->br[in->n++] = (if_branch){ NULL, body };
        t = next_token(p);
    }
    if (!mn_str_eq_cstr(t->contents, "endif"))
        return fail(p, err, "Malformed template tag at line %d: \"%.*s\"", t->line, MN_STR_FMT(t->contents));
    return mn__tpl_node(p, NODE_CALL, if_render, in);
}

/* ================= for ================= */

typedef struct loop_state {
    int64_t counter0, len;
    mn_value parent;
    mn__rframe changed; /* ifchanged state of this loop */
} loop_state;

static int loop_get_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    const loop_state *l = obj;
    if (name.len == 7 && !memcmp(name.ptr, "counter", 7)) *out = mn_value_int(l->counter0 + 1);
    else if (mn_str_eq_cstr(name, "counter0")) *out = mn_value_int(l->counter0);
    else if (mn_str_eq_cstr(name, "revcounter")) *out = mn_value_int(l->len - l->counter0);
    else if (mn_str_eq_cstr(name, "revcounter0")) *out = mn_value_int(l->len - l->counter0 - 1);
    else if (mn_str_eq_cstr(name, "first")) *out = mn_value_bool(l->counter0 == 0);
    else if (mn_str_eq_cstr(name, "last")) *out = mn_value_bool(l->counter0 == l->len - 1);
    else if (mn_str_eq_cstr(name, "parentloop")) {
        if (l->parent.type == MN_VALUE_NULL) {
            mn_map *m = mn_map_new(arena, 0);
            if (!m)
                return MN_ENOMEM;
            *out = mn_value_map(m);
        } else {
            *out = l->parent;
        }
    } else return MN_ENOTFOUND;
    return MN_OK;
}

static int loop_to_str(const void *obj, mn_buf *out)
{
    const loop_state *l = obj;
    mn_buf_puts(out, "{'parentloop': ");
    if (l->parent.type == MN_VALUE_NULL)
        mn_buf_puts(out, "{}");
    else
        mn_value_repr(l->parent, out);
    return mn_buf_printf(out,
                         ", 'counter0': %lld, 'counter': %lld, 'revcounter': %lld, 'revcounter0': %lld, 'first': %s, "
                         "'last': %s}",
                         (long long)l->counter0, (long long)l->counter0 + 1, (long long)(l->len - l->counter0),
                         (long long)(l->len - l->counter0 - 1), l->counter0 == 0 ? "True" : "False",
                         l->counter0 == l->len - 1 ? "True" : "False");
}

static const mn_type loop_type = { .name = "forloop", .get_attr = loop_get_attr, .to_str = loop_to_str };

typedef struct for_node {
    mn_str *vars;
    size_t nvars;
    bool reversed;
    mn_template_fexpr *seq;
    mn_template_nodelist *body, *empty;
} for_node;

static int item_len(mn_template_context *ctx, mn_value item, mn_list **l)
{
    *l = NULL;
    if (item.type == MN_VALUE_LIST) {
        *l = item.u.list;
        return (int)mn_list_len(*l);
    }
    if (item.type == MN_VALUE_MAP || item.type == MN_VALUE_STR ||
        (item.type == MN_VALUE_OBJECT && item.u.obj.type && item.u.obj.type->to_list)) {
        if (mn__tpl_iter(ctx, item, l, NULL))
            return -1;
        return (int)mn_list_len(*l);
    }
    return 1;
}

static int for_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const for_node *fn = data;
    if (mn_template_context_push(ctx))
        return MN_ENOMEM;
    size_t base = ctx->nscopes;
    mn_value seqv;
    int rc = mn_template_fexpr_resolve(fn->seq, ctx, true, &seqv, err);
    mn_list *seq = NULL;
    if (!rc)
        rc = mn__tpl_iter(ctx, seqv, &seq, err);
    if (rc)
        goto done;
    size_t n = mn_list_len(seq);
    if (n == 0) {
        rc = mn_template_nodelist_render(fn->empty, ctx, out, err);
        goto done;
    }
    loop_state *ls = mn_arena_calloc(ctx->arena, 1, sizeof *ls);
    if (!ls) {
        rc = MN_ENOMEM;
        goto done;
    }
    mn_value *parent = mn_template_context_find(ctx, MN_STR("forloop"));
    ls->parent = parent ? *parent : mn_value_null();
    ls->len = (int64_t)n;
    if ((rc = mn_template_context_set(ctx, "forloop", mn_value_object(&loop_type, ls))))
        goto done;
    const mn_value *items = mn_list_items(seq);
    uint32_t var_hint = 1; /* after "forloop" */
    for (size_t i = 0; i < n; i++) {
        if (++ctx->steps > ctx->max_steps) {
            rc = mn__tpl_render_error(ctx, err, MN_ELIMIT, "RenderLimitError",
                                      "template rendering exceeded %zu steps", ctx->max_steps);
            goto done;
        }
        ls->counter0 = (int64_t)i;
        mn_value item = items[fn->reversed ? n - 1 - i : i];
        bool popctx = false;
        if (fn->nvars > 1) {
            mn_list *parts;
            int len = item_len(ctx, item, &parts);
            if (len != (int)fn->nvars) {
                rc = mn__tpl_render_error(ctx, err, MN_EINVAL, "ValueError",
                                          "Need %zu values to unpack in for loop; got %d. ", fn->nvars, len);
                goto done;
            }
            if ((rc = mn_template_context_push(ctx)))
                goto done;
            popctx = true;
            for (size_t k = 0; k < fn->nvars; k++)
                if ((rc = mn_template_context_set_str(ctx, fn->vars[k], mn_list_get(parts, k))))
                    goto done;
        } else {
            /* the loop variable's slot in the loop's scope, found again each
             * time (the body may add names to this scope and move it) */
            mn_map *scope = ctx->scopes[base - 1];
            mn_value *slot = scope ? mn_map_find_hinted(scope, fn->vars[0], &var_hint) : NULL;
            if (slot)
                *slot = item;
            else if ((rc = mn_template_context_set_str(ctx, fn->vars[0], item)))
                goto done;
        }
        rc = mn_template_nodelist_render(fn->body, ctx, out, err);
        if (popctx)
            mn_template_context_pop(ctx);
        if (rc)
            goto done;
        /* seq may have been mutated by a nested tag: re-read */
        items = mn_list_items(seq);
        if (mn_list_len(seq) < n)
            n = mn_list_len(seq);
    }
done:
    ctx->nscopes = base;
    mn_template_context_pop(ctx);
    return rc;
}

static mn_template_node *do_for(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 4)
        return fail(p, err, "'for' statements should have at least four words: %.*s", MN_STR_FMT(contents));
    for_node *fn = mn_arena_calloc(p->arena, 1, sizeof *fn);
    if (!fn)
        return OOM(err);
    fn->reversed = mn_str_eq_cstr(bits[nb - 1], "reversed");
    int in_index = fn->reversed ? nb - 3 : nb - 2;
    if (!mn_str_eq_cstr(bits[in_index], "in"))
        return fail(p, err, "'for' statements should use the format 'for x in y': %.*s", MN_STR_FMT(contents));
    /* ' '.join(bits[1:in_index]) split on ' *, *' */
    mn_buf j;
    mn_buf_init(&j, p->arena, 0);
    for (int i = 1; i < in_index; i++) {
        if (i > 1)
            mn_buf_putc(&j, ' ');
        mn_buf_put_str(&j, bits[i]);
    }
    if (mn_buf_error(&j))
        return OOM(err);
    mn_str joined = mn_str_clone(p->arena, mn_buf_str(&j));
    fn->vars = mn_arena_alloc(p->arena, (joined.len + 1) * sizeof(mn_str));
    if (!joined.ptr || !fn->vars)
        return OOM(err);
    size_t pos = 0;
    mn_str f;
    while (mn_str_next_field(joined, ',', &pos, &f)) {
        while (f.len && f.ptr[0] == ' ')
            f = mn_str_slice(f, 1, f.len);
        while (f.len && f.ptr[f.len - 1] == ' ')
            f.len--;
        bool bad = !f.len;
        for (size_t i = 0; i < f.len; i++)
            if (f.ptr[i] == ' ' || f.ptr[i] == '"' || f.ptr[i] == '\'' || f.ptr[i] == '|')
                bad = true;
        if (bad)
            return fail(p, err, "'for' tag received an invalid argument: %.*s", MN_STR_FMT(contents));
        fn->vars[fn->nvars++] = f;
    }
    if (!(fn->seq = cf(p, bits[in_index + 1], err)))
        return NULL;
    if (!(fn->body = parse_until(p, "empty", "endfor", NULL, err)))
        return NULL;
    const mn__token *t = next_token(p);
    if (mn_str_eq_cstr(t->contents, "empty")) {
        if (!(fn->empty = parse_until(p, "endfor", NULL, NULL, err)))
            return NULL;
        next_token(p);
    }
    return mn__tpl_node(p, NODE_CALL, for_render, fn);
}

/* ================= with ================= */

typedef struct with_node {
    kwargs kw;
    mn_template_nodelist *body;
} with_node;

static int with_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const with_node *w = data;
    size_t base = ctx->nscopes;
    int rc = push_kwargs(ctx, &w->kw, err);
    if (!rc)
        rc = mn_template_nodelist_render(w->body, ctx, out, err);
    ctx->nscopes = base;
    return rc;
}

static mn_template_node *do_with(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    with_node *w = mn_arena_calloc(p->arena, 1, sizeof *w);
    if (!w)
        return OOM(err);
    mn_str *rest = bits + 1;
    size_t nrest = (size_t)nb - 1;
    if (token_kwargs(p, &rest, &nrest, true, &w->kw, err))
        return NULL;
    if (!w->kw.n)
        return fail(p, err, "'%.*s' expected at least one variable assignment", MN_STR_FMT(bits[0]));
    if (nrest)
        return fail(p, err, "'%.*s' received an invalid token: '%.*s'", MN_STR_FMT(bits[0]), MN_STR_FMT(rest[0]));
    if (!(w->body = parse_until(p, "endwith", NULL, NULL, err)))
        return NULL;
    next_token(p);
    return mn__tpl_node(p, NODE_CALL, with_render, w);
}

/* ================= block / extends / include ================= */

typedef struct block_stack {
    const mn__block_node **items;
    size_t n, cap;
} block_stack;

typedef struct block_context {
    mn_map *blocks; /* name -> object(NULL, block_stack*) */
} block_context;

static const char BLOCK_CONTEXT_KEY = 0;

static block_stack *bc_stack(mn_template_context *ctx, block_context *bc, mn_str name, bool create)
{
    mn_value *v = mn_map_find(bc->blocks, name);
    if (v)
        return v->u.obj.ptr;
    if (!create)
        return NULL;
    block_stack *s = mn_arena_calloc(ctx->arena, 1, sizeof *s);
    if (!s || mn_map_set(bc->blocks, name, mn_value_object(NULL, s)))
        return NULL;
    return s;
}

static int bs_insert_front(mn_template_context *ctx, block_stack *s, const mn__block_node *b)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4;
        const mn__block_node **ni = mn_arena_realloc(ctx->arena, s->items, s->cap * sizeof *ni, nc * sizeof *ni);
        if (!ni)
            return MN_ENOMEM;
        s->items = ni;
        s->cap = nc;
    }
    memmove(s->items + 1, s->items, s->n * sizeof *s->items);
    s->items[0] = b;
    s->n++;
    return MN_OK;
}

static int bc_add_blocks(mn_template_context *ctx, block_context *bc, mn__block_node *const *blocks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        block_stack *s = bc_stack(ctx, bc, blocks[i]->name, true);
        if (!s || bs_insert_front(ctx, s, blocks[i]))
            return MN_ENOMEM;
    }
    return MN_OK;
}

typedef struct block_ref {
    const mn__block_node *self; /* the node being rendered (for its name) */
    const mn__block_node *block; /* the block whose body is rendered */
    mn_template_context *ctx;
} block_ref;

static int block_render_as(const mn__block_node *self, mn_template_context *ctx, mn_buf *out, mn_err *err);

static int block_get_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    const block_ref *r = obj;
    if (mn_str_eq_cstr(name, "name")) {
        *out = mn_value_str(r->block->name);
        return MN_OK;
    }
    if (!mn_str_eq_cstr(name, "super"))
        return MN_ENOTFOUND;
    mn_template_context *ctx = r->ctx;
    block_context *bc = mn__rc_get(ctx, &BLOCK_CONTEXT_KEY);
    if (!bc)
        return MN_EPARSE;
    block_stack *s = bc_stack(ctx, bc, r->self->name, false);
    if (!s || !s->n) {
        *out = mn_value_str(MN_STR_EMPTY);
        return MN_OK;
    }
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_err e = { 0 };
    int rc = block_render_as(r->self, ctx, &b, &e);
    if (rc)
        return rc;
    *out = mn_value_safe(mn_buf_str(&b));
    return mn_buf_error(&b);
}

static int block_to_str(const void *obj, mn_buf *out)
{
    const block_ref *r = obj;
    return mn_buf_printf(out, "<Block Node: %.*s. Contents: %s>", MN_STR_FMT(r->block->name), "[...]");
}

static const mn_type block_type = { .name = "BlockNode", .get_attr = block_get_attr, .to_str = block_to_str };

static int block_render_as(const mn__block_node *self, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    block_context *bc = mn__rc_get(ctx, &BLOCK_CONTEXT_KEY);
    if (mn_template_context_push(ctx))
        return MN_ENOMEM;
    size_t base = ctx->nscopes;
    int rc;
    block_ref *ref = mn_arena_calloc(ctx->arena, 1, sizeof *ref);
    if (!ref) {
        rc = MN_ENOMEM;
        goto done;
    }
    ref->self = self;
    ref->ctx = ctx;
    if (!bc) {
        ref->block = self;
        if ((rc = mn_template_context_set(ctx, "block", mn_value_object(&block_type, ref))))
            goto done;
        rc = mn_template_nodelist_render(self->body, ctx, out, err);
    } else {
        block_stack *s = bc_stack(ctx, bc, self->name, false);
        const mn__block_node *push = s && s->n ? s->items[--s->n] : NULL;
        ref->block = push ? push : self;
        if ((rc = mn_template_context_set(ctx, "block", mn_value_object(&block_type, ref))))
            goto done;
        rc = mn_template_nodelist_render(ref->block->body, ctx, out, err);
        if (push)
            s->items[s->n++] = push;
    }
done:
    ctx->nscopes = base;
    mn_template_context_pop(ctx);
    return rc;
}

int mn__tpl_block_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    return block_render_as(data, ctx, out, err);
}

static mn_template_node *do_block(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = ws_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 2)
        return fail(p, err, "'%.*s' tag takes only one argument", MN_STR_FMT(bits[0]));
    for (size_t i = 0; i < p->nblocks; i++)
        if (mn_str_eq(p->blocks[i]->name, bits[1]))
            return fail(p, err, "'%.*s' tag with name '%.*s' appears more than once", MN_STR_FMT(bits[0]),
                        MN_STR_FMT(bits[1]));
    mn__block_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
    if (!b)
        return OOM(err);
    b->name = bits[1];
    if (p->nblocks == p->blockcap) {
        size_t nc = p->blockcap ? p->blockcap * 2 : 8;
        mn__block_node **nbk = mn_arena_realloc(p->arena, p->blocks, p->blockcap * sizeof *nbk, nc * sizeof *nbk);
        if (!nbk)
            return OOM(err);
        p->blocks = nbk;
        p->blockcap = nc;
    }
    p->blocks[p->nblocks++] = b;
    if (!(b->body = parse_until(p, "endblock", NULL, NULL, err)))
        return NULL;
    const mn__token *t = next_token(p);
    mn_str *eb;
    int ne = ws_split(p, t->contents, &eb);
    if (ne < 0)
        return OOM(err);
    if (!mn_str_eq_cstr(t->contents, "endblock") && !(ne == 2 && mn_str_eq(eb[1], b->name) &&
                                                      mn_str_eq_cstr(mn_str_slice(t->contents, 0, 9), "endblock ") &&
                                                      t->contents.len == 9 + b->name.len)) {
        char *alt = mn_arena_sprintf(p->arena, "endblock %.*s", MN_STR_FMT(b->name));
        const char *items[2] = { "endblock", alt ? alt : "" };
        char *list = mn__tpl_text_list(p->arena, items, 2, true);
        mn__tpl_syntax_error(p, t, err,
                             "Invalid block tag on line %d: 'endblock', expected %s. Did you forget to register or "
                             "load this tag?",
                             t->line, list ? list : "");
        return NULL;
    }
    return mn__tpl_node(p, NODE_BLOCK, mn__tpl_block_render, b);
}

/* Django's construct_relative_path: "./x.html" and "../x.html" in include
 * and extends are relative to the current template's name. */
static bool relative_name(mn_template_parser *p, mn_str bit, mn_str *out, mn_err *err)
{
    *out = bit;
    bool quoted = bit.len >= 1 && ((bit.ptr[0] == '"' && bit.ptr[bit.len - 1] == '"') ||
                                   (bit.ptr[0] == '\'' && bit.ptr[bit.len - 1] == '\''));
    mn_str name = bit;
    while (name.len && (name.ptr[0] == '"' || name.ptr[0] == '\''))
        name = mn_str_slice(name, 1, name.len);
    while (name.len && (name.ptr[name.len - 1] == '"' || name.ptr[name.len - 1] == '\''))
        name.len--;
    if (!mn_str_starts_with(name, MN_STR("./")) && !mn_str_starts_with(name, MN_STR("../")))
        return true;
    const char *cur = p->tpl->name;
    if (!cur || !p->tpl->origin)
        return true;
    while (*cur == '/')
        cur++;
    /* posixpath.normpath(join(dirname(cur), name)) */
    mn_buf joined;
    mn_buf_init(&joined, p->arena, 0);
    const char *slash = strrchr(cur, '/');
    if (slash) {
        mn_buf_append(&joined, cur, (size_t)(slash - cur));
        mn_buf_putc(&joined, '/');
    }
    mn_buf_put_str(&joined, name);
    if (mn_buf_error(&joined)) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return false;
    }
    mn_str j = mn_str_clone(p->arena, mn_buf_str(&joined));
    mn_str *parts = mn_arena_alloc(p->arena, (j.len + 1) * sizeof *parts);
    if (!j.ptr || !parts) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return false;
    }
    size_t n = 0, pos = 0;
    mn_str f;
    while (mn_str_next_field(j, '/', &pos, &f)) {
        if (!f.len || mn_str_eq_cstr(f, "."))
            continue;
        if (mn_str_eq_cstr(f, "..") && n && !mn_str_eq_cstr(parts[n - 1], ".."))
            n--;
        else
            parts[n++] = f;
    }
    mn_buf norm;
    mn_buf_init(&norm, p->arena, 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_putc(&norm, '/');
        mn_buf_put_str(&norm, parts[i]);
    }
    if (!n)
        mn_buf_putc(&norm, '.');
    mn_str nn = mn_buf_str(&norm);
    if (mn_str_starts_with(nn, MN_STR("../")) || mn_str_eq_cstr(nn, "..")) {
        mn_template_parser_error(p, err,
                                 "The relative path '%.*s' points outside the file hierarchy that template '%s' is in.",
                                 MN_STR_FMT(bit), p->tpl->name);
        return false;
    }
    if (mn_str_eq_cstr(nn, cur)) {
        mn_template_parser_error(p, err,
                                 "The relative path '%.*s' was translated to template name '%s', the same template "
                                 "in which the tag appears.",
                                 MN_STR_FMT(bit), p->tpl->name);
        return false;
    }
    char *res = quoted ? mn_arena_sprintf(p->arena, "\"%.*s\"", MN_STR_FMT(nn)) : mn_str_dup(p->arena, nn);
    if (!res) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return false;
    }
    *out = mn_str_from(res);
    return true;
}

static const char EXTENDS_HISTORY_KEY = 0;

typedef struct origin_history {
    const char **items;
    size_t n, cap;
} origin_history;

int mn__tpl_extends_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const mn__extends_node *x = data;
    mn_value pv;
    int rc = mn_template_fexpr_resolve(x->parent, ctx, false, &pv, err);
    if (rc)
        return rc;
    if (!mn_value_truthy(pv)) {
        mn_buf b;
        mn_buf_init(&b, ctx->arena, 0);
        mn_value_repr(pv, &b);
        bool from_var = x->parent->nfilters || x->parent->var.lookups;
        return mn__tpl_render_error(ctx, err, MN_EINVAL, "TemplateSyntaxError",
                                    "Invalid template name in 'extends' tag: %s.%s%.*s%s", mn_buf_cstr(&b),
                                    from_var ? " Got this from the '" : "",
                                    from_var ? (int)x->parent->token.len : 0, x->parent->token.ptr,
                                    from_var ? "' variable." : "");
    }
    const mn_template *parent;
    if (pv.type == MN_VALUE_STR) {
        origin_history *h = mn__rc_get(ctx, &EXTENDS_HISTORY_KEY);
        if (!h) {
            h = mn_arena_calloc(ctx->arena, 1, sizeof *h);
            if (!h || mn__rc_set(ctx, &EXTENDS_HISTORY_KEY, h))
                return MN_ENOMEM;
        }
        const mn_template *self = ctx->node ? ctx->node->tpl : NULL;
        if (h->n == h->cap) {
            size_t nc = h->cap ? h->cap * 2 : 4;
            const char **ni = mn_arena_realloc(ctx->arena, h->items, h->cap * sizeof *ni, nc * sizeof *ni);
            if (!ni)
                return MN_ENOMEM;
            h->items = ni;
            h->cap = nc;
        }
        h->items[h->n++] = self && self->origin ? self->origin : "";
        char *name = mn_str_dup(ctx->arena, pv.u.s);
        if (!name)
            return MN_ENOMEM;
        mn_err e2 = { 0 };
        parent = mn__tpl_find_skipping(ctx->engine, name, h->items, h->n, &e2);
        if (!parent) {
            if (err)
                *err = e2;
            return e2.code ? e2.code : MN_ENOTFOUND;
        }
    } else {
        parent = mn__tpl_get_for(ctx, pv, err);
        if (!parent)
            return err && err->code ? err->code : MN_ENOTFOUND;
    }
    block_context *bc = mn__rc_get(ctx, &BLOCK_CONTEXT_KEY);
    if (!bc) {
        bc = mn_arena_calloc(ctx->arena, 1, sizeof *bc);
        if (!bc || !(bc->blocks = mn_map_new(ctx->arena, 8)) || mn__rc_set(ctx, &BLOCK_CONTEXT_KEY, bc))
            return MN_ENOMEM;
    }
    if ((rc = bc_add_blocks(ctx, bc, x->blocks, x->nblocks)))
        return rc;
    if (!parent->extends && (rc = bc_add_blocks(ctx, bc, parent->blocks, parent->nblocks)))
        return rc;
    return mn__tpl_render_template(parent, ctx, out, err, false);
}

static mn_template_node *do_extends(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 2)
        return fail(p, err, "'%.*s' takes one argument", MN_STR_FMT(bits[0]));
    mn__extends_node *x = mn_arena_calloc(p->arena, 1, sizeof *x);
    if (!x)
        return OOM(err);
    mn_str parent;
    if (!relative_name(p, bits[1], &parent, err) || !(x->parent = cf(p, parent, err)))
        return NULL;
    size_t first_block = p->nblocks;
    int ext_before = ++p->nextends;
    if (!(x->body = mn__tpl_parse(p, NULL, 0, err)))
        return NULL;
    if (p->nextends != ext_before)
        return fail(p, err, "'%.*s' cannot appear more than once in the same template", MN_STR_FMT(bits[0]));
    (void)first_block;
    x->blocks = p->blocks;
    x->nblocks = p->nblocks;
    mn_template_node *n = mn__tpl_node(p, NODE_EXTENDS, mn__tpl_extends_render, x);
    return n;
}

typedef struct include_node {
    mn_template_fexpr *name;
    kwargs kw;
    bool only;
    const mn_template *cached; /* for a literal name with the engine's cache on */
} include_node;

static int include_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const include_node *in = data;
    int rc;
    /* A literal name always finds the same cached template: remember it in
     * the node (nodes and cached templates both live as long as the engine). */
    bool literal = !in->name->var.lookups && !in->name->nfilters && !ctx->engine->opts.no_cache;
    const mn_template *t = literal ? __atomic_load_n(&in->cached, __ATOMIC_ACQUIRE) : NULL;
    if (!t) {
        mn_value v;
        if ((rc = mn_template_fexpr_resolve(in->name, ctx, false, &v, err)))
            return rc;
        t = mn__tpl_get_for(ctx, v, err);
        if (!t)
            return err && err->code ? err->code : MN_ENOTFOUND;
        if (literal)
            __atomic_store_n(&((include_node *)in)->cached, t, __ATOMIC_RELEASE);
    }
    size_t base = ctx->nscopes;
    if (in->only) {
        mn_value *vals = in->kw.n ? mn_arena_alloc(ctx->arena, in->kw.n * sizeof *vals) : NULL;
        if (in->kw.n && !vals)
            return MN_ENOMEM;
        for (size_t i = 0; i < in->kw.n; i++)
            if ((rc = mn_template_fexpr_resolve(in->kw.items[i].value, ctx, false, &vals[i], err)))
                return rc;
        mn_template_context sub = *ctx;
        sub.cap = 4;
        sub.scopes = mn_arena_calloc(ctx->arena, sub.cap, sizeof *sub.scopes);
        if (!sub.scopes || !(sub.scopes[0] = mn_map_new(ctx->arena, in->kw.n + 1)))
            return MN_ENOMEM;
        sub.nscopes = 1;
        for (size_t i = 0; i < in->kw.n; i++)
            if (mn_map_set(sub.scopes[0], in->kw.items[i].key, vals[i]))
                return MN_ENOMEM;
        rc = mn__tpl_render_template(t, &sub, out, err, true);
        ctx->steps = sub.steps;
        return rc;
    }
    rc = push_kwargs(ctx, &in->kw, err);
    if (!rc)
        rc = mn__tpl_render_template(t, ctx, out, err, true);
    ctx->nscopes = base;
    return rc;
}

static mn_template_node *do_include(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 2)
        return fail(p, err,
                    "'%.*s' tag takes at least one argument: the name of the template to be included.",
                    MN_STR_FMT(bits[0]));
    include_node *in = mn_arena_calloc(p->arena, 1, sizeof *in);
    if (!in)
        return OOM(err);
    mn_str *rest = bits + 2;
    size_t nrest = (size_t)nb - 2;
    bool seen_with = false, seen_only = false;
    in->kw.items = NULL;
    while (nrest) {
        mn_str opt = rest[0];
        rest++;
        nrest--;
        if ((mn_str_eq_cstr(opt, "with") && seen_with) || (mn_str_eq_cstr(opt, "only") && seen_only))
            return fail(p, err, "The '%.*s' option was specified more than once.", MN_STR_FMT(opt));
        if (mn_str_eq_cstr(opt, "with")) {
            seen_with = true;
            if (token_kwargs(p, &rest, &nrest, false, &in->kw, err))
                return NULL;
            if (!in->kw.n)
                return fail(p, err, "\"with\" in '%.*s' tag needs at least one keyword argument.",
                            MN_STR_FMT(bits[0]));
        } else if (mn_str_eq_cstr(opt, "only")) {
            seen_only = true;
            in->only = true;
        } else {
            return fail(p, err, "Unknown argument for '%.*s' tag: '%.*s'.", MN_STR_FMT(bits[0]), MN_STR_FMT(opt));
        }
    }
    mn_str name;
    if (!relative_name(p, bits[1], &name, err) || !(in->name = cf(p, name, err)))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, include_render, in);
}

/* ================= autoescape, comment, filter, spaceless, verbatim ================= */

typedef struct body_node {
    mn_template_nodelist *body;
    bool flag;
    mn_template_fexpr *fe;
    mn_str text;
} body_node;

static int autoescape_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const body_node *b = data;
    bool old = ctx->autoescape;
    ctx->autoescape = b->flag;
    int rc = mn_template_nodelist_render(b->body, ctx, out, err);
    ctx->autoescape = old;
    return rc;
}

static mn_template_node *do_autoescape(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = ws_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 2)
        return fail(p, err, "'autoescape' tag requires exactly one argument.");
    if (!mn_str_eq_cstr(bits[1], "on") && !mn_str_eq_cstr(bits[1], "off"))
        return fail(p, err, "'autoescape' argument should be 'on' or 'off'");
    body_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
    if (!b)
        return OOM(err);
    b->flag = mn_str_eq_cstr(bits[1], "on");
    if (!(b->body = parse_until(p, "endautoescape", NULL, NULL, err)))
        return NULL;
    next_token(p);
    return mn__tpl_node(p, NODE_CALL, autoescape_render, b);
}

static int empty_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err) { return MN_OK; }

static mn_template_node *do_comment(mn_template_parser *p, mn_str contents, mn_err *err)
{
    while (p->pos < p->ntokens) {
        const mn__token *t = &p->tokens[p->pos++];
        if (t->type == TOK_BLOCK && mn_str_eq_cstr(t->contents, "endcomment"))
            return mn__tpl_node(p, NODE_CALL, empty_render, NULL);
    }
    mn__tpl_syntax_error(p, p->cur, err, "Unclosed tag on line %d: 'comment'. Looking for one of: endcomment.",
                         p->cur->line);
    return NULL;
}

static int filter_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const body_node *b = data;
    mn_buf tmp;
    mn_buf_init(&tmp, ctx->arena, out->max ? out->max : 0);
    int rc = mn_template_nodelist_render(b->body, ctx, &tmp, err);
    if (rc)
        return rc;
    if (mn_template_context_push(ctx))
        return MN_ENOMEM;
    size_t base = ctx->nscopes;
    mn_value v;
    rc = mn_template_context_set(ctx, "var", mn_value_safe(mn_buf_str(&tmp)));
    if (!rc)
        rc = mn_template_fexpr_resolve(b->fe, ctx, false, &v, err);
    ctx->nscopes = base;
    mn_template_context_pop(ctx);
    if (rc)
        return rc;
    return mn_value_to_str(v, out);
}

static mn_template_node *do_filter(mn_template_parser *p, mn_str contents, mn_err *err)
{
    size_t i = 0;
    while (i < contents.len && contents.ptr[i] != ' ' && contents.ptr[i] != '\t' && contents.ptr[i] != '\n')
        i++;
    mn_str rest = mn_str_trim(mn_str_slice(contents, i, contents.len));
    if (!rest.len)
        return fail(p, err, "not enough values to unpack (expected 2, got 1)");
    char *expr = mn_arena_sprintf(p->arena, "var|%.*s", MN_STR_FMT(rest));
    if (!expr)
        return OOM(err);
    body_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
    if (!b || !(b->fe = cf(p, mn_str_from(expr), err)))
        return b ? NULL : OOM(err);
    for (size_t k = 0; k < b->fe->nfilters; k++) {
        const char *nm = b->fe->filters[k].def->name;
        if (!strcmp(nm, "escape") || !strcmp(nm, "safe"))
            return fail(p, err, "\"filter %s\" is not permitted.  Use the \"autoescape\" tag instead.", nm);
    }
    if (!(b->body = parse_until(p, "endfilter", NULL, NULL, err)))
        return NULL;
    next_token(p);
    return mn__tpl_node(p, NODE_CALL, filter_render, b);
}

static int spaceless_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const body_node *b = data;
    mn_buf tmp;
    mn_buf_init(&tmp, ctx->arena, 0);
    int rc = mn_template_nodelist_render(b->body, ctx, &tmp, err);
    if (rc)
        return rc;
    mn_str s = mn_str_trim(mn_buf_str(&tmp));
    for (size_t i = 0; i < s.len; i++) {
        mn_buf_putc(out, s.ptr[i]);
        if (s.ptr[i] == '>') {
            size_t j = i + 1;
            while (j < s.len && (s.ptr[j] == ' ' || s.ptr[j] == '\t' || s.ptr[j] == '\n' || s.ptr[j] == '\r' ||
                                 s.ptr[j] == '\f' || s.ptr[j] == '\v'))
                j++;
            if (j > i + 1 && j < s.len && s.ptr[j] == '<')
                i = j - 1;
        }
    }
    return mn_buf_error(out);
}

static mn_template_node *do_spaceless(mn_template_parser *p, mn_str contents, mn_err *err)
{
    body_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
    if (!b)
        return OOM(err);
    if (!(b->body = parse_until(p, "endspaceless", NULL, NULL, err)))
        return NULL;
    next_token(p);
    return mn__tpl_node(p, NODE_CALL, spaceless_render, b);
}

static int text_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const body_node *b = data;
    return mn_buf_put_str(out, b->text);
}

static mn_template_node *do_verbatim(mn_template_parser *p, mn_str contents, mn_err *err)
{
    body_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
    if (!b)
        return OOM(err);
    mn_template_nodelist *nl = parse_until(p, "endverbatim", NULL, NULL, err);
    if (!nl)
        return NULL;
    next_token(p);
    mn_buf t;
    mn_buf_init(&t, p->arena, 0);
    for (size_t i = 0; i < nl->n; i++)
        if (nl->nodes[i]->kind == NODE_TEXT)
            mn_buf_put_str(&t, nl->nodes[i]->text);
    if (mn_buf_error(&t))
        return OOM(err);
    b->text = mn_buf_str(&t);
    return mn__tpl_node(p, NODE_CALL, text_render, b);
}

static mn_template_node *do_templatetag(mn_template_parser *p, mn_str contents, mn_err *err)
{
    static const char *const names[] = { "openblock", "closeblock", "openvariable", "closevariable",
                                         "openbrace", "closebrace", "opencomment", "closecomment" };
    static const char *const vals[] = { "{%", "%}", "{{", "}}", "{", "}", "{#", "#}" };
    mn_str *bits;
    int nb = ws_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 2)
        return fail(p, err, "'templatetag' statement takes one argument");
    for (int i = 0; i < 8; i++) {
        if (mn_str_eq_cstr(bits[1], names[i])) {
            body_node *b = mn_arena_calloc(p->arena, 1, sizeof *b);
            if (!b)
                return OOM(err);
            b->text = mn_str_from(vals[i]);
            return mn__tpl_node(p, NODE_CALL, text_render, b);
        }
    }
    return fail(p, err,
                "Invalid templatetag argument: '%.*s'. Must be one of: ['openblock', 'closeblock', 'openvariable', "
                "'closevariable', 'openbrace', 'closebrace', 'opencomment', 'closecomment']",
                MN_STR_FMT(bits[1]));
}

/* ================= firstof, cycle, resetcycle ================= */

typedef struct list_node {
    mn_template_fexpr **items;
    size_t n;
    mn_str asvar;
    bool silent;
} list_node;

static int firstof_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const list_node *l = data;
    for (size_t i = 0; i < l->n; i++) {
        mn_value v;
        int rc = mn_template_fexpr_resolve(l->items[i], ctx, true, &v, err);
        if (rc)
            return rc;
        if (!mn_value_truthy(v))
            continue;
        if (!l->asvar.len)
            return mn_template_render_value(ctx, v, out);
        mn_buf b;
        mn_buf_init(&b, ctx->arena, 0);
        if ((rc = mn_template_render_value(ctx, v, &b)))
            return rc;
        return mn_template_context_set_str(ctx, l->asvar, mn_value_safe(mn_buf_str(&b)));
    }
    if (l->asvar.len)
        return mn_template_context_set_str(ctx, l->asvar, mn_value_safe(MN_STR_EMPTY));
    return MN_OK;
}

static int compile_list(mn_template_parser *p, list_node *l, mn_str *bits, size_t n, mn_err *err)
{
    l->items = mn_arena_alloc(p->arena, (n + 1) * sizeof *l->items);
    if (!l->items)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (!(l->items[l->n++] = cf(p, bits[i], err)))
            return MN_EPARSE;
    return MN_OK;
}

static mn_template_node *do_firstof(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 2)
        return fail(p, err, "'firstof' statement requires at least one argument");
    list_node *l = mn_arena_calloc(p->arena, 1, sizeof *l);
    if (!l)
        return OOM(err);
    size_t n = (size_t)nb - 1;
    if (n >= 2 && mn_str_eq_cstr(bits[nb - 2], "as")) {
        l->asvar = bits[nb - 1];
        n -= 2;
    }
    if (compile_list(p, l, bits + 1, n, err))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, firstof_render, l);
}

typedef struct cycle_state {
    size_t next;
} cycle_state;

/* set_upward: the innermost scope holding name, else the current one. */
static int set_upward(mn_template_context *ctx, mn_str name, mn_value v)
{
    for (size_t i = ctx->nscopes; i-- > 0;) {
        if (ctx->scopes[i] && mn_map_has(ctx->scopes[i], name))
            return mn_map_set(ctx->scopes[i], name, v);
    }
    return mn_template_context_set_str(ctx, name, v);
}

static int cycle_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const list_node *l = data;
    cycle_state *st = mn__rc_get(ctx, l);
    if (!st) {
        st = mn_arena_calloc(ctx->arena, 1, sizeof *st);
        if (!st || mn__rc_set(ctx, l, st))
            return MN_ENOMEM;
    }
    mn_value v;
    int rc = mn_template_fexpr_resolve(l->items[st->next], ctx, false, &v, err);
    st->next = (st->next + 1) % l->n;
    if (rc)
        return rc;
    if (l->asvar.len && (rc = set_upward(ctx, l->asvar, v)))
        return rc;
    if (l->silent)
        return MN_OK;
    return mn_template_render_value(ctx, v, out);
}

static mn_template_node *do_cycle(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 2)
        return fail(p, err, "'cycle' tag requires at least two arguments");
    if (nb == 2) {
        if (!p->named_cycles)
            return fail(p, err, "No named cycles in template. '%.*s' is not defined", MN_STR_FMT(bits[1]));
        mn_value *v = mn_map_find(p->named_cycles, bits[1]);
        if (!v)
            return fail(p, err, "Named cycle '%.*s' does not exist", MN_STR_FMT(bits[1]));
        return v->u.obj.ptr;
    }
    list_node *l = mn_arena_calloc(p->arena, 1, sizeof *l);
    if (!l)
        return OOM(err);
    bool as_form = false;
    size_t n = (size_t)nb;
    if (nb > 4) {
        if (mn_str_eq_cstr(bits[nb - 3], "as")) {
            if (!mn_str_eq_cstr(bits[nb - 1], "silent"))
                return fail(p, err, "Only 'silent' flag is allowed after cycle's name, not '%.*s'.",
                            MN_STR_FMT(bits[nb - 1]));
            as_form = true;
            l->silent = true;
            n--;
        } else if (mn_str_eq_cstr(bits[nb - 2], "as")) {
            as_form = true;
        }
    }
    mn_template_node *node;
    if (as_form) {
        l->asvar = bits[n - 1];
        if (compile_list(p, l, bits + 1, n - 3, err))
            return NULL;
        if (!(node = mn__tpl_node(p, NODE_CALL, cycle_render, l)))
            return OOM(err);
        if (!p->named_cycles && !(p->named_cycles = mn_map_new(p->arena, 4)))
            return OOM(err);
        if (mn_map_set(p->named_cycles, l->asvar, mn_value_object(NULL, node)))
            return OOM(err);
    } else {
        if (compile_list(p, l, bits + 1, n - 1, err))
            return NULL;
        if (!(node = mn__tpl_node(p, NODE_CALL, cycle_render, l)))
            return OOM(err);
    }
    p->last_cycle = node;
    return node;
}

static int resetcycle_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const mn_template_node *cn = data;
    cycle_state *st = mn__rc_get(ctx, cn->data);
    if (st)
        st->next = 0;
    return MN_OK;
}

static mn_template_node *do_resetcycle(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb > 2)
        return fail(p, err, "'%.*s' tag accepts at most one argument.", MN_STR_FMT(bits[0]));
    if (nb == 2) {
        mn_value *v = p->named_cycles ? mn_map_find(p->named_cycles, bits[1]) : NULL;
        if (!v)
            return fail(p, err, "Named cycle '%.*s' does not exist.", MN_STR_FMT(bits[1]));
        return mn__tpl_node(p, NODE_CALL, resetcycle_render, v->u.obj.ptr);
    }
    if (!p->last_cycle)
        return fail(p, err, "No cycles in template.");
    return mn__tpl_node(p, NODE_CALL, resetcycle_render, p->last_cycle);
}

/* ================= ifchanged ================= */

typedef struct ifchanged_node {
    mn_template_nodelist *yes, *no;
    list_node vars;
} ifchanged_node;

typedef struct changed_state {
    bool set;
    mn_value last;
} changed_state;

static int ifchanged_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const ifchanged_node *in = data;
    mn_value *fl = mn_template_context_find(ctx, MN_STR("forloop"));
    changed_state *st = NULL;
    mn__rframe *frame = NULL;
    if (fl && fl->type == MN_VALUE_OBJECT && fl->u.obj.type == &loop_type)
        frame = &((loop_state *)fl->u.obj.ptr)->changed;
    if (frame) {
        for (size_t i = 0; i < frame->n; i++)
            if (frame->entries[i].key == in)
                st = frame->entries[i].value;
        if (!st) {
            st = mn_arena_calloc(ctx->arena, 1, sizeof *st);
            if (!st)
                return MN_ENOMEM;
            if (frame->n == frame->cap) {
                size_t nc = frame->cap ? frame->cap * 2 : 4;
                mn__rc_entry *ne =
                    mn_arena_realloc(ctx->arena, frame->entries, frame->cap * sizeof *ne, nc * sizeof *ne);
                if (!ne)
                    return MN_ENOMEM;
                frame->entries = ne;
                frame->cap = nc;
            }
            frame->entries[frame->n++] = (mn__rc_entry){ in, st };
        }
    } else {
        st = mn__rc_get(ctx, in);
        if (!st) {
            st = mn_arena_calloc(ctx->arena, 1, sizeof *st);
            if (!st || mn__rc_set(ctx, in, st))
                return MN_ENOMEM;
        }
    }
    mn_value cmp;
    int rc;
    mn_buf tmp;
    bool rendered = false;
    if (in->vars.n) {
        mn_list *l = mn_list_new(ctx->arena, in->vars.n);
        if (!l)
            return MN_ENOMEM;
        for (size_t i = 0; i < in->vars.n; i++) {
            mn_value v;
            if ((rc = mn_template_fexpr_resolve(in->vars.items[i], ctx, true, &v, err)))
                return rc;
            if (mn_list_push(l, v))
                return MN_ENOMEM;
        }
        cmp = mn_value_list(l);
    } else {
        mn_buf_init(&tmp, ctx->arena, 0);
        if ((rc = mn_template_nodelist_render(in->yes, ctx, &tmp, err)))
            return rc;
        cmp = mn_value_str(mn_buf_str(&tmp));
        rendered = true;
    }
    if (!st->set || !mn_value_eq(cmp, st->last)) {
        st->set = true;
        st->last = cmp;
        if (rendered && tmp.len)
            return mn_buf_put_str(out, mn_buf_str(&tmp));
        return mn_template_nodelist_render(in->yes, ctx, out, err);
    }
    if (in->no)
        return mn_template_nodelist_render(in->no, ctx, out, err);
    return MN_OK;
}

static mn_template_node *do_ifchanged(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    ifchanged_node *in = mn_arena_calloc(p->arena, 1, sizeof *in);
    if (!in)
        return OOM(err);
    if (!(in->yes = parse_until(p, "else", "endifchanged", NULL, err)))
        return NULL;
    const mn__token *t = next_token(p);
    if (mn_str_eq_cstr(t->contents, "else")) {
        if (!(in->no = parse_until(p, "endifchanged", NULL, NULL, err)))
            return NULL;
        next_token(p);
    }
    if (compile_list(p, &in->vars, bits + 1, (size_t)nb - 1, err))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, ifchanged_render, in);
}

/* ================= ifequal / ifnotequal ================= */

/* Django 3.2's deprecated {% ifequal a b %} ... {% else %} ... {% endifequal %}
 * (and ifnotequal): both operands resolve with failures ignored (a missing
 * variable is None) and compare with Python ==. */
typedef struct ifequal_node {
    mn_template_fexpr *a, *b;
    mn_template_nodelist *yes, *no;
    bool negate;
} ifequal_node;

static int ifequal_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const ifequal_node *in = data;
    mn_value a, b;
    int rc = mn_template_fexpr_resolve(in->a, ctx, true, &a, err);
    if (!rc)
        rc = mn_template_fexpr_resolve(in->b, ctx, true, &b, err);
    if (rc)
        return rc;
    if (mn_value_eq(a, b) != in->negate)
        return mn_template_nodelist_render(in->yes, ctx, out, err);
    return in->no ? mn_template_nodelist_render(in->no, ctx, out, err) : MN_OK;
}

static mn_template_node *ifequal_compile(mn_template_parser *p, mn_str contents, bool negate, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    const char *tag = negate ? "ifnotequal" : "ifequal";
    if (nb != 3)
        return fail(p, err, "'%s' takes two arguments", tag);
    const char *end = negate ? "endifnotequal" : "endifequal";
    ifequal_node *in = mn_arena_calloc(p->arena, 1, sizeof *in);
    if (!in)
        return OOM(err);
    in->negate = negate;
    if (!(in->yes = parse_until(p, "else", end, NULL, err)))
        return NULL;
    const mn__token *t = next_token(p);
    if (t && mn_str_eq_cstr(t->contents, "else")) {
        if (!(in->no = parse_until(p, end, NULL, NULL, err)))
            return NULL;
        next_token(p);
    }
    if (!(in->a = cf(p, bits[1], err)) || !(in->b = cf(p, bits[2], err)))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, ifequal_render, in);
}

static mn_template_node *do_ifequal(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return ifequal_compile(p, contents, false, err);
}

static mn_template_node *do_ifnotequal(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return ifequal_compile(p, contents, true, err);
}

/* ================= load ================= */

static int add_lib(mn_template_parser *p, const mn_template_library *lib)
{
    if (p->nlibs == p->libcap) {
        size_t nc = p->libcap * 2;
        const mn_template_library **nl = mn_arena_realloc(p->arena, p->libs, p->libcap * sizeof *nl, nc * sizeof *nl);
        if (!nl)
            return MN_ENOMEM;
        p->libs = nl;
        p->libcap = nc;
    }
    p->libs[p->nlibs++] = lib;
    return MN_OK;
}

static mn_template_node *unknown_library(mn_template_parser *p, mn_str name, mn_err *err)
{
    mn_buf b;
    mn_buf_init(&b, p->arena, 0);
    /* sorted names of the loadable libraries */
    mn_template_engine *e = p->engine;
    const char **names = mn_arena_alloc(p->arena, (e->nlibs + 1) * sizeof *names);
    size_t n = 0;
    if (!names)
        return OOM(err);
    for (size_t i = 0; i < e->nlibs; i++)
        if (e->libs[i]->name && *e->libs[i]->name)
            names[n++] = e->libs[i]->name;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        if (i)
            mn_buf_putc(&b, '\n');
        mn_buf_puts(&b, names[i]);
    }
    return fail(p, err, "'%.*s' is not a registered tag library. Must be one of:\n%s", MN_STR_FMT(name),
                mn_buf_cstr(&b));
}

static mn_template_node *do_load(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = ws_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb >= 4 && mn_str_eq_cstr(bits[nb - 2], "from")) {
        mn_str name = bits[nb - 1];
        const mn_template_library *lib = mn__tpl_engine_library(p->engine, name);
        if (!lib)
            return unknown_library(p, name, err);
        mn_template_library *sub = mn_template_library_new(p->arena, lib->name);
        if (!sub)
            return OOM(err);
        for (int i = 1; i < nb - 2; i++) {
            mn_value *v;
            if ((v = mn_map_find(lib->tags, bits[i]))) {
                if (mn_map_set(sub->tags, bits[i], *v))
                    return OOM(err);
            } else if ((v = mn_map_find(lib->filters, bits[i]))) {
                if (mn_map_set(sub->filters, bits[i], *v))
                    return OOM(err);
            } else {
                return fail(p, err, "'%.*s' is not a valid tag or filter in tag library '%.*s'",
                            MN_STR_FMT(bits[i]), MN_STR_FMT(name));
            }
        }
        if (add_lib(p, sub))
            return OOM(err);
    } else {
        for (int i = 1; i < nb; i++) {
            const mn_template_library *lib = mn__tpl_engine_library(p->engine, bits[i]);
            if (!lib)
                return unknown_library(p, bits[i], err);
            if (add_lib(p, lib))
                return OOM(err);
        }
    }
    return mn__tpl_node(p, NODE_CALL, empty_render, NULL);
}

/* ================= widthratio ================= */

typedef struct widthratio_node {
    mn_template_fexpr *val, *max, *width;
    mn_str asvar;
} widthratio_node;

static int widthratio_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const widthratio_node *w = data;
    mn_value v, m, wd;
    int rc;
    if ((rc = mn_template_fexpr_resolve(w->val, ctx, false, &v, err)) ||
        (rc = mn_template_fexpr_resolve(w->max, ctx, false, &m, err)) ||
        (rc = mn_template_fexpr_resolve(w->width, ctx, false, &wd, err)))
        return rc;
    int64_t width;
    if (mn_value_to_i64(wd, &width))
        return mn__tpl_render_error(ctx, err, MN_EPARSE, "TemplateSyntaxError",
                                    "widthratio final argument must be a number");
    double dv, dm;
    char buf[64] = "";
    if (!mn_value_to_double(v, &dv) && !mn_value_to_double(m, &dm)) {
        if (dm == 0) {
            strcpy(buf, "0");
        } else {
            double r = dv / dm * (double)width;
            if (isfinite(r) && fabs(r) < 9.2e18)
                snprintf(buf, sizeof buf, "%lld", (long long)nearbyint(r));
        }
    }
    mn_str res = mn_str_clone(ctx->arena, mn_str_from(buf));
    if (!res.ptr)
        return MN_ENOMEM;
    if (w->asvar.len)
        return mn_template_context_set_str(ctx, w->asvar, mn_value_str(res));
    return mn_buf_put_str(out, res);
}

static mn_template_node *do_widthratio(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    widthratio_node *w = mn_arena_calloc(p->arena, 1, sizeof *w);
    if (!w)
        return OOM(err);
    if (nb == 6) {
        if (!mn_str_eq_cstr(bits[4], "as"))
            return fail(p, err, "Invalid syntax in widthratio tag. Expecting 'as' keyword");
        w->asvar = bits[5];
    } else if (nb != 4) {
        return fail(p, err, "widthratio takes at least three arguments");
    }
    if (!(w->val = cf(p, bits[1], err)) || !(w->max = cf(p, bits[2], err)) || !(w->width = cf(p, bits[3], err)))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, widthratio_render, w);
}

/* ================= regroup ================= */

typedef struct regroup_node {
    mn_template_fexpr *target, *expr;
    mn_str var;
} regroup_node;

typedef struct grouped {
    mn_value grouper;
    mn_list *list;
} grouped;

static int grouped_attr(const void *obj, mn_str name, mn_arena *arena, mn_value *out)
{
    const grouped *g = obj;
    if (mn_str_eq_cstr(name, "grouper"))
        *out = g->grouper;
    else if (mn_str_eq_cstr(name, "list"))
        *out = mn_value_list(g->list);
    else if (mn_str_eq_cstr(name, "0"))
        *out = g->grouper;
    else if (mn_str_eq_cstr(name, "1"))
        *out = mn_value_list(g->list);
    else
        return MN_ENOTFOUND;
    return MN_OK;
}

static int grouped_list(const void *obj, mn_arena *arena, mn_list **out)
{
    const grouped *g = obj;
    mn_list *l = mn_list_new(arena, 2);
    if (!l || mn_list_push(l, g->grouper) || mn_list_push(l, mn_value_list(g->list)))
        return MN_ENOMEM;
    *out = l;
    return MN_OK;
}

static int grouped_str(const void *obj, mn_buf *out)
{
    const grouped *g = obj;
    mn_buf_puts(out, "GroupedResult(grouper=");
    mn_value_repr(g->grouper, out);
    mn_buf_puts(out, ", list=");
    mn_value_repr(mn_value_list(g->list), out);
    return mn_buf_putc(out, ')');
}

static const mn_type grouped_type = { .name = "GroupedResult", .get_attr = grouped_attr, .to_str = grouped_str,
                                      .to_list = grouped_list };

static int regroup_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const regroup_node *r = data;
    mn_value tv;
    int rc = mn_template_fexpr_resolve(r->target, ctx, true, &tv, err);
    if (rc)
        return rc;
    mn_list *res = mn_list_new(ctx->arena, 4);
    if (!res)
        return MN_ENOMEM;
    if (tv.type == MN_VALUE_NULL)
        return mn_template_context_set_str(ctx, r->var, mn_value_list(res));
    mn_list *items;
    if ((rc = mn__tpl_iter(ctx, tv, &items, err)))
        return rc;
    grouped *cur = NULL;
    for (size_t i = 0; i < mn_list_len(items); i++) {
        mn_value obj = mn_list_get(items, i), key;
        if ((rc = mn_template_context_set_str(ctx, r->var, obj)) ||
            (rc = mn_template_fexpr_resolve(r->expr, ctx, true, &key, err)))
            return rc;
        if (!cur || !mn_value_eq(cur->grouper, key)) {
            cur = mn_arena_calloc(ctx->arena, 1, sizeof *cur);
            if (!cur || !(cur->list = mn_list_new(ctx->arena, 4)))
                return MN_ENOMEM;
            cur->grouper = key;
            if (mn_list_push(res, mn_value_object(&grouped_type, cur)))
                return MN_ENOMEM;
        }
        if (mn_list_push(cur->list, obj))
            return MN_ENOMEM;
    }
    return mn_template_context_set_str(ctx, r->var, mn_value_list(res));
}

static mn_template_node *do_regroup(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb != 6)
        return fail(p, err, "'regroup' tag takes five arguments");
    regroup_node *r = mn_arena_calloc(p->arena, 1, sizeof *r);
    if (!r || !(r->target = cf(p, bits[1], err)))
        return r ? NULL : OOM(err);
    if (!mn_str_eq_cstr(bits[2], "by"))
        return fail(p, err, "second argument to 'regroup' tag must be 'by'");
    if (!mn_str_eq_cstr(bits[4], "as"))
        return fail(p, err, "next-to-last argument to 'regroup' tag must be 'as'");
    r->var = bits[5];
    char *e = mn_arena_sprintf(p->arena, "%.*s.%.*s", MN_STR_FMT(bits[5]), MN_STR_FMT(bits[3]));
    if (!e)
        return OOM(err);
    if (!(r->expr = cf(p, mn_str_from(e), err)))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, regroup_render, r);
}

/* ================= csrf_token ================= */

static int csrf_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    mn_value *v = mn_template_context_find(ctx, MN_STR("csrf_token"));
    if (!v || !mn_value_truthy(*v))
        return MN_OK;
    mn_str s = mn__tpl_str(ctx, *v);
    if (mn_str_eq_cstr(s, "NOTPROVIDED"))
        return MN_OK;
    mn_buf_puts(out, "<input type=\"hidden\" name=\"csrfmiddlewaretoken\" value=\"");
    if (mn_value_is_safe(*v))
        mn_buf_put_str(out, s);
    else
        mn_html_escape(out, s);
    return mn_buf_puts(out, "\">");
}

static mn_template_node *do_csrf(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return mn__tpl_node(p, NODE_CALL, csrf_render, NULL);
}

/* ================= registration ================= */

int mn__tpl_register_builtin_tags(mn_template_library *lib)
{
    static const struct {
        const char *name;
        mn_template_compile_fn fn;
    } tags[] = {
        { "if", do_if },
        { "for", do_for },
        { "with", do_with },
        { "block", do_block },
        { "extends", do_extends },
        { "include", do_include },
        { "autoescape", do_autoescape },
        { "comment", do_comment },
        { "filter", do_filter },
        { "spaceless", do_spaceless },
        { "verbatim", do_verbatim },
        { "templatetag", do_templatetag },
        { "firstof", do_firstof },
        { "cycle", do_cycle },
        { "resetcycle", do_resetcycle },
        { "ifchanged", do_ifchanged },
        { "ifequal", do_ifequal },
        { "ifnotequal", do_ifnotequal },
        { "load", do_load },
        { "widthratio", do_widthratio },
        { "regroup", do_regroup },
        { "csrf_token", do_csrf },
    };
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (mn_template_library_add_tag(lib, tags[i].name, tags[i].fn))
            return MN_ENOMEM;
    return mn__tpl_register_more_tags(lib);
}
