/* reverse(): namespaces, Django's regex normalisation, URL building. */
#include <string.h>
#include "manouche/urls.h"
#include "resolver_internal.h"

/* ---- normalize: a regex to the forms that reverse() can fill in ---- */

enum { EL_CHAR, EL_GROUP, EL_NONCAP, EL_CHOICE };

typedef struct el {
    int kind;
    char ch;           /* EL_CHAR */
    const char *name;  /* EL_GROUP */
    struct el **kids;  /* EL_NONCAP: sequence; EL_CHOICE: kids[0] is the optional element */
    size_t nkids;
} el;

typedef struct elvec {
    el **items;
    size_t n, cap;
} elvec;

typedef struct citer {
    const char *p;
} citer;

/* Next character with Django's escape mappings (\d -> '0', \w -> 'x', ...,
 * \A \b \B \Z dropped). Returns false at the end. */
static bool next_char(citer *it, char *ch, bool *escaped)
{
    for (;;) {
        if (!*it->p)
            return false;
        char c = *it->p++;
        if (c != '\\') {
            *ch = c;
            *escaped = false;
            return true;
        }
        if (!*it->p)
            return false;
        c = *it->p++;
        const char *rep;
        switch (c) {
        case 'A': case 'b': case 'B': case 'Z': rep = NULL; break;
        case 'd': rep = "0"; break;
        case 'D': rep = "x"; break;
        case 's': rep = " "; break;
        case 'S': rep = "x"; break;
        case 'w': rep = "x"; break;
        case 'W': rep = "!"; break;
        default: rep = ""; break;
        }
        if (!rep)
            continue;
        *ch = rep[0] ? rep[0] : c;
        *escaped = true;
        return true;
    }
}

static void walk_to_end(char ch, citer *it)
{
    int nesting = ch == '(' ? 1 : 0;
    char c;
    bool esc;
    while (next_char(it, &c, &esc)) {
        if (esc)
            continue;
        if (c == '(')
            nesting++;
        else if (c == ')') {
            if (!nesting)
                return;
            nesting--;
        }
    }
}

static int vec_push(mn_arena *a, elvec *v, el *e)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        el **items = mn_arena_realloc(a, v->items, v->cap * sizeof(el *), cap * sizeof(el *));
        if (!items)
            return MN_ENOMEM;
        v->items = items;
        v->cap = cap;
    }
    v->items[v->n++] = e;
    return MN_OK;
}

static el *new_el(mn_arena *a, int kind)
{
    el *e = mn_arena_calloc(a, 1, sizeof *e);
    if (e)
        e->kind = kind;
    return e;
}

static bool contains_group(const el *e)
{
    if (e->kind == EL_GROUP)
        return true;
    for (size_t i = 0; i < e->nkids; i++)
        if (contains_group(e->kids[i]))
            return true;
    return false;
}

/* Parses the quantifier starting at ch; returns the minimum count and stores
 * in *next the character read after it that still has to be processed. */
static int get_quantifier(char ch, citer *it, bool *has_next, char *next, bool *next_esc)
{
    char c = 0;
    bool esc = false;
    if (ch == '*' || ch == '?' || ch == '+') {
        *has_next = next_char(it, &c, &esc);
        if (*has_next && c == '?' && !esc)
            *has_next = false;
        *next = c;
        *next_esc = esc;
        return ch == '+' ? 1 : 0;
    }
    char digits[16];
    size_t nd = 0;
    bool in_first = true;
    while (next_char(it, &c, &esc) && c != '}') {
        if (c == ',')
            in_first = false;
        else if (in_first && nd < sizeof digits - 1)
            digits[nd++] = c;
    }
    digits[nd] = '\0';
    *has_next = next_char(it, &c, &esc);
    if (*has_next && c == '?' && !esc)
        *has_next = false;
    *next = c;
    *next_esc = esc;
    int64_t n = 0;
    if (mn_str_to_i64(mn_str_from(digits), &n) || n < 0)
        n = 0;
    return n > 100 ? 100 : (int)n;
}

/* Returns MN_OK and the element sequence, MN_ENOTFOUND for alternation
 * (Django then reverses to the empty string), MN_EINVAL when unreversible. */
static int parse_regex(mn_arena *a, const char *pattern, elvec *out)
{
    citer it = { pattern };
    elvec res = { 0 };
    size_t stack[64];
    size_t nstack = 0;
    int num_args = 0;
    char ch;
    bool esc;
    if (!next_char(&it, &ch, &esc)) {
        *out = res;
        return MN_OK;
    }
    for (;;) {
        bool consume_next = true;
        if (esc) {
            el *e = new_el(a, EL_CHAR);
            if (!e || vec_push(a, &res, e))
                return MN_ENOMEM;
            e->ch = ch;
        } else if (ch == '|') {
            return MN_ENOTFOUND;
        } else if (ch == '^') {
            /* anchors vanish */
        } else if (ch == '$') {
            break;
        } else if (ch == ')') {
            if (!nstack)
                return MN_EINVAL;
            size_t start = stack[--nstack];
            el *g = new_el(a, EL_NONCAP);
            if (!g)
                return MN_ENOMEM;
            g->nkids = res.n - start;
            g->kids = g->nkids ? mn_arena_memdup(a, res.items + start, g->nkids * sizeof(el *)) : NULL;
            if (g->nkids && !g->kids)
                return MN_ENOMEM;
            res.n = start;
            if (vec_push(a, &res, g))
                return MN_ENOMEM;
        } else if (ch == '[') {
            if (!next_char(&it, &ch, &esc))
                break;
            el *e = new_el(a, EL_CHAR);
            if (!e || vec_push(a, &res, e))
                return MN_ENOMEM;
            e->ch = ch;
            if (!next_char(&it, &ch, &esc))
                break;
            while (esc || ch != ']')
                if (!next_char(&it, &ch, &esc))
                    goto done;
        } else if (ch == '(') {
            if (!next_char(&it, &ch, &esc))
                break;
            if (ch != '?' || esc) {
                el *g = new_el(a, EL_GROUP);
                if (!g || vec_push(a, &res, g))
                    return MN_ENOMEM;
                g->name = mn_arena_sprintf(a, "_%d", num_args++);
                walk_to_end(ch, &it);
            } else {
                if (!next_char(&it, &ch, &esc))
                    break;
                if (ch == '!' || ch == '=' || ch == '<') {
                    walk_to_end(ch, &it);
                } else if (ch == ':') {
                    if (nstack == sizeof stack / sizeof stack[0])
                        return MN_EINVAL;
                    stack[nstack++] = res.n;
                } else if (ch != 'P') {
                    return MN_EINVAL;
                } else {
                    if (!next_char(&it, &ch, &esc) || (ch != '<' && ch != '='))
                        return MN_EINVAL;
                    char term = ch == '<' ? '>' : ')';
                    mn_buf name;
                    mn_buf_init(&name, a, 256);
                    while (next_char(&it, &ch, &esc) && ch != term)
                        mn_buf_putc(&name, ch);
                    if (term == '>') {
                        el *g = new_el(a, EL_GROUP);
                        if (!g || vec_push(a, &res, g))
                            return MN_ENOMEM;
                        g->name = mn_buf_cstr(&name);
                        walk_to_end(ch, &it);
                    }
                    /* (?P=name) back-references are not reversible parameters. */
                }
            }
        } else if (ch == '*' || ch == '?' || ch == '+' || ch == '{') {
            bool has_next;
            char nch;
            bool nesc;
            int count = get_quantifier(ch, &it, &has_next, &nch, &nesc);
            if (has_next) {
                consume_next = false;
                ch = nch;
                esc = nesc;
            }
            if (res.n) {
                el *last = res.items[res.n - 1];
                if (count == 0) {
                    if (contains_group(last)) {
                        el *c = new_el(a, EL_CHOICE);
                        if (!c)
                            return MN_ENOMEM;
                        c->kids = mn_arena_alloc(a, sizeof(el *));
                        if (!c->kids)
                            return MN_ENOMEM;
                        c->kids[0] = last;
                        c->nkids = 1;
                        res.items[res.n - 1] = c;
                    } else {
                        res.n--;
                    }
                } else {
                    for (int i = 1; i < count; i++)
                        if (vec_push(a, &res, last))
                            return MN_ENOMEM;
                }
            }
            if (!has_next)
                goto done_if_end;
        } else {
            el *e = new_el(a, EL_CHAR);
            if (!e || vec_push(a, &res, e))
                return MN_ENOMEM;
            e->ch = ch;
        }
        if (consume_next) {
        done_if_end:
            if (!next_char(&it, &ch, &esc))
                break;
        }
    }
done:
    *out = res;
    return MN_OK;
}

/* A reversible form: a format with %(name)s placeholders (and %% for a
 * percent sign), and its parameter names in order. */
typedef struct form {
    mn_buf text;
    const char **params;
    size_t nparams;
} form;

typedef struct formvec {
    form *items;
    size_t n;
} formvec;

#define MAX_FORMS 64

static int form_copy(mn_arena *a, const form *src, form *dst)
{
    mn_buf_init(&dst->text, a, 0);
    mn_buf_put_str(&dst->text, mn_buf_str(&src->text));
    dst->nparams = src->nparams;
    dst->params = mn_arena_memdup(a, src->params, (src->nparams + 1) * sizeof(char *));
    return mn_buf_error(&dst->text) || !dst->params ? MN_ENOMEM : MN_OK;
}

static int form_add_param(mn_arena *a, form *f, const char *name)
{
    const char **p = mn_arena_realloc(a, f->params, (f->nparams + 1) * sizeof(char *), (f->nparams + 2) * sizeof(char *));
    if (!p)
        return MN_ENOMEM;
    p[f->nparams++] = name;
    f->params = p;
    return mn_buf_printf(&f->text, "%%(%s)s", name);
}

/* Appends every form of seq to each form of *forms (cartesian product). */
static int flatten(mn_arena *a, el **seq, size_t n, formvec *forms)
{
    for (size_t i = 0; i < n; i++) {
        el *e = seq[i];
        if (e->kind == EL_CHAR) {
            for (size_t k = 0; k < forms->n; k++) {
                if (e->ch == '%')
                    mn_buf_puts(&forms->items[k].text, "%%");
                else
                    mn_buf_putc(&forms->items[k].text, e->ch);
            }
        } else if (e->kind == EL_GROUP) {
            for (size_t k = 0; k < forms->n; k++)
                if (form_add_param(a, &forms->items[k], e->name))
                    return MN_ENOMEM;
        } else if (e->kind == EL_NONCAP) {
            int rc = flatten(a, e->kids, e->nkids, forms);
            if (rc)
                return rc;
        } else { /* EL_CHOICE: without the element, then with it */
            /* The "with" forms are built in their own array: a choice
             * nested inside may grow (move) it. */
            size_t n0 = forms->n;
            formvec with = { mn_arena_alloc(a, n0 * sizeof(form)), n0 };
            if (!with.items)
                return MN_ENOMEM;
            for (size_t k = 0; k < n0; k++)
                if (form_copy(a, &forms->items[k], &with.items[k]))
                    return MN_ENOMEM;
            int rc = flatten(a, e->kids, 1, &with);
            if (rc)
                return rc;
            size_t add = with.n;
            if (n0 + add > MAX_FORMS)
                add = MAX_FORMS - n0;
            form *items = mn_arena_realloc(a, forms->items, n0 * sizeof(form), (n0 + add) * sizeof(form));
            if (!items)
                return MN_ENOMEM;
            if (add)
                memcpy(items + n0, with.items, add * sizeof(form));
            forms->items = items;
            forms->n = n0 + add;
        }
    }
    return MN_OK;
}

static int normalize(mn_arena *a, const char *pattern, formvec *out)
{
    out->items = mn_arena_calloc(a, 1, sizeof(form));
    if (!out->items)
        return MN_ENOMEM;
    out->n = 1;
    mn_buf_init(&out->items[0].text, a, 0);
    out->items[0].params = mn_arena_calloc(a, 1, sizeof(char *));
    elvec seq;
    int rc = parse_regex(a, pattern, &seq);
    if (rc == MN_ENOTFOUND) /* alternation: Django reverses to '' */
        return MN_OK;
    if (rc)
        return rc;
    return flatten(a, seq.items, seq.n, out);
}

/* ---- reverse tables ---- */

typedef struct rev_entry {
    const char *name;
    const char *pattern; /* joined from the root, as Django lists it */
    pcre2_code *check;   /* ^/ + pattern */
    formvec forms;
    const char **conv_names;
    const mn_url_converter **convs;
    size_t nconv;
} rev_entry;

typedef struct ns_entry {
    const char *ns;
    mn_rev_scope *child;
} ns_entry;

typedef struct app_entry {
    const char *app;
    const char **nss;
    size_t n;
} app_entry;

struct mn_rev_scope {
    const char *prefix; /* regex text from the root to this namespace */
    rev_entry *entries;
    size_t n, cap;
    ns_entry *nss;
    size_t nns, capns;
    app_entry *apps;
    size_t napps, capapps;
};

typedef struct convchain {
    const char **names;
    const mn_url_converter **convs;
    size_t n;
} convchain;

static void free_code(void *p) { pcre2_code_free(p); }

static const char *strip_caret(const char *s) { return s[0] == '^' ? s + 1 : s; }

#define GROW(a, arr, n, cap)                                                                    \
    do {                                                                                        \
        if ((n) == (cap)) {                                                                     \
            size_t nc = (cap) ? (cap) * 2 : 8;                                                  \
            void *p_ = mn_arena_realloc((a), (arr), (cap) * sizeof *(arr), nc * sizeof *(arr)); \
            if (!p_)                                                                            \
                return MN_ENOMEM;                                                               \
            (arr) = p_;                                                                         \
            (cap) = nc;                                                                         \
        }                                                                                       \
    } while (0)

static int add_entry(mn_resolver *r, mn_rev_scope *sc, const mn_node *node, const char *rel, convchain ch, mn_err *err)
{
    mn_arena *a = r->arena;
    GROW(a, sc->entries, sc->n, sc->cap);
    rev_entry *e = &sc->entries[sc->n];
    memset(e, 0, sizeof *e);
    e->name = node->pat->name;
    e->pattern = mn_arena_sprintf(a, "%s%s%s", sc->prefix, rel, strip_caret(node->regex_text));
    if (!e->pattern)
        return MN_ENOMEM;
    int rc = normalize(a, e->pattern, &e->forms);
    if (rc == MN_EINVAL)
        return mn_err_set(err, MN_EINVAL, "URL pattern '%s' has a non-reversible part", node->regex_text);
    if (rc)
        return rc;
    /* The check regex, ^/ + the pattern in PCRE2's syntax. */
    const char *check = mn__python_to_pcre(a, e->pattern);
    const char *pat = check ? mn_arena_sprintf(a, "^/%s", check) : NULL;
    if (!pat)
        return MN_ENOMEM;
    int ec;
    PCRE2_SIZE eo;
    e->check = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    if (!e->check)
        return mn_err_set(err, MN_EINVAL, "URL pattern '%s' cannot be reversed", e->pattern);
    if (mn_arena_on_cleanup(a, free_code, e->check)) {
        pcre2_code_free(e->check);
        return MN_ENOMEM;
    }
    size_t nconv = ch.n + node->nconv;
    e->conv_names = mn_arena_alloc(a, (nconv + 1) * sizeof(char *));
    e->convs = mn_arena_alloc(a, (nconv + 1) * sizeof(mn_url_converter *));
    if (!e->conv_names || !e->convs)
        return MN_ENOMEM;
    /* The endpoint's own converters come first so they win lookups. */
    for (size_t i = 0; i < node->nconv; i++) {
        e->conv_names[i] = node->conv_names[i];
        e->convs[i] = node->convs[i];
    }
    for (size_t i = 0; i < ch.n; i++) {
        e->conv_names[node->nconv + i] = ch.names[i];
        e->convs[node->nconv + i] = ch.convs[i];
    }
    e->nconv = nconv;
    sc->n++;
    return MN_OK;
}

static convchain chain_extend(mn_arena *a, convchain ch, const mn_node *node)
{
    convchain out = ch;
    if (!node->nconv)
        return out;
    out.names = mn_arena_alloc(a, (ch.n + node->nconv) * sizeof(char *));
    out.convs = mn_arena_alloc(a, (ch.n + node->nconv) * sizeof(mn_url_converter *));
    if (!out.names || !out.convs) {
        out.n = (size_t)-1;
        return out;
    }
    for (size_t i = 0; i < node->nconv; i++) {
        out.names[i] = node->conv_names[i];
        out.convs[i] = node->convs[i];
    }
    for (size_t i = 0; i < ch.n; i++) {
        out.names[node->nconv + i] = ch.names[i];
        out.convs[node->nconv + i] = ch.convs[i];
    }
    out.n = ch.n + node->nconv;
    return out;
}

static mn_rev_scope *new_scope(mn_arena *a, const char *prefix)
{
    mn_rev_scope *s = mn_arena_calloc(a, 1, sizeof *s);
    if (s)
        s->prefix = prefix;
    return s;
}

static int set_namespace(mn_arena *a, mn_rev_scope *sc, const char *ns, mn_rev_scope *child)
{
    for (size_t i = 0; i < sc->nns; i++) {
        if (!strcmp(sc->nss[i].ns, ns)) {
            sc->nss[i].child = child;
            return MN_OK;
        }
    }
    GROW(a, sc->nss, sc->nns, sc->capns);
    sc->nss[sc->nns].ns = ns;
    sc->nss[sc->nns].child = child;
    sc->nns++;
    return MN_OK;
}

static int add_app(mn_arena *a, mn_rev_scope *sc, const char *app, const char *ns)
{
    app_entry *e = NULL;
    for (size_t i = 0; i < sc->napps; i++)
        if (!strcmp(sc->apps[i].app, app))
            e = &sc->apps[i];
    if (!e) {
        GROW(a, sc->apps, sc->napps, sc->capapps);
        e = &sc->apps[sc->napps++];
        memset(e, 0, sizeof *e);
        e->app = app;
    }
    const char **nss = mn_arena_realloc(a, e->nss, e->n * sizeof(char *), (e->n + 1) * sizeof(char *));
    if (!nss)
        return MN_ENOMEM;
    nss[e->n++] = ns;
    e->nss = nss;
    return MN_OK;
}

static int build_scope(mn_resolver *r, const mn_level *lv, mn_rev_scope *sc, const char *rel, convchain ch, mn_err *err)
{
    mn_arena *a = r->arena;
    for (size_t k = lv->n; k-- > 0;) {
        const mn_node *node = &lv->nodes[k];
        int rc;
        if (node->pat->kind != MN_URL_INCLUDE) {
            if (node->pat->name && (rc = add_entry(r, sc, node, rel, ch, err)))
                return rc;
            continue;
        }
        convchain sub = chain_extend(a, ch, node);
        if (sub.n == (size_t)-1)
            return MN_ENOMEM;
        const char *p_pattern = strip_caret(node->regex_text);
        if (node->app_name) {
            mn_rev_scope *child = new_scope(a, mn_arena_sprintf(a, "%s%s%s", sc->prefix, rel, p_pattern));
            if (!child || !child->prefix)
                return MN_ENOMEM;
            if ((rc = build_scope(r, node->sub, child, "", sub, err)) || (rc = set_namespace(a, sc, node->namespace, child)) ||
                (rc = add_app(a, sc, node->app_name, node->namespace)))
                return rc;
        } else {
            const char *nrel = mn_arena_sprintf(a, "%s%s", rel, p_pattern);
            if (!nrel)
                return MN_ENOMEM;
            if ((rc = build_scope(r, node->sub, sc, nrel, sub, err)))
                return rc;
        }
    }
    return MN_OK;
}

int mn__reverse_build(mn_resolver *r, mn_err *err)
{
    r->rev_root = new_scope(r->arena, "");
    if (!r->rev_root)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    convchain none = { 0 };
    int rc = build_scope(r, &r->root, r->rev_root, "", none, err);
    if (rc && err && !err->code)
        mn_err_set(err, rc, "building the reverse URL tables: %s", mn_strerror(rc));
    return rc;
}

/* ---- reverse ---- */

static const mn_url_converter *entry_conv(const rev_entry *e, mn_str name)
{
    for (size_t i = 0; i < e->nconv; i++)
        if (mn_str_eq_cstr(name, e->conv_names[i]))
            return e->convs[i];
    return NULL;
}

/* Python's quote(url, safe="!$&'()*+,;=/~:@"). */
static int quote_url(mn_buf *out, mn_str s)
{
    static const char safe[] = "!$&'()*+,;=/~:@_.-";
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr(safe, c)))
            mn_buf_putc(out, (char)c);
        else
            mn_buf_printf(out, "%%%02X", c);
    }
    return mn_buf_error(out);
}

/* Substitutes %(name)s placeholders of a form with texts; %% becomes %. */
static int substitute(const form *f, const mn_str *texts, mn_buf *out)
{
    mn_str t = mn_buf_str(&f->text);
    size_t pi = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.ptr[i] != '%') {
            mn_buf_putc(out, t.ptr[i]);
            continue;
        }
        if (i + 1 < t.len && t.ptr[i + 1] == '%') {
            mn_buf_putc(out, '%');
            i++;
            continue;
        }
        /* %(name)s: parameters appear in the order of f->params */
        ptrdiff_t close = mn_str_find(t, MN_STR(")s"), i);
        if (close < 0 || pi >= f->nparams)
            return MN_EINVAL;
        mn_buf_put_str(out, texts[pi++]);
        i = (size_t)close + 1;
    }
    return mn_buf_error(out);
}

static ptrdiff_t param_index(const form *f, mn_str name)
{
    for (size_t i = 0; i < f->nparams; i++)
        if (mn_str_eq_cstr(name, f->params[i]))
            return (ptrdiff_t)i;
    return -1;
}

static int to_text(const rev_entry *e, mn_str param, mn_value v, mn_arena *a, mn_str *out)
{
    const mn_url_converter *c = entry_conv(e, param);
    if (c && c->to_url)
        return c->to_url(v, a, out);
    int err;
    *out = mn_value_as_str(v, a, &err);
    return err;
}

static int try_entry(const mn_resolver *r, const rev_entry *e, const mn_list *args, const mn_map *kwargs, mn_arena *a, mn_str *out)
{
    size_t nargs = mn_list_len(args), nkw = mn_map_len(kwargs);
    for (size_t fi = 0; fi < e->forms.n; fi++) {
        const form *f = &e->forms.items[fi];
        mn_str *texts = mn_arena_calloc(a, f->nparams + 1, sizeof(mn_str));
        if (!texts)
            return MN_ENOMEM;
        bool ok = true;
        /* A group repeated by a quantifier ({2}) names the same parameter
         * more than once: every occurrence gets the same text. */
        size_t distinct = 0;
        for (size_t j = 0; j < f->nparams; j++)
            distinct += param_index(f, mn_str_from(f->params[j])) == (ptrdiff_t)j;
        if (nargs) {
            /* Django: dict(zip(params, args)), so the last argument given
             * for a repeated name wins. */
            if (nargs != f->nparams)
                continue;
            for (size_t i = 0; i < nargs && ok; i++)
                ok = to_text(e, mn_str_from(f->params[i]), mn_list_get(args, i), a, &texts[i]) == MN_OK;
            for (size_t j = 0; j < f->nparams && ok; j++)
                for (size_t i = j + 1; i < f->nparams; i++)
                    if (!strcmp(f->params[i], f->params[j]))
                        texts[j] = texts[i];
        } else {
            if (nkw != distinct)
                continue;
            for (size_t i = 0; i < nkw && ok; i++) {
                mn_str key = mn_map_key_at(kwargs, i);
                ptrdiff_t pi = param_index(f, key);
                ok = pi >= 0 && to_text(e, key, mn_map_value_at(kwargs, i), a, &texts[pi]) == MN_OK;
                for (size_t j = (size_t)pi + 1; ok && j < f->nparams; j++)
                    if (mn_str_eq_cstr(key, f->params[j]))
                        texts[j] = texts[pi];
            }
        }
        if (!ok)
            continue;
        mn_buf cand;
        mn_buf_init(&cand, a, 0);
        mn_buf_putc(&cand, '/');
        if (substitute(f, texts, &cand))
            continue;
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(e->check, NULL);
        if (!md)
            return MN_ENOMEM;
        mn_str c = mn_buf_str(&cand);
        int rc = pcre2_match(e->check, (PCRE2_SPTR)c.ptr, c.len, 0, 0, md, r->mctx);
        pcre2_match_data_free(md);
        if (rc < 0) {
            if (rc != PCRE2_ERROR_NOMATCH)
                mn__urls_log_match_failure(rc, NULL, c);
            continue;
        }
        mn_buf url;
        mn_buf_init(&url, a, 0);
        quote_url(&url, c);
        mn_str u = mn_buf_str(&url);
        /* Never build a scheme-relative URL ("//evil.example"). */
        if (u.len >= 2 && u.ptr[0] == '/' && u.ptr[1] == '/') {
            mn_buf fixed;
            mn_buf_init(&fixed, a, 0);
            mn_buf_puts(&fixed, "/%2F");
            mn_buf_put_str(&fixed, mn_str_slice(u, 2, u.len));
            u = mn_buf_str(&fixed);
        }
        if (mn_buf_error(&url))
            return MN_ENOMEM;
        *out = u;
        return MN_OK;
    }
    return MN_ENOTFOUND;
}

static void put_pattern_list(mn_buf *b, const mn_rev_scope *sc, const char *view, size_t *count)
{
    mn_buf_putc(b, '[');
    size_t n = 0;
    for (size_t i = 0; i < sc->n; i++) {
        if (strcmp(sc->entries[i].name, view))
            continue;
        if (n++)
            mn_buf_puts(b, ", ");
        mn_value_repr(mn_value_cstr(sc->entries[i].pattern), b);
    }
    mn_buf_putc(b, ']');
    *count = n;
}

int mn_reverse(const mn_resolver *r, const char *viewname, const mn_list *args, const mn_map *kwargs,
               const char *current_app, mn_arena *arena, mn_str *out, mn_err *err)
{
    if (mn_list_len(args) && mn_map_len(kwargs))
        return mn_err_set(err, MN_EINVAL, "Don't mix *args and **kwargs in call to reverse()!");
    if (!viewname)
        return mn_err_set(err, MN_EINVAL, "reverse() needs a view name");
    /* Split "ns1:ns2:name". */
    const char *parts[32];
    size_t nparts = 0;
    char *copy = mn_arena_strdup(arena, viewname);
    const char *cur_parts[32];
    size_t ncur = 0;
    char *cur_copy = current_app ? mn_arena_strdup(arena, current_app) : NULL;
    if (!copy || (current_app && !cur_copy))
        return MN_ENOMEM;
    for (char *s = copy, *tok; (tok = strsep(&s, ":"));) {
        if (nparts == 32)
            return mn_err_set(err, MN_ELIMIT, "view name '%s' has too many namespaces", viewname);
        parts[nparts++] = tok;
    }
    if (cur_copy)
        for (char *s = cur_copy, *tok; (tok = strsep(&s, ":")) && ncur < 32;)
            cur_parts[ncur++] = tok;
    const char *view = parts[nparts - 1];
    const mn_rev_scope *sc = r->rev_root;
    size_t cur_pos = 0;
    bool use_current = current_app != NULL;
    mn_buf resolved;
    mn_buf_init(&resolved, arena, 0);
    for (size_t i = 0; i + 1 < nparts; i++) {
        const char *ns = parts[i];
        const char *current_ns = (use_current && cur_pos < ncur) ? cur_parts[cur_pos++] : NULL;
        for (size_t k = 0; k < sc->napps; k++) {
            const app_entry *ap = &sc->apps[k];
            if (strcmp(ap->app, ns))
                continue;
            bool cur_in = false, ns_in = false;
            for (size_t j = 0; j < ap->n; j++) {
                cur_in |= current_ns && !strcmp(ap->nss[j], current_ns);
                ns_in |= !strcmp(ap->nss[j], ns);
            }
            if (cur_in)
                ns = current_ns;
            else if (!ns_in)
                ns = ap->nss[0];
            break;
        }
        if (!current_ns || strcmp(ns, current_ns))
            use_current = false;
        const mn_rev_scope *child = NULL;
        for (size_t k = 0; k < sc->nns; k++)
            if (!strcmp(sc->nss[k].ns, ns))
                child = sc->nss[k].child;
        if (!child) {
            if (resolved.len)
                return mn_err_set(err, MN_ENOTFOUND, "'%s' is not a registered namespace inside '%s'", ns,
                                  mn_buf_cstr(&resolved));
            return mn_err_set(err, MN_ENOTFOUND, "'%s' is not a registered namespace", ns);
        }
        if (resolved.len)
            mn_buf_putc(&resolved, ':');
        mn_buf_puts(&resolved, ns);
        sc = child;
    }
    for (size_t i = 0; i < sc->n; i++) {
        if (strcmp(sc->entries[i].name, view))
            continue;
        int rc = try_entry(r, &sc->entries[i], args, kwargs, arena, out);
        if (rc != MN_ENOTFOUND)
            return rc;
    }
    mn_buf msg;
    mn_buf_init(&msg, arena, 0);
    size_t count = 0;
    mn_buf list;
    mn_buf_init(&list, arena, 0);
    put_pattern_list(&list, sc, view, &count);
    if (!count)
        return mn_err_set(err, MN_ENOTFOUND, "Reverse for '%s' not found. '%s' is not a valid view function or pattern name.",
                          view, view);
    if (mn_list_len(args)) {
        mn_buf_puts(&msg, "arguments '(");
        for (size_t i = 0; i < mn_list_len(args); i++) {
            if (i)
                mn_buf_puts(&msg, ", ");
            mn_value_repr(mn_list_get(args, i), &msg);
        }
        mn_buf_puts(&msg, mn_list_len(args) == 1 ? ",)'" : ")'");
    } else if (mn_map_len(kwargs)) {
        mn_buf_puts(&msg, "keyword arguments '");
        mn_value_repr(mn_value_map((mn_map *)kwargs), &msg);
        mn_buf_putc(&msg, '\'');
    } else {
        mn_buf_puts(&msg, "no arguments");
    }
    return mn_err_set(err, MN_ENOTFOUND, "Reverse for '%s' with %s not found. %zu pattern(s) tried: %s", view,
                      mn_buf_cstr(&msg), count, mn_buf_cstr(&list));
}
