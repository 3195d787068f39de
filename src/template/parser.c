/* The template parser: Django's Parser.parse, FilterExpression, Variable and
 * smart_split, with Django's error messages. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static bool is_word(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u >= 0x80;
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* ---- errors ---- */

static int set_error(mn_template_parser *p, const mn__token *t, mn_err *err, const char *fmt, va_list ap)
{
    if (!err)
        return MN_EPARSE;
    char msg[MN_ERR_MSG_MAX];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (t)
        mn_err_set(err, MN_EPARSE, "TemplateSyntaxError: %s\n  in template \"%s\", line %d, column %d", msg,
                   p->tpl->name, t->line, t->col);
    else
        mn_err_set(err, MN_EPARSE, "TemplateSyntaxError: %s\n  in template \"%s\"", msg, p->tpl->name);
    return MN_EPARSE;
}

int mn__tpl_syntax_error(mn_template_parser *p, const mn__token *t, mn_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(p, t, err, fmt, ap);
    va_end(ap);
    return MN_EPARSE;
}

int mn_template_parser_error(mn_template_parser *p, mn_err *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(p, p->cur, err, fmt, ap);
    va_end(ap);
    return MN_EPARSE;
}

char *mn__tpl_text_list(mn_arena *a, const char *const *items, size_t n, bool quote)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    const char *q = quote ? "'" : "";
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            mn_buf_puts(&b, i == n - 1 ? " or " : ", ");
        mn_buf_printf(&b, "%s%s%s", q, items[i], q);
    }
    return mn_buf_error(&b) ? NULL : (char *)mn_buf_cstr(&b);
}

/* ---- smart_split ---- */

static ptrdiff_t match_quoted(mn_str s, size_t i)
{
    char q = s.ptr[i];
    size_t j = i + 1;
    while (j < s.len) {
        if (s.ptr[j] == '\\') {
            if (j + 1 >= s.len)
                return -1;
            j += 2;
            continue;
        }
        if (s.ptr[j] == q)
            return (ptrdiff_t)(j + 1);
        j++;
    }
    return -1;
}

static bool is_quote(char c) { return c == '"' || c == '\''; }

/* The next smart_split bit starting at or after *pos. */
static bool next_bit(mn_str s, size_t *pos, mn_str *bit)
{
    size_t i = *pos;
    while (i < s.len && is_space(s.ptr[i]))
        i++;
    if (i >= s.len)
        return false;
    size_t start = i;
    while (i < s.len && !is_space(s.ptr[i]) && !is_quote(s.ptr[i]))
        i++;
    int groups = 0;
    while (i < s.len && is_quote(s.ptr[i])) {
        ptrdiff_t e = match_quoted(s, i);
        if (e < 0)
            break;
        i = (size_t)e;
        groups++;
        while (i < s.len && !is_space(s.ptr[i]) && !is_quote(s.ptr[i]))
            i++;
    }
    if (!groups) {
        i = start;
        while (i < s.len && !is_space(s.ptr[i]))
            i++;
    }
    *bit = mn_str_make(s.ptr + start, i - start);
    *pos = i;
    return true;
}

int mn_template_parser_split(mn_template_parser *p, mn_str contents, mn_str **bits)
{
    size_t cap = 8, n = 0, pos = 0;
    mn_str *v = mn_arena_alloc(p->arena, cap * sizeof *v);
    if (!v)
        return -1;
    mn_str bit;
    while (next_bit(contents, &pos, &bit)) {
        if (bit.len >= 3 && bit.ptr[0] == '_' && bit.ptr[1] == '(' && is_quote(bit.ptr[2])) {
            char q = bit.ptr[2];
            /* Join following bits until one ends with the quote and ')'. */
            while (!(bit.len >= 2 && bit.ptr[bit.len - 2] == q && bit.ptr[bit.len - 1] == ')')) {
                mn_str more;
                if (!next_bit(contents, &pos, &more))
                    break;
                bit = mn_str_make(bit.ptr, (size_t)(more.ptr + more.len - bit.ptr));
            }
        }
        if (n == cap) {
            mn_str *nv = mn_arena_realloc(p->arena, v, cap * sizeof *v, cap * 2 * sizeof *v);
            if (!nv)
                return -1;
            v = nv;
            cap *= 2;
        }
        v[n++] = bit;
    }
    *bits = v;
    return (int)n;
}

/* ---- Variable ---- */

/* Python's unescape_string_literal. */
static bool unescape_literal(mn_arena *a, mn_str s, mn_str *out)
{
    if (s.len < 2 || !is_quote(s.ptr[0]) || s.ptr[s.len - 1] != s.ptr[0])
        return false;
    char q = s.ptr[0];
    char *d = mn_arena_alloc(a, s.len);
    if (!d)
        return false;
    size_t k = 0;
    /* .replace('\\' + q, q) then .replace('\\\\', '\\'), applied in sequence */
    mn_str in = mn_str_slice(s, 1, s.len - 1);
    char *tmp = mn_arena_alloc(a, in.len + 1);
    if (!tmp)
        return false;
    size_t t = 0;
    for (size_t i = 0; i < in.len; i++) {
        if (in.ptr[i] == '\\' && i + 1 < in.len && in.ptr[i + 1] == q) {
            tmp[t++] = q;
            i++;
        } else {
            tmp[t++] = in.ptr[i];
        }
    }
    for (size_t i = 0; i < t; i++) {
        if (tmp[i] == '\\' && i + 1 < t && tmp[i + 1] == '\\') {
            d[k++] = '\\';
            i++;
        } else {
            d[k++] = tmp[i];
        }
    }
    d[k] = 0;
    *out = mn_str_make(d, k);
    return true;
}

static bool parse_float_literal(mn_str s, double *out)
{
    char buf[64];
    if (s.len == 0 || s.len >= sizeof buf)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (!(is_digit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
            return false;
    }
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    char *end;
    double d = strtod(buf, &end);
    if (*end || end == buf)
        return false;
    *out = d;
    return true;
}

static bool parse_int_literal(mn_str s, int64_t *out)
{
    size_t i = 0;
    if (s.len && (s.ptr[0] == '+' || s.ptr[0] == '-'))
        i = 1;
    if (i >= s.len)
        return false;
    for (size_t k = i; k < s.len; k++)
        if (!is_digit(s.ptr[k]))
            return false;
    mn_str body = s;
    if (s.ptr[0] == '+')
        body = mn_str_slice(s, 1, s.len);
    return mn_str_to_i64(body, out) == MN_OK;
}

int mn__tpl_var_parse(mn_arena *a, mn_str var, mn__tvar *out, mn_err *err)
{
    memset(out, 0, sizeof *out);
    out->text = var;
    bool has_dot_e = false;
    for (size_t i = 0; i < var.len; i++)
        if (var.ptr[i] == '.' || var.ptr[i] == 'e' || var.ptr[i] == 'E')
            has_dot_e = true;
    if (has_dot_e) {
        double d;
        if (parse_float_literal(var, &d) && var.ptr[var.len - 1] != '.') {
            out->literal = mn_value_float(d);
            return MN_OK;
        }
    } else {
        int64_t i;
        if (parse_int_literal(var, &i)) {
            out->literal = mn_value_int(i);
            return MN_OK;
        }
    }
    if (var.len >= 3 && var.ptr[0] == '_' && var.ptr[1] == '(' && var.ptr[var.len - 1] == ')') {
        out->translate = true;
        var = mn_str_slice(var, 2, var.len - 1);
    }
    mn_str lit;
    if (unescape_literal(a, var, &lit)) {
        out->literal = mn_value_safe(lit);
        return MN_OK;
    }
    if (var.len == 0 || var.ptr[0] == '_' || mn_str_find(var, MN_STR("._"), 0) >= 0)
        return mn_err_set(err, MN_EPARSE, "Variables and attributes may not begin with underscores: '%.*s'",
                          MN_STR_FMT(var));
    size_t n = 1;
    for (size_t i = 0; i < var.len; i++)
        n += var.ptr[i] == '.';
    out->lookups = mn_arena_alloc(a, n * sizeof(mn_str));
    out->hints = mn_arena_calloc(a, n, sizeof *out->hints);
    out->slots = mn_arena_calloc(a, n, sizeof *out->slots);
    if (!out->lookups || !out->hints || !out->slots)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    size_t pos = 0, k = 0;
    mn_str f;
    while (mn_str_next_field(var, '.', &pos, &f))
        out->lookups[k++] = f;
    out->nlookups = k;
    return MN_OK;
}

/* ---- FilterExpression ---- */

static ptrdiff_t match_constant(mn_str s, size_t i)
{
    if (i + 2 < s.len && s.ptr[i] == '_' && s.ptr[i + 1] == '(' && is_quote(s.ptr[i + 2])) {
        ptrdiff_t e = match_quoted(s, i + 2);
        if (e >= 0 && (size_t)e < s.len && s.ptr[e] == ')')
            return e + 1;
    }
    if (i < s.len && is_quote(s.ptr[i]))
        return match_quoted(s, i);
    return -1;
}

static ptrdiff_t match_var(mn_str s, size_t i)
{
    size_t j = i;
    while (j < s.len && (is_word(s.ptr[j]) || s.ptr[j] == '.'))
        j++;
    if (j > i)
        return (ptrdiff_t)j;
    /* num: [-+\.]?\d[\d\.e]* */
    j = i;
    if (j < s.len && (s.ptr[j] == '-' || s.ptr[j] == '+' || s.ptr[j] == '.'))
        j++;
    if (j >= s.len || !is_digit(s.ptr[j]))
        return -1;
    j++;
    while (j < s.len && (is_digit(s.ptr[j]) || s.ptr[j] == '.' || s.ptr[j] == 'e'))
        j++;
    return (ptrdiff_t)j;
}

/* The filter alternative at i: \s*\|\s*(\w+)(?::(constant|var))? */
static ptrdiff_t match_filter(mn_str s, size_t i, mn_str *name, mn_str *arg, bool *arg_const)
{
    size_t j = i;
    while (j < s.len && is_space(s.ptr[j]))
        j++;
    if (j >= s.len || s.ptr[j] != '|')
        return -1;
    j++;
    while (j < s.len && is_space(s.ptr[j]))
        j++;
    size_t ns = j;
    while (j < s.len && is_word(s.ptr[j]))
        j++;
    if (j == ns)
        return -1;
    *name = mn_str_make(s.ptr + ns, j - ns);
    *arg = MN_STR_EMPTY;
    arg->ptr = NULL;
    if (j < s.len && s.ptr[j] == ':') {
        ptrdiff_t e = match_constant(s, j + 1);
        if (e >= 0) {
            *arg = mn_str_make(s.ptr + j + 1, (size_t)e - j - 1);
            *arg_const = true;
            return e;
        }
        e = match_var(s, j + 1);
        if (e >= 0) {
            *arg = mn_str_make(s.ptr + j + 1, (size_t)e - j - 1);
            *arg_const = false;
            return e;
        }
    }
    return (ptrdiff_t)j;
}

const mn__filter_def *mn__tpl_find_filter(mn_template_parser *p, mn_str name)
{
    for (size_t i = p->nlibs; i-- > 0;) {
        mn_value *v = mn_map_find(p->libs[i]->filters, name);
        if (v)
            return v->u.obj.ptr;
    }
    return NULL;
}

static int resolve_constant(mn_arena *a, mn_str text, mn__tvar *out, mn_err *err)
{
    int rc = mn__tpl_var_parse(a, text, out, err);
    if (rc)
        return rc;
    if (out->translate && out->literal.type == MN_VALUE_STR) {
        /* Django doubles % in translated msgids (gettext returns the msgid). */
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_str s = out->literal.u.s;
        for (size_t i = 0; i < s.len; i++) {
            if (s.ptr[i] == '%')
                mn_buf_putc(&b, '%');
            mn_buf_putc(&b, s.ptr[i]);
        }
        if (mn_buf_error(&b))
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        out->literal = mn_value_safe(mn_str_make(b.data, b.len));
        out->translate = false;
    }
    return MN_OK;
}

mn_template_fexpr *mn_template_parser_compile_filter(mn_template_parser *p, mn_str token, mn_err *err)
{
    mn_template_fexpr *fe = mn_arena_calloc(p->arena, 1, sizeof *fe);
    if (!fe) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    fe->token = token;
    size_t upto = 0, cap = 0;
    bool have_var = false;
    size_t pos = 0;
    char msg[MN_ERR_MSG_MAX];
    while (pos < token.len) {
        /* finditer: find the next match at or after pos */
        size_t start = pos;
        ptrdiff_t end = -1;
        bool is_filter = false, arg_const = false;
        mn_str fname = MN_STR_EMPTY, farg = MN_STR_EMPTY;
        bool is_const = false;
        for (; start < token.len; start++) {
            if (start == 0) {
                end = match_constant(token, 0);
                if (end >= 0) {
                    is_const = true;
                    break;
                }
                end = match_var(token, 0);
                if (end >= 0)
                    break;
            }
            end = match_filter(token, start, &fname, &farg, &arg_const);
            if (end >= 0) {
                is_filter = true;
                break;
            }
        }
        if (end < 0)
            break;
        if (upto != start) {
            snprintf(msg, sizeof msg, "Could not parse some characters: %.*s|%.*s|%.*s", (int)upto, token.ptr,
                     (int)(start - upto), token.ptr + upto, (int)(token.len - start), token.ptr + start);
            goto syntax;
        }
        if (!have_var) {
            if (is_filter) {
                snprintf(msg, sizeof msg, "Could not find variable at start of %.*s.", MN_STR_FMT(token));
                goto syntax;
            }
            mn_str text = mn_str_make(token.ptr, (size_t)end);
            int rc = is_const ? resolve_constant(p->arena, text, &fe->var, err)
                              : mn__tpl_var_parse(p->arena, text, &fe->var, err);
            if (rc)
                return NULL;
            have_var = true;
        } else {
            const mn__filter_def *def = mn__tpl_find_filter(p, fname);
            if (!def) {
                snprintf(msg, sizeof msg, "Invalid filter: '%.*s'", MN_STR_FMT(fname));
                goto syntax;
            }
            if (fe->nfilters == cap) {
                size_t nc = cap ? cap * 2 : 4;
                mn__tfilter *nf = mn_arena_realloc(p->arena, fe->filters, cap * sizeof *nf, nc * sizeof *nf);
                if (!nf) {
                    mn_err_set(err, MN_ENOMEM, "out of memory");
                    return NULL;
                }
                fe->filters = nf;
                cap = nc;
            }
            mn__tfilter *f = &fe->filters[fe->nfilters++];
            memset(f, 0, sizeof *f);
            f->def = def;
            if (farg.ptr) {
                f->has_arg = true;
                int rc = arg_const ? resolve_constant(p->arena, farg, &f->arg, err)
                                   : mn__tpl_var_parse(p->arena, farg, &f->arg, err);
                if (rc)
                    return NULL;
                f->arg_lookup = !arg_const;
            }
            unsigned fl = def->flags;
            int alen = 1 + ((fl & MN_FILTER_ARG) ? 1 : 0) + ((fl & MN_FILTER_NEEDS_AUTOESCAPE) ? 1 : 0);
            int dlen = ((fl & MN_FILTER_ARG_OPTIONAL) ? 1 : 0) + ((fl & MN_FILTER_NEEDS_AUTOESCAPE) ? 1 : 0);
            int plen = 1 + (f->has_arg ? 1 : 0);
            if (plen < alen - dlen || plen > alen) {
                snprintf(msg, sizeof msg, "%s requires %d arguments, %d provided", def->name, alen - dlen, plen);
                goto syntax;
            }
            if (f->has_arg && !(fl & MN_FILTER_ARG))
                f->has_arg = false;
        }
        upto = (size_t)end;
        pos = (size_t)end;
    }
    if (upto != token.len) {
        snprintf(msg, sizeof msg, "Could not parse the remainder: '%.*s' from '%.*s'", (int)(token.len - upto),
                 token.ptr + upto, MN_STR_FMT(token));
        goto syntax;
    }
    return fe;
syntax:
    if (err)
        mn_err_set(err, MN_EPARSE, "%s", msg);
    return NULL;
}

/* ---- nodes and the parse loop ---- */

mn_template_node *mn__tpl_node(mn_template_parser *p, int kind, mn_template_render_fn fn, const void *data)
{
    mn_template_node *n = mn_arena_calloc(p->arena, 1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = (uint8_t)kind;
    n->render = fn;
    n->data = data;
    n->tpl = p->tpl;
    if (p->cur) {
        n->line = p->cur->line;
        n->col = p->cur->col;
    }
    return n;
}

mn_template_node *mn_template_node_new(mn_template_parser *p, mn_template_render_fn fn, const void *data)
{
    return mn__tpl_node(p, NODE_CALL, fn, data);
}

mn_arena *mn_template_parser_arena(mn_template_parser *p) { return p->arena; }

void mn_template_parser_skip(mn_template_parser *p)
{
    if (p->pos < p->ntokens)
        p->pos++;
}

int mn__tpl_nodelist_add(mn_template_parser *p, mn_template_nodelist *nl, mn_template_node *node,
                         const mn__token *t, mn_err *err)
{
    if (node->kind == NODE_EXTENDS && nl->contains_nontext) {
        const mn__extends_node *x = node->data;
        return mn__tpl_syntax_error(p, t, err, "<ExtendsNode: extends %.*s> must be the first tag in the template.",
                                    MN_STR_FMT(x->parent->token));
    }
    if (node->kind != NODE_TEXT)
        nl->contains_nontext = true;
    if (nl->n == nl->cap) {
        size_t nc = nl->cap ? nl->cap * 2 : 8;
        mn_template_node **nn = mn_arena_realloc(p->arena, nl->nodes, nl->cap * sizeof *nn, nc * sizeof *nn);
        if (!nn)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        nl->nodes = nn;
        nl->cap = nc;
    }
    nl->nodes[nl->n++] = node;
    return MN_OK;
}

static mn_str first_word(mn_str s)
{
    size_t i = 0;
    while (i < s.len && !is_space(s.ptr[i]))
        i++;
    return mn_str_make(s.ptr, i);
}

static const mn__tag_def *find_tag(mn_template_parser *p, mn_str name)
{
    for (size_t i = p->nlibs; i-- > 0;) {
        mn_value *v = mn_map_find(p->libs[i]->tags, name);
        if (v)
            return v->u.obj.ptr;
    }
    return NULL;
}

mn_template_nodelist *mn__tpl_parse(mn_template_parser *p, const char *const *ends, size_t nends, mn_err *err)
{
    mn_template_nodelist *nl = mn_arena_calloc(p->arena, 1, sizeof *nl);
    if (!nl) {
        mn_err_set(err, MN_ENOMEM, "out of memory");
        return NULL;
    }
    if (p->depth >= MN__TPL_MAX_NEST) {
        mn__tpl_syntax_error(p, p->cur, err, "Too many nested block tags (more than %d)", MN__TPL_MAX_NEST);
        return NULL;
    }
    while (p->pos < p->ntokens) {
        const mn__token *t = &p->tokens[p->pos++];
        if (t->type == TOK_COMMENT)
            continue;
        if (t->type == TOK_TEXT) {
            mn_template_node *n = mn__tpl_node(p, NODE_TEXT, NULL, NULL);
            if (!n)
                goto oom;
            n->text = t->contents;
            n->line = t->line;
            n->col = t->col;
            if (mn__tpl_nodelist_add(p, nl, n, t, err))
                return NULL;
            continue;
        }
        if (t->type == TOK_VAR) {
            if (!t->contents.len) {
                mn__tpl_syntax_error(p, t, err, "Empty variable tag on line %d", t->line);
                return NULL;
            }
            mn_err e2 = { 0 };
            mn_template_fexpr *fe = mn_template_parser_compile_filter(p, t->contents, &e2);
            if (!fe) {
                if (e2.code == MN_ENOMEM)
                    goto oom;
                mn__tpl_syntax_error(p, t, err, "%s", e2.msg);
                return NULL;
            }
            mn_template_node *n = mn__tpl_node(p, NODE_VAR, NULL, NULL);
            if (!n)
                goto oom;
            n->fe = fe;
            n->line = t->line;
            n->col = t->col;
            if (mn__tpl_nodelist_add(p, nl, n, t, err))
                return NULL;
            continue;
        }
        /* BLOCK */
        mn_str cmd = first_word(t->contents);
        if (!cmd.len) {
            mn__tpl_syntax_error(p, t, err, "Empty block tag on line %d", t->line);
            return NULL;
        }
        for (size_t i = 0; i < nends; i++) {
            if (mn_str_eq_cstr(cmd, ends[i])) {
                p->pos--;
                return nl;
            }
        }
        const mn__tag_def *def = find_tag(p, cmd);
        if (!def) {
            if (nends) {
                char *list = mn__tpl_text_list(p->arena, ends, nends, true);
                mn__tpl_syntax_error(p, t, err,
                                     "Invalid block tag on line %d: '%.*s', expected %s. Did you forget to register "
                                     "or load this tag?",
                                     t->line, MN_STR_FMT(cmd), list ? list : "");
            } else {
                mn__tpl_syntax_error(p, t, err,
                                     "Invalid block tag on line %d: '%.*s'. Did you forget to register or load this "
                                     "tag?",
                                     t->line, MN_STR_FMT(cmd));
            }
            return NULL;
        }
        const mn__token *saved = p->cur;
        p->stack[p->depth] = t;
        p->stack_cmd[p->depth] = cmd;
        p->depth++;
        p->cur = t;
        mn_err e2 = { 0 };
        mn_template_node *n;
        if (def->kind == TAG_COMPILE)
            n = def->compile(p, t->contents, &e2);
        else
            n = mn__tpl_simple_compile(p, def, t->contents, &e2);
        p->depth--;
        p->cur = saved;
        if (!n) {
            if (err) {
                if (e2.code == 0)
                    mn_err_set(err, MN_ENOMEM, "out of memory");
                else if (strncmp(e2.msg, "TemplateSyntaxError: ", 21) == 0 || e2.code == MN_ENOMEM)
                    *err = e2;
                else
                    mn__tpl_syntax_error(p, t, err, "%s", e2.msg);
            }
            return NULL;
        }
        if (n->line == 0) {
            n->line = t->line;
            n->col = t->col;
        }
        if (mn__tpl_nodelist_add(p, nl, n, t, err))
            return NULL;
    }
    if (nends) {
        const mn__token *t = p->depth > 0 ? p->stack[p->depth - 1] : NULL;
        mn_str cmd = p->depth > 0 ? p->stack_cmd[p->depth - 1] : MN_STR("");
        mn_buf b;
        mn_buf_init(&b, p->arena, 0);
        for (size_t i = 0; i < nends; i++) {
            if (i)
                mn_buf_puts(&b, ", ");
            mn_buf_puts(&b, ends[i]);
        }
        mn__tpl_syntax_error(p, t, err, "Unclosed tag on line %d: '%.*s'. Looking for one of: %s.", t ? t->line : 0,
                             MN_STR_FMT(cmd), mn_buf_cstr(&b));
        return NULL;
    }
    return nl;
oom:
    mn_err_set(err, MN_ENOMEM, "out of memory while compiling template");
    return NULL;
}

mn_template_nodelist *mn_template_parser_parse(mn_template_parser *p, const char *const *ends, size_t n,
                                               mn_str *end_tag, mn_err *err)
{
    mn_template_nodelist *nl = mn__tpl_parse(p, ends, n, err);
    if (nl && end_tag)
        *end_tag = p->pos < p->ntokens ? p->tokens[p->pos].contents : MN_STR_EMPTY;
    return nl;
}

mn_template *mn__tpl_compile(mn_template_engine *e, mn_str src, const char *name, const char *origin, mn_err *err)
{
    mn_arena *a = e->arena;
    mn_template *t = mn_arena_calloc(a, 1, sizeof *t);
    if (!t)
        goto oom;
    t->engine = e;
    t->name = mn_arena_strdup(a, name ? name : "<string>");
    t->origin = origin ? mn_arena_strdup(a, origin) : NULL;
    t->source = mn_str_clone(a, src);
    if (!t->name || !t->source.ptr)
        goto oom;
    if (src.len > MN__TPL_MAX_SOURCE) {
        mn_err_set(err, MN_ELIMIT, "TemplateSyntaxError: template \"%s\" is larger than %zu bytes", t->name,
                   MN__TPL_MAX_SOURCE);
        return NULL;
    }
    mn_template_parser p = { .engine = e, .arena = a, .tpl = t };
    ptrdiff_t nt = mn__tpl_tokenize(a, t->source, &p.tokens);
    if (nt < 0)
        goto oom;
    p.ntokens = (size_t)nt;
    /* builtins first, then libraries loaded by {% load %} */
    p.libcap = 8;
    p.libs = mn_arena_alloc(a, p.libcap * sizeof *p.libs);
    if (!p.libs)
        goto oom;
    for (size_t i = 0; i < e->nlibs; i++) {
        if (!e->lib_builtin[i])
            continue;
        if (p.nlibs == p.libcap) {
            const mn_template_library **nl =
                mn_arena_realloc(a, p.libs, p.libcap * sizeof *nl, p.libcap * 2 * sizeof *nl);
            if (!nl)
                goto oom;
            p.libs = nl;
            p.libcap *= 2;
        }
        p.libs[p.nlibs++] = e->libs[i];
    }
    t->nodes = mn__tpl_parse(&p, NULL, 0, err);
    if (!t->nodes)
        return NULL;
    t->blocks = p.blocks;
    t->nblocks = p.nblocks;
    for (size_t i = 0; i < t->nodes->n; i++) {
        const mn_template_node *n = t->nodes->nodes[i];
        if (n->kind == NODE_TEXT)
            continue;
        if (n->kind == NODE_EXTENDS)
            t->extends = n->data;
        break;
    }
    return t;
oom:
    mn_err_set(err, MN_ENOMEM, "out of memory while compiling template");
    return NULL;
}
