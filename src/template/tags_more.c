/* Built-in tags that talk to other subsystems (url, cache), lorem, debug,
 * and the nodes of C-registered simple and inclusion tags. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "manouche/urls.h"

#define OOM(err) (mn_err_set((err), MN_ENOMEM, "out of memory"), (mn_template_node *)NULL)

static bool is_w(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* Arguments of url / simple tags: positional and key=value bits. */
typedef struct arglist {
    mn_template_fexpr **args;
    size_t nargs;
    mn_str *keys;
    mn_template_fexpr **kwvals;
    size_t nkw;
    mn_str asvar;
} arglist;

static int parse_args(mn_template_parser *p, mn_str *bits, size_t n, arglist *al, const char *tag, bool url,
                      mn_err *err)
{
    if (n >= 2 && mn_str_eq_cstr(bits[n - 2], "as")) {
        al->asvar = bits[n - 1];
        n -= 2;
    }
    al->args = mn_arena_alloc(p->arena, (n + 1) * sizeof *al->args);
    al->kwvals = mn_arena_alloc(p->arena, (n + 1) * sizeof *al->kwvals);
    al->keys = mn_arena_alloc(p->arena, (n + 1) * sizeof *al->keys);
    if (!al->args || !al->kwvals || !al->keys)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        mn_str b = bits[i];
        size_t k = 0;
        while (k < b.len && is_w(b.ptr[k]))
            k++;
        if (k > 0 && k + 1 < b.len && b.ptr[k] == '=') {
            mn_template_fexpr *fe = mn_template_parser_compile_filter(p, mn_str_slice(b, k + 1, b.len), err);
            if (!fe)
                return MN_EPARSE;
            al->keys[al->nkw] = mn_str_make(b.ptr, k);
            al->kwvals[al->nkw++] = fe;
        } else {
            if (al->nkw && !url)
                return mn_template_parser_error(p, err,
                                                "'%s' received some positional argument(s) after some keyword "
                                                "argument(s)",
                                                tag);
            mn_template_fexpr *fe = mn_template_parser_compile_filter(p, b, err);
            if (!fe)
                return MN_EPARSE;
            al->args[al->nargs++] = fe;
        }
    }
    return MN_OK;
}

static int resolve_args(mn_template_context *ctx, const arglist *al, mn_value **args, mn_map **kw, mn_err *err)
{
    *args = mn_arena_alloc(ctx->arena, (al->nargs + 1) * sizeof **args);
    *kw = mn_map_new(ctx->arena, al->nkw);
    if (!*args || !*kw)
        return MN_ENOMEM;
    for (size_t i = 0; i < al->nargs; i++) {
        int rc = mn_template_fexpr_resolve(al->args[i], ctx, false, &(*args)[i], err);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < al->nkw; i++) {
        mn_value v;
        int rc = mn_template_fexpr_resolve(al->kwvals[i], ctx, false, &v, err);
        if (rc)
            return rc;
        if (mn_map_set(*kw, al->keys[i], v))
            return MN_ENOMEM;
    }
    return MN_OK;
}

/* ---- simple and inclusion tags ---- */

typedef struct simple_node {
    const mn__tag_def *def;
    arglist al;
} simple_node;

static int simple_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const simple_node *sn = data;
    mn_value *args;
    mn_map *kw;
    int rc = resolve_args(ctx, &sn->al, &args, &kw, err);
    if (rc)
        return rc;
    mn_err e2 = { 0 };
    if (sn->def->kind == TAG_SIMPLE) {
        mn_value v = mn_value_null();
        rc = sn->def->simple(ctx, args, sn->al.nargs, kw, &v, &e2);
        if (rc)
            return mn__tpl_render_error(ctx, err, rc, NULL, "%s", e2.code ? e2.msg : mn_strerror(rc));
        if (sn->al.asvar.len)
            return mn_template_context_set_str(ctx, sn->al.asvar, v);
        return mn_template_render_value(ctx, v, out);
    }
    mn_map *vars = mn_map_new(ctx->arena, 8);
    if (!vars)
        return MN_ENOMEM;
    rc = sn->def->inclusion(ctx, args, sn->al.nargs, kw, vars, &e2);
    if (rc)
        return mn__tpl_render_error(ctx, err, rc, NULL, "%s", e2.code ? e2.msg : mn_strerror(rc));
    mn_value *csrf = mn_template_context_find(ctx, MN_STR("csrf_token"));
    if (csrf && mn_map_set_cstr(vars, "csrf_token", *csrf))
        return MN_ENOMEM;
    const mn_template *t = mn__tpl_get_for(ctx, mn_value_cstr(sn->def->template_name), err);
    if (!t)
        return err && err->code ? err->code : MN_ENOTFOUND;
    mn_template_context sub = *ctx;
    sub.cap = 4;
    sub.scopes = mn_arena_calloc(ctx->arena, sub.cap, sizeof *sub.scopes);
    if (!sub.scopes)
        return MN_ENOMEM;
    sub.scopes[0] = vars;
    sub.nscopes = 1;
    rc = mn__tpl_render_template(t, &sub, out, err, true);
    ctx->steps = sub.steps;
    return rc;
}

mn_template_node *mn__tpl_simple_compile(mn_template_parser *p, const mn__tag_def *def, mn_str contents,
                                         mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    simple_node *sn = mn_arena_calloc(p->arena, 1, sizeof *sn);
    if (!sn)
        return OOM(err);
    sn->def = def;
    size_t n = (size_t)nb - 1;
    mn_str *b = bits + 1;
    if (def->kind == TAG_INCLUSION && n >= 2 && mn_str_eq_cstr(b[n - 2], "as")) {
        /* inclusion tags have no `as`: keep the bits as arguments */
        if (parse_args(p, b, 0, &sn->al, def->name, false, err))
            return NULL;
    }
    if (parse_args(p, b, n, &sn->al, def->name, false, err))
        return NULL;
    if (def->kind == TAG_INCLUSION && sn->al.asvar.len)
        return (mn_template_parser_error(p, err, "'%s' received too many positional arguments", def->name),
                (mn_template_node *)NULL);
    return mn__tpl_node(p, NODE_CALL, simple_render, sn);
}

/* ---- url ---- */

typedef struct url_node {
    mn_template_fexpr *view;
    arglist al;
} url_node;

void mn_template_engine_set_url_resolver(mn_template_engine *e, mn_template_url_fn fn, void *udata)
{
    e->url_fn = fn;
    e->url_udata = udata;
}

int mn_template_url_reverse(void *resolver, mn_str name, const mn_value *args, size_t nargs, mn_map *kwargs,
                            mn_buf *out, mn_err *err)
{
    mn_arena *a = mn_arena_new("url reverse", 0);
    if (!a)
        return mn_err_set(err, MN_ENOMEM, "out of memory");
    int rc = MN_ENOMEM;
    mn_list *l = mn_list_new(a, nargs);
    char *view = mn_str_dup(a, name);
    if (l && view) {
        rc = MN_OK;
        for (size_t i = 0; i < nargs && !rc; i++)
            rc = mn_list_push(l, args[i]);
    }
    mn_str path;
    if (!rc) {
        rc = mn_reverse(resolver, view, nargs ? l : NULL, kwargs && mn_map_len(kwargs) ? kwargs : NULL, NULL, a,
                        &path, err);
        if (!rc)
            rc = mn_buf_put_str(out, path);
        else if (err && strncmp(err->msg, "NoReverseMatch", 14) != 0)
            mn_err_prefix(err, "NoReverseMatch: ");
    } else {
        mn_err_set(err, rc, "out of memory");
    }
    mn_arena_free(a);
    return rc;
}

static int url_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const url_node *u = data;
    mn_value *args;
    mn_map *kw;
    mn_value view;
    int rc = resolve_args(ctx, &u->al, &args, &kw, err);
    if (rc || (rc = mn_template_fexpr_resolve(u->view, ctx, false, &view, err)))
        return rc;
    mn_str name = mn__tpl_str(ctx, view);
    mn_buf url;
    mn_buf_init(&url, ctx->arena, 0);
    mn_err e2 = { 0 };
    if (ctx->engine->url_fn)
        rc = ctx->engine->url_fn(ctx->engine->url_udata, name, args, u->al.nargs, kw, &url, &e2);
    else
        rc = mn_err_set(&e2, MN_ENOTFOUND,
                        "NoReverseMatch: Reverse for '%.*s' not found. '%.*s' is not a valid view function or "
                        "pattern name.",
                        MN_STR_FMT(name), MN_STR_FMT(name));
    if (rc) {
        if (rc != MN_ENOTFOUND || !u->al.asvar.len)
            return mn__tpl_render_error(ctx, err, rc, NULL, "%s", e2.code ? e2.msg : mn_strerror(rc));
        mn_buf_reset(&url);
    }
    if (mn_buf_error(&url))
        return mn_buf_error(&url);
    mn_str s = mn_buf_str(&url);
    if (u->al.asvar.len)
        return mn_template_context_set_str(ctx, u->al.asvar, mn_value_str(s));
    return mn_template_render_value(ctx, mn_value_str(s), out);
}

static mn_template_node *do_url(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 2)
        return (mn_template_parser_error(p, err, "'%.*s' takes at least one argument, a URL pattern name.",
                                         MN_STR_FMT(bits[0])),
                (mn_template_node *)NULL);
    url_node *u = mn_arena_calloc(p->arena, 1, sizeof *u);
    if (!u || !(u->view = mn_template_parser_compile_filter(p, bits[1], err)))
        return u ? NULL : OOM(err);
    if (parse_args(p, bits + 2, (size_t)nb - 2, &u->al, "url", true, err))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, url_render, u);
}

/* ---- cache ---- */

typedef struct cache_node {
    mn_template_fexpr *timeout;
    mn_str fragment;
    mn_template_fexpr **vary;
    size_t nvary;
    mn_template_fexpr *using; /* using="alias", or NULL */
    mn_template_nodelist *body;
} cache_node;

void mn_template_engine_set_cache(mn_template_engine *e, mn_template_cache_get_fn get, mn_template_cache_set_fn set,
                                  void *udata)
{
    e->cache_get = get;
    e->cache_set = set;
    e->cache_udata = udata;
}

void mn_template_engine_set_cache_using(mn_template_engine *e, mn_template_cache_get_using_fn get,
                                        mn_template_cache_set_using_fn set, void *udata)
{
    e->cache_get_using = get;
    e->cache_set_using = set;
    e->cache_using_udata = udata;
}

static int cache_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const cache_node *c = data;
    mn_value tv;
    int rc = mn_template_fexpr_resolve(c->timeout, ctx, false, &tv, err);
    if (rc)
        return rc;
    int64_t timeout = MN_TEMPLATE_CACHE_FOREVER;
    if (tv.type != MN_VALUE_NULL && mn_value_to_i64(tv, &timeout)) {
        mn_buf b;
        mn_buf_init(&b, ctx->arena, 0);
        mn_value_repr(tv, &b);
        return mn__tpl_render_error(ctx, err, MN_EINVAL, "TemplateSyntaxError",
                                    "\"cache\" tag got a non-integer timeout value: %s", mn_buf_cstr(&b));
    }
    mn_template_engine *e = ctx->engine;
    mn_template_cache_get_fn get = e->cache_get;
    mn_template_cache_set_fn set = e->cache_set;
    void *udata = e->cache_udata;
    if (!get || !set) {
        get = mn__fragcache_get;
        set = mn__fragcache_set;
        udata = e->frag;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return MN_ENOMEM;
    EVP_DigestInit_ex(md, EVP_md5(), NULL);
    for (size_t i = 0; i < c->nvary; i++) {
        mn_value v;
        if ((rc = mn_template_fexpr_resolve(c->vary[i], ctx, false, &v, err))) {
            EVP_MD_CTX_free(md);
            return rc;
        }
        mn_str s = mn__tpl_str(ctx, v);
        EVP_DigestUpdate(md, s.ptr, s.len);
        EVP_DigestUpdate(md, ":", 1);
    }
    unsigned char dig[16];
    unsigned int dl = 0;
    EVP_DigestFinal_ex(md, dig, &dl);
    EVP_MD_CTX_free(md);
    char hex[33];
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", dig[i]);
    char *key = mn_arena_sprintf(ctx->arena, "template.cache.%.*s.%s", MN_STR_FMT(c->fragment), hex);
    if (!key)
        return MN_ENOMEM;
    const char *alias = NULL;
    if (c->using) {
        mn_value av;
        if ((rc = mn_template_fexpr_resolve(c->using, ctx, false, &av, err)))
            return rc;
        mn_str as = mn__tpl_str(ctx, av);
        if (!(alias = mn_arena_strndup(ctx->arena, as.ptr, as.len)))
            return MN_ENOMEM;
    }
    bool using = e->cache_get_using && e->cache_set_using;
    mn_str cached;
    rc = using ? e->cache_get_using(e->cache_using_udata, alias, mn_str_from(key), ctx->arena, &cached)
               : get(udata, mn_str_from(key), ctx->arena, &cached);
    if (rc == MN_OK)
        return mn_buf_put_str(out, cached);
    if (rc == MN_EINVAL && alias)
        return mn__tpl_render_error(ctx, err, MN_EINVAL, "TemplateSyntaxError",
                                    "Invalid cache name specified for cache tag: '%s'", alias);
    size_t start = out->len;
    if ((rc = mn_template_nodelist_render(c->body, ctx, out, err)))
        return rc;
    /* an empty body into a still-empty buffer leaves out->data NULL */
    mn_str body = out->data ? mn_str_make(out->data + start, out->len - start) : MN_STR_EMPTY;
    if (using)
        e->cache_set_using(e->cache_using_udata, alias, mn_str_from(key), body, timeout);
    else
        set(udata, mn_str_from(key), body, timeout);
    return MN_OK;
}

static mn_template_node *do_cache(mn_template_parser *p, mn_str contents, mn_err *err)
{
    cache_node *c = mn_arena_calloc(p->arena, 1, sizeof *c);
    if (!c)
        return OOM(err);
    static const char *const ends[] = { "endcache" };
    if (!(c->body = mn__tpl_parse(p, ends, 1, err)))
        return NULL;
    mn_template_parser_skip(p);
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    if (nb < 3)
        return (mn_template_parser_error(p, err, "''%.*s'' tag requires at least 2 arguments.", MN_STR_FMT(bits[0])),
                (mn_template_node *)NULL);
    if (nb > 3 && mn_str_starts_with(bits[nb - 1], MN_STR("using="))) {
        mn_str u = mn_str_slice(bits[nb - 1], 6, bits[nb - 1].len);
        if (!(c->using = mn_template_parser_compile_filter(p, u, err)))
            return NULL;
        nb--;
    }
    if (!(c->timeout = mn_template_parser_compile_filter(p, bits[1], err)))
        return NULL;
    c->fragment = bits[2];
    c->vary = mn_arena_alloc(p->arena, (size_t)nb * sizeof *c->vary);
    if (!c->vary)
        return OOM(err);
    for (int i = 3; i < nb; i++)
        if (!(c->vary[c->nvary++] = mn_template_parser_compile_filter(p, bits[i], err)))
            return NULL;
    return mn__tpl_node(p, NODE_CALL, cache_render, c);
}

/* ---- lorem ---- */

static const char COMMON_P[] =
    "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore "
    "magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
    "consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla "
    "pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est "
    "laborum.";

static const char *const COMMON_WORDS[] = { "lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
                                            "adipisicing", "elit", "sed", "do", "eiusmod", "tempor",
                                            "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua" };

static const char *const WORDS[] = {
    "exercitationem", "perferendis", "perspiciatis", "laborum", "eveniet", "sunt", "iure", "nam", "nobis", "eum",
    "cum", "officiis", "excepturi", "odio", "consectetur", "quasi", "aut", "quisquam", "vel", "eligendi", "itaque",
    "non", "odit", "tempore", "quaerat", "dignissimos", "facilis", "neque", "nihil", "expedita", "vitae", "vero",
    "ipsum", "nisi", "animi", "cumque", "pariatur", "velit", "modi", "natus", "iusto", "eaque", "sequi", "illo",
    "sed", "ex", "et", "voluptatibus", "tempora", "veritatis", "ratione", "assumenda", "incidunt", "nostrum",
    "placeat", "aliquid", "fuga", "provident", "praesentium", "rem", "necessitatibus", "suscipit", "adipisci",
    "quidem", "possimus", "voluptas", "debitis", "sint", "accusantium", "unde", "sapiente", "voluptate", "qui",
    "aspernatur", "laudantium", "soluta", "amet", "quo", "aliquam", "saepe", "culpa", "libero", "ipsa", "dicta",
    "reiciendis", "nesciunt", "doloribus", "autem", "impedit", "minima", "maiores", "repudiandae", "ipsam",
    "obcaecati", "ullam", "enim", "totam", "delectus", "ducimus", "quis", "voluptates", "dolores", "molestiae",
    "harum", "dolorem", "quia", "voluptatem", "molestias", "magni", "distinctio", "omnis", "illum", "dolorum",
    "voluptatum", "ea", "quas", "quam", "corporis", "quae", "blanditiis", "atque", "deserunt", "laboriosam",
    "earum", "consequuntur", "hic", "cupiditate", "quibusdam", "accusamus", "ut", "rerum", "error", "minus", "eius",
    "ab", "ad", "nemo", "fugit", "officia", "at", "in", "id", "quos", "reprehenderit", "numquam", "iste", "fugiat",
    "sit", "inventore", "beatae", "repellendus", "magnam", "recusandae", "quod", "explicabo", "doloremque",
    "aperiam", "consequatur", "asperiores", "commodi", "optio", "dolor", "labore", "temporibus", "repellat",
    "veniam", "architecto", "est", "esse", "mollitia", "nulla", "a", "similique", "eos", "alias", "dolore",
    "tenetur", "deleniti", "porro", "facere", "maxime", "corrupti" };

#define NWORDS (sizeof WORDS / sizeof WORDS[0])

typedef struct lorem_node {
    mn_template_fexpr *count;
    char method; /* w, p, b */
    bool common;
} lorem_node;

static int rnd(int lo, int hi) { return lo + (int)(random() % (hi - lo + 1)); }

static void sentence(mn_buf *b)
{
    size_t start = b->len;
    int sections = rnd(1, 5);
    for (int s = 0; s < sections; s++) {
        if (s)
            mn_buf_puts(b, ", ");
        int n = rnd(3, 12);
        bool used[NWORDS] = { false };
        for (int i = 0; i < n; i++) {
            size_t w;
            do
                w = (size_t)random() % NWORDS;
            while (used[w]);
            used[w] = true;
            if (i)
                mn_buf_putc(b, ' ');
            mn_buf_puts(b, WORDS[w]);
        }
    }
    if (!mn_buf_error(b) && b->len > start && b->data[start] >= 'a' && b->data[start] <= 'z')
        b->data[start] = (char)(b->data[start] - 32);
    mn_buf_putc(b, random() % 2 ? '?' : '.');
}

static void paragraph(mn_buf *b)
{
    int n = rnd(1, 4);
    for (int i = 0; i < n; i++) {
        if (i)
            mn_buf_putc(b, ' ');
        sentence(b);
    }
}

static int lorem_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    const lorem_node *l = data;
    mn_value cv;
    int rc = mn_template_fexpr_resolve(l->count, ctx, false, &cv, err);
    if (rc)
        return rc;
    int64_t count;
    if (mn_value_to_i64(cv, &count))
        count = 1;
    if (count > 10000)
        count = 10000;
    if (l->method == 'w') {
        /* words(count, common) */
        int64_t n = count;
        int64_t k = 0;
        if (l->common) {
            for (; k < n && k < 19; k++) {
                if (k)
                    mn_buf_putc(out, ' ');
                mn_buf_puts(out, COMMON_WORDS[k]);
            }
        }
        while (k < n) {
            int64_t need = n - k;
            if (need > (int64_t)NWORDS)
                need = NWORDS;
            bool used[NWORDS] = { false };
            for (int64_t i = 0; i < need; i++, k++) {
                size_t w;
                do
                    w = (size_t)random() % NWORDS;
                while (used[w]);
                used[w] = true;
                if (k)
                    mn_buf_putc(out, ' ');
                mn_buf_puts(out, WORDS[w]);
            }
        }
        return mn_buf_error(out);
    }
    for (int64_t i = 0; i < count; i++) {
        if (i)
            mn_buf_puts(out, "\n\n");
        if (l->method == 'p')
            mn_buf_puts(out, "<p>");
        if (i == 0 && l->common)
            mn_buf_puts(out, COMMON_P);
        else
            paragraph(out);
        if (l->method == 'p')
            mn_buf_puts(out, "</p>");
    }
    return mn_buf_error(out);
}

static mn_template_node *do_lorem(mn_template_parser *p, mn_str contents, mn_err *err)
{
    mn_str *bits;
    int nb = mn_template_parser_split(p, contents, &bits);
    if (nb < 0)
        return OOM(err);
    lorem_node *l = mn_arena_calloc(p->arena, 1, sizeof *l);
    if (!l)
        return OOM(err);
    l->common = true;
    l->method = 'b';
    int n = nb - 1;
    mn_str *b = bits + 1;
    if (n && mn_str_eq_cstr(b[n - 1], "random")) {
        l->common = false;
        n--;
    }
    if (n && (mn_str_eq_cstr(b[n - 1], "w") || mn_str_eq_cstr(b[n - 1], "p") || mn_str_eq_cstr(b[n - 1], "b"))) {
        l->method = b[n - 1].ptr[0];
        n--;
    }
    if (n > 1)
        return (mn_template_parser_error(p, err, "Incorrect format for %.*s tag", MN_STR_FMT(bits[0])),
                (mn_template_node *)NULL);
    if (!(l->count = mn_template_parser_compile_filter(p, n ? b[0] : MN_STR("1"), err)))
        return NULL;
    return mn__tpl_node(p, NODE_CALL, lorem_render, l);
}

/* ---- debug ---- */

/* Python's pprint.pformat (width 80, dicts sorted) over template values:
 * maps as dicts, lists, strings split at spaces when too long, anything
 * else as its repr. A forloop shows as the dict Django keeps. */
typedef struct pp {
    mn_template_context *ctx;
    mn_buf *out;
} pp;

static size_t ulen(mn_str s)
{
    size_t n = 0;
    for (size_t i = 0; i < s.len; i++)
        n += ((unsigned char)s.ptr[i] & 0xc0) != 0x80;
    return n;
}

static mn_value pp_view(mn_template_context *ctx, mn_value v)
{
    const mn_type *t = v.type == MN_VALUE_OBJECT ? v.u.obj.type : NULL;
    if (!t || !t->name || strcmp(t->name, "forloop") != 0 || !t->get_attr)
        return v;
    static const char *const keys[] = { "parentloop", "counter0", "counter", "revcounter", "revcounter0", "first",
                                        "last" };
    mn_map *m = mn_map_new(ctx->arena, 7);
    if (!m)
        return v;
    for (size_t i = 0; i < 7; i++) {
        mn_value x;
        if (t->get_attr(v.u.obj.ptr, mn_str_from(keys[i]), ctx->arena, &x) || mn_map_set_cstr(m, keys[i], x))
            return v;
    }
    return mn_value_map(m);
}

static int key_cmp(mn_str a, mn_str b)
{
    int c = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

/* The entry indices of m in key order. */
static size_t *sorted_keys(mn_template_context *ctx, mn_map *m)
{
    size_t n = mn_map_len(m);
    size_t *ix = mn_arena_alloc(ctx->arena, (n ? n : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && key_cmp(mn_map_key_at(m, ix[j - 1]), mn_map_key_at(m, i)) > 0) {
            ix[j] = ix[j - 1];
            j--;
        }
        ix[j] = i;
    }
    return ix;
}

/* _safe_repr with sorted dicts. */
static int pp_repr(mn_template_context *ctx, mn_value v, mn_buf *b, int depth)
{
    if (depth > 100)
        return mn_buf_puts(b, "...");
    v = pp_view(ctx, v);
    if (v.type == MN_VALUE_MAP) {
        size_t n = mn_map_len(v.u.map), *ix = sorted_keys(ctx, v.u.map);
        if (!ix)
            return MN_ENOMEM;
        mn_buf_putc(b, '{');
        for (size_t i = 0; i < n; i++) {
            if (i)
                mn_buf_puts(b, ", ");
            mn_value_repr(mn_value_str(mn_map_key_at(v.u.map, ix[i])), b);
            mn_buf_puts(b, ": ");
            pp_repr(ctx, mn_map_value_at(v.u.map, ix[i]), b, depth + 1);
        }
        return mn_buf_putc(b, '}');
    }
    if (v.type == MN_VALUE_LIST) {
        mn_buf_putc(b, '[');
        for (size_t i = 0; i < mn_list_len(v.u.list); i++) {
            if (i)
                mn_buf_puts(b, ", ");
            pp_repr(ctx, mn_list_get(v.u.list, i), b, depth + 1);
        }
        return mn_buf_putc(b, ']');
    }
    if (v.type == MN_VALUE_STR) {
        mn_value plain = v;
        plain.flags = 0;
        return mn_value_repr(plain, b);
    }
    return mn_value_repr(v, b);
}

static mn_str pp_rep(pp *p, mn_value v)
{
    mn_buf b;
    mn_buf_init(&b, p->ctx->arena, 0);
    pp_repr(p->ctx, v, &b, 0);
    return mn_buf_str(&b);
}

static void pp_spaces(mn_buf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mn_buf_putc(out, ' ');
}

static void pp_format(pp *p, mn_value v, size_t indent, size_t allowance, int level);

/* str.splitlines(True): the length of the line starting at s. */
static size_t line_len(mn_str s)
{
    size_t i = 0;
    while (i < s.len) {
        size_t pos = i;
        uint32_t cp;
        if (mn_utf8_next(s, &pos, &cp))
            pos = i + 1, cp = 0xfffd;
        if (cp == '\r') {
            if (pos < s.len && s.ptr[pos] == '\n')
                pos++;
            return pos;
        }
        if (cp == '\n' || cp == 0x0b || cp == 0x0c || (cp >= 0x1c && cp <= 0x1e) || cp == 0x85 || cp == 0x2028 ||
            cp == 0x2029)
            return pos;
        i = pos;
    }
    return s.len;
}

/* The end of the next \S*\s* part of line from i. */
static size_t part_end(mn_str line, size_t i)
{
    bool in_space = false;
    while (i < line.len) {
        size_t pos = i;
        uint32_t cp;
        if (mn_utf8_next(line, &pos, &cp))
            pos = i + 1, cp = 0xfffd;
        bool sp = mn_unicode_isspace(cp);
        if (!sp && in_space)
            break;
        in_space |= sp;
        i = pos;
    }
    return i;
}

static void pp_str(pp *p, mn_str s, size_t indent, size_t allowance, int level)
{
    mn_buf *out = p->out;
    if (!s.len) {
        mn_buf_puts(out, "''");
        return;
    }
    mn_str chunks[256];
    size_t nchunks = 0;
    mn_str rep = MN_STR_EMPTY;
    if (level == 1) {
        indent++;
        allowance++;
    }
    size_t max_width = 80 > indent ? 80 - indent : 0, max_width1 = max_width;
    bool overflow = false;
    for (size_t at = 0; at < s.len && !overflow;) {
        size_t n = line_len(mn_str_slice(s, at, s.len));
        mn_str line = mn_str_slice(s, at, at + n);
        at += n;
        bool last_line = at >= s.len;
        rep = pp_rep(p, mn_value_str(line));
        if (last_line)
            max_width1 = max_width1 > allowance ? max_width1 - allowance : 0;
        if (ulen(rep) <= max_width1) {
            if (nchunks == 256) {
                overflow = true;
                break;
            }
            chunks[nchunks++] = rep;
            continue;
        }
        size_t max_width2 = max_width, cur_start = 0, cur_end = 0;
        for (size_t i = 0; i < line.len;) {
            size_t e = part_end(line, i);
            bool last_part = e >= line.len;
            if (last_part && last_line)
                max_width2 = max_width2 > allowance ? max_width2 - allowance : 0;
            mn_str cand = mn_str_slice(line, cur_start, e);
            if (ulen(pp_rep(p, mn_value_str(cand))) > max_width2) {
                if (cur_end > cur_start) {
                    if (nchunks == 256) {
                        overflow = true;
                        break;
                    }
                    chunks[nchunks++] = pp_rep(p, mn_value_str(mn_str_slice(line, cur_start, cur_end)));
                }
                cur_start = i;
            }
            cur_end = e;
            i = e;
        }
        if (!overflow && cur_end > cur_start) {
            if (nchunks == 256) {
                overflow = true;
                break;
            }
            chunks[nchunks++] = pp_rep(p, mn_value_str(mn_str_slice(line, cur_start, cur_end)));
        }
    }
    if (overflow) {
        /* very long text: one repr (pprint would split it further) */
        mn_buf_put_str(out, pp_rep(p, mn_value_str(s)));
        return;
    }
    if (nchunks == 1) {
        mn_buf_put_str(out, rep);
        return;
    }
    if (level == 1)
        mn_buf_putc(out, '(');
    for (size_t i = 0; i < nchunks; i++) {
        if (i) {
            mn_buf_putc(out, '\n');
            pp_spaces(out, indent);
        }
        mn_buf_put_str(out, chunks[i]);
    }
    if (level == 1)
        mn_buf_putc(out, ')');
}

static void pp_format(pp *p, mn_value v, size_t indent, size_t allowance, int level)
{
    v = pp_view(p->ctx, v);
    mn_str rep = pp_rep(p, v);
    size_t room = 80 > indent + allowance ? 80 - indent - allowance : 0;
    if (ulen(rep) <= room || level > 100 ||
        (v.type != MN_VALUE_MAP && v.type != MN_VALUE_LIST && v.type != MN_VALUE_STR)) {
        mn_buf_put_str(p->out, rep);
        return;
    }
    level++;
    mn_buf *out = p->out;
    if (v.type == MN_VALUE_STR) {
        pp_str(p, v.u.s, indent, allowance, level);
    } else if (v.type == MN_VALUE_MAP) {
        mn_buf_putc(out, '{');
        size_t n = mn_map_len(v.u.map), *ix = sorted_keys(p->ctx, v.u.map);
        for (size_t i = 0; ix && i < n; i++) {
            bool last = i + 1 == n;
            mn_str k = pp_rep(p, mn_value_str(mn_map_key_at(v.u.map, ix[i])));
            mn_buf_put_str(out, k);
            mn_buf_puts(out, ": ");
            pp_format(p, mn_map_value_at(v.u.map, ix[i]), indent + 1 + ulen(k) + 2, last ? allowance + 1 : 1,
                      level);
            if (!last) {
                mn_buf_puts(out, ",\n");
                pp_spaces(out, indent + 1);
            }
        }
        mn_buf_putc(out, '}');
    } else {
        mn_buf_putc(out, '[');
        size_t n = mn_list_len(v.u.list);
        for (size_t i = 0; i < n; i++) {
            bool last = i + 1 == n;
            if (i) {
                mn_buf_puts(out, ",\n");
                pp_spaces(out, indent + 1);
            }
            pp_format(p, mn_list_get(v.u.list, i), indent + 1, last ? allowance + 1 : 1, level);
        }
        mn_buf_putc(out, ']');
    }
}

static int lib_to_str(const void *obj, mn_buf *out)
{
    return mn_buf_printf(out, "<library '%s'>", ((const mn_template_library *)obj)->name);
}

static const mn_type lib_type = { .name = "library", .to_str = lib_to_str };

/* Django's DebugNode (with DEBUG on; empty otherwise): pformat of each
 * context dict, innermost first, then the built-ins; after a blank line,
 * where Django shows sys.modules, the template libraries {% load %} knows. */
static int debug_render(const void *data, mn_template_context *ctx, mn_buf *out, mn_err *err)
{
    if (!ctx->engine->opts.debug)
        return MN_OK;
    mn_buf tmp;
    mn_buf_init(&tmp, ctx->arena, 0);
    pp p = { ctx, &tmp };
    for (size_t i = ctx->nscopes; i-- > 0;) {
        mn_map *m = ctx->scopes[i];
        if (!m && i == ctx->render_scope)
            continue;
        if (!m && !(m = mn_map_new(ctx->arena, 0)))
            return MN_ENOMEM;
        pp_format(&p, mn_value_map(m), 0, 0, 0);
    }
    mn_buf_puts(&tmp, "{'False': False, 'None': None, 'True': True}\n\n");
    mn_map *libs = mn_map_new(ctx->arena, ctx->engine->nlibs);
    if (!libs)
        return MN_ENOMEM;
    for (size_t i = 0; i < ctx->engine->nlibs; i++) {
        const mn_template_library *l = ctx->engine->libs[i];
        if (!ctx->engine->lib_builtin[i] && l->name && *l->name &&
            mn_map_set_cstr(libs, l->name, mn_value_object(&lib_type, (void *)l)))
            return MN_ENOMEM;
    }
    pp_format(&p, mn_value_map(libs), 0, 0, 0);
    if (mn_buf_error(&tmp))
        return mn_buf_error(&tmp);
    return mn_html_escape(out, mn_buf_str(&tmp));
}

static mn_template_node *do_debug(mn_template_parser *p, mn_str contents, mn_err *err)
{
    return mn__tpl_node(p, NODE_CALL, debug_render, NULL);
}

int mn__tpl_register_more_tags(mn_template_library *lib)
{
    if (mn_template_library_add_tag(lib, "url", do_url) || mn_template_library_add_tag(lib, "lorem", do_lorem) ||
        mn_template_library_add_tag(lib, "debug", do_debug))
        return MN_ENOMEM;
    return MN_OK;
}

int mn__tpl_register_cache_tags(mn_template_library *lib)
{
    return mn_template_library_add_tag(lib, "cache", do_cache);
}
