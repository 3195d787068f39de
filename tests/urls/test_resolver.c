#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

static mn_response *v_list(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }
static mn_response *v_detail(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }
static mn_response *v_slug(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }
static mn_response *v_arch(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }
static mn_response *v_any(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }

static const mn_url_pattern product_patterns[] = {
    MN_PATH("", v_list, "list"),
    MN_PATH("<int:pk>/", v_detail, "detail"),
    MN_PATH("<slug:slug>/", v_slug, "detail-slug"),
    MN_URL_END
};
static const mn_urlconf products_conf = { .app_name = "products", .patterns = product_patterns };

static const mn_url_pattern api_patterns[] = {
    MN_PATH("items/<uuid:id>/", v_detail, "item"),
    MN_RE_PATH("^files/(?P<path>.+)$", v_any, "file"),
    MN_URL_END
};
static const mn_urlconf api_conf = { .app_name = NULL, .patterns = api_patterns };

static const mn_url_pattern root_patterns[] = {
    MN_PATH("", v_list, "home"),
    MN_INCLUDE("products/", &products_conf, NULL),
    MN_INCLUDE("shop/", &products_conf, "shop"),
    MN_RE_PATH("^archive/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/$", v_arch, "archive"),
    MN_RE_PATH("^old/([0-9]+)/([a-z]+)/$", v_arch, "old"),
    MN_INCLUDE("api/v1/", &api_conf, NULL),
    MN_PATH("docs/<path:rest>", v_any, "docs"),
    MN_URL_END
};
static const mn_urlconf root_conf = { .patterns = root_patterns };

static mn_arena *A;
static mn_resolver *R;

static void setup(void)
{
    A = mn_arena_new("test", 0);
    mn_err err = { 0 };
    R = mn_resolver_new(&root_conf, &err);
    cr_assert_not_null(R, "%s", err.msg);
}
static void teardown(void)
{
    mn_resolver_free(R);
    mn_arena_free(A);
}

TestSuite(resolver, .init = setup, .fini = teardown);

static mn_url_match resolve_ok(const char *path)
{
    mn_url_match m;
    int rc = mn_resolver_resolve(R, mn_str_from(path), A, &m);
    cr_assert_eq(rc, MN_OK, "resolving %s: %d", path, rc);
    return m;
}

Test(resolver, path_converters)
{
    mn_url_match m = resolve_ok("/products/42/");
    cr_assert_eq(m.view, v_detail);
    cr_assert_str_eq(m.url_name, "detail");
    cr_assert_str_eq(m.app_name, "products");
    cr_assert_str_eq(m.namespace, "products");
    cr_assert_str_eq(m.route, "products/<int:pk>/");
    int64_t pk;
    cr_assert_eq(mn_url_arg_int(&m.args, "pk", &pk), MN_OK);
    cr_assert_eq(pk, 42);
    cr_assert_eq(mn_url_arg(&m.args, "pk").type, MN_VALUE_INT);

    m = resolve_ok("/products/blue-shoes_2/");
    cr_assert_eq(m.view, v_slug);
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "slug", A), "blue-shoes_2"));
    cr_assert_eq(mn_url_arg_int(&m.args, "slug", &pk), MN_ETYPE);
    cr_assert_eq(mn_url_arg_int(&m.args, "nope", &pk), MN_ENOTFOUND);

    m = resolve_ok("/");
    cr_assert_eq(m.view, v_list);
    cr_assert_str_eq(m.url_name, "home");
    cr_assert_str_eq(m.app_name, "");
}

Test(resolver, instance_namespace)
{
    mn_url_match m = resolve_ok("/shop/7/");
    cr_assert_str_eq(m.app_name, "products");
    cr_assert_str_eq(m.namespace, "shop");
    cr_assert_str_eq(m.route, "shop/<int:pk>/");
}

Test(resolver, re_path_named_and_positional)
{
    mn_url_match m = resolve_ok("/archive/2024/03/");
    cr_assert_eq(m.view, v_arch);
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "year", A), "2024"));
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "month", A), "03"));
    cr_assert_eq(mn_list_len(m.args.args), 0);

    m = resolve_ok("/old/12/abc/");
    cr_assert_eq(mn_map_len(m.args.kwargs), 0);
    cr_assert_eq(mn_list_len(m.args.args), 2);
    cr_assert(mn_str_eq_cstr(mn_list_get(m.args.args, 1).u.s, "abc"));
}

Test(resolver, include_without_namespace_uuid_and_path)
{
    mn_url_match m = resolve_ok("/api/v1/items/123e4567-e89b-12d3-a456-426614174000/");
    cr_assert_str_eq(m.url_name, "item");
    cr_assert_str_eq(m.app_name, "");
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "id", A), "123e4567-e89b-12d3-a456-426614174000"));
    m = resolve_ok("/api/v1/files/a/b/c.txt");
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "path", A), "a/b/c.txt"));
    m = resolve_ok("/docs/intro/install.html");
    cr_assert(mn_str_eq_cstr(mn_url_arg_str(&m.args, "rest", A), "intro/install.html"));
}

Test(resolver, no_match)
{
    mn_url_match m;
    const char *misses[] = { "/products/42", "/products/4 2/", "/zz/", "", "products/1/", "/archive/24/03/",
                             "/api/v1/items/123E4567-E89B-12D3-A456-426614174000/", "/docs/",
                             "/products/42/\n" };
    for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
        cr_assert_eq(mn_resolver_resolve(R, mn_str_from(misses[i]), A, &m), MN_ENOTFOUND, "%s", misses[i]);
}

Test(resolver, int_overflow_is_no_match)
{
    mn_url_match m;
    /* Not an int64: the int converter refuses, so the slug pattern matches. */
    m = resolve_ok("/products/99999999999999999999999/");
    cr_assert_eq(m.view, v_slug);
    (void)m;
}

Test(resolver, describe_lists_patterns)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_resolver_describe(R, &b);
    cr_assert(strstr(mn_buf_cstr(&b), "products/ <int:pk>/ [name='detail']\n"), "%s", mn_buf_cstr(&b));
    cr_assert(strstr(mn_buf_cstr(&b), "api/v1/ ^files/(?P<path>.+)$ [name='file']\n"));
    cr_assert_eq(mn_resolver_count(R), 12);
}

static const mn_url_pattern bad_conv[] = { MN_PATH("<foo:x>/", v_any, NULL), MN_URL_END };
static const mn_url_pattern bad_name[] = { MN_PATH("<int:a-b>/", v_any, NULL), MN_URL_END };
static const mn_url_pattern bad_regex[] = { MN_RE_PATH("^(?P<x>[0-9+/$", v_any, NULL), MN_URL_END };
static const mn_url_pattern no_view[] = { MN_PATH("x/", NULL, NULL), MN_URL_END };
static const mn_urlconf noapp = { .patterns = product_patterns };
static const mn_url_pattern ns_no_app[] = { MN_INCLUDE("x/", &noapp, "ns"), MN_URL_END };
static const mn_urlconf c1 = { .patterns = bad_conv }, c2 = { .patterns = bad_name }, c3 = { .patterns = bad_regex },
                        c4 = { .patterns = no_view }, c5 = { .patterns = ns_no_app };

Test(resolver, configuration_errors_are_clear)
{
    mn_err err = { 0 };
    cr_assert_null(mn_resolver_new(&c1, &err));
    cr_assert_str_eq(err.msg, "URL route '<foo:x>/' uses invalid converter 'foo'.");
    cr_assert_null(mn_resolver_new(&c2, &err));
    cr_assert_str_eq(err.msg, "URL route '<int:a-b>/' uses parameter name 'a-b' which isn't a valid Python identifier.");
    cr_assert_null(mn_resolver_new(&c3, &err));
    cr_assert(strstr(err.msg, "is not a valid regular expression"), "%s", err.msg);
    cr_assert_null(mn_resolver_new(&c4, &err));
    cr_assert_str_eq(err.msg, "URL pattern 'x/' has no view");
    cr_assert_null(mn_resolver_new(&c5, &err));
    cr_assert(strstr(err.msg, "without providing an app_name is not supported"), "%s", err.msg);
}

static int year_to_value(mn_str text, mn_arena *a, mn_value *out)
{
    (void)a;
    int64_t y;
    if (mn_str_to_i64(text, &y) || y < 1900)
        return MN_EINVAL;
    *out = mn_value_int(y);
    return MN_OK;
}
static int year_to_url(mn_value v, mn_arena *a, mn_str *out)
{
    if (v.type != MN_VALUE_INT)
        return MN_ETYPE;
    *out = mn_str_from(mn_arena_sprintf(a, "%04lld", (long long)v.u.i));
    return MN_OK;
}
static const mn_url_converter year_conv = { "yyyy", "[0-9]{4}", year_to_value, year_to_url };
static const mn_url_pattern custom_patterns[] = {
    MN_PATH("articles/<yyyy:year>/", v_arch, "by-year"),
    MN_PATH("articles/<str:word>/", v_any, "by-word"),
    MN_URL_END
};
static const mn_urlconf custom_conf = { .patterns = custom_patterns };

Test(resolver, custom_converter)
{
    mn_err err = { 0 };
    int rc = mn_url_register_converter(&year_conv, &err);
    cr_assert(rc == MN_OK || rc == MN_EEXIST);
    cr_assert_eq(mn_url_register_converter(&year_conv, &err), MN_EEXIST);
    mn_resolver *r = mn_resolver_new(&custom_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_url_match m;
    cr_assert_eq(mn_resolver_resolve(r, MN_STR("/articles/2024/"), A, &m), MN_OK);
    cr_assert_eq(m.view, v_arch);
    cr_assert_eq(mn_url_arg(&m.args, "year").u.i, 2024);
    /* to_value refuses 1066: the next pattern gets its chance. */
    cr_assert_eq(mn_resolver_resolve(r, MN_STR("/articles/1066/"), A, &m), MN_OK);
    cr_assert_eq(m.view, v_any);
    mn_map *kw = mn_map_new(A, 1);
    mn_map_set_cstr(kw, "year", mn_value_int(2024));
    mn_str url;
    cr_assert_eq(mn_reverse(r, "by-year", NULL, kw, NULL, A, &url, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(url, "/articles/2024/"));
    mn_map_set_cstr(kw, "year", mn_value_cstr("x"));
    cr_assert_eq(mn_reverse(r, "by-year", NULL, kw, NULL, A, &url, &err), MN_ENOTFOUND);
    mn_resolver_free(r);
}

/* 1,000 patterns: the prefix index keeps resolution from trying them all. */
static mn_url_pattern many[1002];
static char routes[1000][32];
static char names[1000][16];

Test(resolver, thousand_patterns)
{
    for (int i = 0; i < 1000; i++) {
        snprintf(routes[i], sizeof routes[i], "section%d/<int:pk>/", i);
        snprintf(names[i], sizeof names[i], "s%d", i);
        many[i] = (mn_url_pattern)MN_PATH(routes[i], v_detail, names[i]);
    }
    many[1000] = (mn_url_pattern)MN_PATH("<str:x>/", v_any, "catchall");
    many[1001] = (mn_url_pattern)MN_URL_END;
    mn_urlconf conf = { .patterns = many };
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_url_match m;
    cr_assert_eq(mn_resolver_resolve(r, MN_STR("/section999/5/"), A, &m), MN_OK);
    cr_assert_str_eq(m.url_name, "s999");
    cr_assert_eq(mn_resolver_resolve(r, MN_STR("/other/"), A, &m), MN_OK);
    cr_assert_str_eq(m.url_name, "catchall");
    mn_str url;
    mn_list *args = mn_list_new(A, 1);
    mn_list_push(args, mn_value_int(3));
    cr_assert_eq(mn_reverse(r, "s500", args, NULL, NULL, A, &url, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(url, "/section500/3/"));
    mn_resolver_free(r);
}

/* Arguments and endpoint matching exactly as Django 3.2.25 (results checked
 * with resolve() in Django; see each expectation). */
static const mn_url_pattern dj_inner[] = {
    MN_RE_PATH("^(\\d+)/$", v_detail, "num"),
    MN_URL_END
};
static const mn_urlconf dj_inner_conf = { .patterns = dj_inner };
static const mn_url_pattern dj_root[] = {
    MN_RE_PATH("^nl/$", v_any, "nl"),
    MN_RE_PATH("^opt/(?P<a>x)?(\\d+)/$", v_any, "opt"),
    MN_RE_PATH("^un/(a)?(\\d+)/$", v_any, "un"),
    MN_RE_INCLUDE("^(?P<lang>[a-z]{2})/", &dj_inner_conf, NULL),
    MN_RE_INCLUDE("^pos/(\\w+)/", &dj_inner_conf, NULL),
    MN_RE_PATH("^tail/(\\d+)(/)?$", v_any, "tail"),
    MN_PATH("plain", v_any, "plain"),
    MN_INCLUDE("lit/", &dj_inner_conf, NULL),
    MN_URL_END
};
static const mn_urlconf dj_conf = { .patterns = dj_root };

static void expect_args(mn_resolver *r, const char *path, const char *name, const char *args, const char *kwargs)
{
    mn_url_match m;
    int rc = mn_resolver_resolve(r, mn_str_from(path), A, &m);
    if (!name) {
        cr_assert_eq(rc, MN_ENOTFOUND, "%s should not resolve", path);
        return;
    }
    cr_assert_eq(rc, MN_OK, "resolving %s: %d", path, rc);
    cr_assert_str_eq(m.url_name, name, "%s", path);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_value_repr(mn_value_list(m.args.args), &b);
    cr_assert_str_eq(mn_buf_cstr(&b), args, "args of %s", path);
    mn_buf_init(&b, A, 0);
    mn_value_repr(mn_value_map(m.args.kwargs), &b);
    cr_assert_str_eq(mn_buf_cstr(&b), kwargs, "kwargs of %s", path);
}

Test(resolver, args_and_kwargs_like_django)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&dj_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    expect_args(r, "/nl/", "nl", "[]", "{}");
    /* A regex endpoint ending in '$' must match the whole path (Django uses
     * fullmatch): '$' must not accept a trailing newline (%0A). */
    expect_args(r, "/nl/\n", NULL, NULL, NULL);
    /* Named groups exist: positional ones are ignored even when the named
     * group did not participate. */
    expect_args(r, "/opt/5/", "opt", "[]", "{}");
    expect_args(r, "/opt/x5/", "opt", "[]", "{'a': 'x'}");
    /* Unnamed groups that did not participate are passed as None. */
    expect_args(r, "/un/5/", "un", "[None, '5']", "{}");
    expect_args(r, "/un/a5/", "un", "['a', '5']", "{}");
    expect_args(r, "/tail/5", "tail", "['5', None]", "{}");
    /* Outer kwargs with inner positional args: Django passes both. */
    expect_args(r, "/en/5/", "num", "['5']", "{'lang': 'en'}");
    expect_args(r, "/pos/ab/5/", "num", "['ab', '5']", "{}");
    /* Routes without parameters (compared as bytes, not by PCRE2). */
    expect_args(r, "/plain", "plain", "[]", "{}");
    expect_args(r, "/plain/", NULL, NULL, NULL);
    expect_args(r, "/plain\n", NULL, NULL, NULL);
    expect_args(r, "/Plain", NULL, NULL, NULL);
    expect_args(r, "/lit/5/", "num", "['5']", "{}");
    expect_args(r, "/lit5/", NULL, NULL, NULL);
    mn_resolver_free(r);
}

/* ---- the prefix index never changes which pattern wins ----
 * Random URL configurations (path() and re_path() endpoints, includes of
 * both kinds, nested once) are resolved against random paths, and the
 * winner is compared with a plain linear scan done here with PCRE2 over the
 * same patterns in definition order, as Django tries them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct ref_level ref_level;
typedef struct ref_node {
    pcre2_code *re;
    bool full; /* fullmatch: a regex endpoint ending in '$' */
    int id;    /* endpoint id (its ctx), or -1 for an include */
    ref_level *sub;
} ref_node;
struct ref_level {
    ref_node nodes[12];
    size_t n;
};

static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static int ids[4096];
static int nids;

static pcre2_code *ref_compile(const char *rx, uint32_t opts)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)rx, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP | opts, &ec, &eo, NULL);
    cr_assert_not_null(c, "reference regex %s does not compile", rx);
    return c;
}

static void esc_lit(mn_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            mn_buf_putc(b, '\\');
        mn_buf_putc(b, *s);
    }
}

/* A path() route and its equivalent regex. */
static const char *gen_route(bool endpoint, mn_buf *ref)
{
    /* Routes without parameters are compared as bytes, not run through
     * PCRE2: regex metacharacters, spaces, case and UTF-8 must not make
     * them match anything their regex would not. */
    static const char *lits[] = { "a", "b", "ab", "a-b", "a.b", "1", "a/", "b/", "ab/", "/", "a/b/",
                                  "a+b", "(x)", "\xc3\xa9", "a b", "$", "[a]", "A", "a*" };
    static const char *convs[][2] = { { "int", "[0-9]+" }, { "str", "[^/]+" }, { "slug", "[-a-zA-Z0-9_]+" },
                                      { "path", ".+" } };
    mn_buf route;
    mn_buf_init(&route, A, 0);
    mn_buf_putc(ref, '^');
    unsigned n = 1 + rnd(3);
    for (unsigned i = 0; i < n; i++) {
        if (rnd(3) == 0) {
            unsigned c = rnd(4);
            mn_buf_printf(&route, "<%s:p%u>", convs[c][0], i);
            mn_buf_printf(ref, "(?:%s)", convs[c][1]);
        } else {
            const char *l = lits[rnd(sizeof lits / sizeof lits[0])];
            mn_buf_puts(&route, l);
            esc_lit(ref, l);
        }
    }
    if (rnd(2))
        mn_buf_putc(&route, '/'), esc_lit(ref, "/");
    if (endpoint)
        mn_buf_puts(ref, "\\z");
    return mn_buf_cstr(&route);
}

/* A re_path() regex (the reference uses the same text). */
static const char *gen_regex(bool endpoint, bool top)
{
    static const struct { const char *t; bool quant; } atoms[] = {
        { "a", true }, { "b", true }, { "ab", true }, { "/", true }, { "a/", true }, { "b/", true },
        { "\\-", true }, { "\\.", true }, { "\\/", true }, { "[ab]", true }, { "(?:a|b)", true },
        { "\\d+", false }, { "[0-9]+", false }, { "(?P<n%u>[a-z]+)", true }, { "(x)", true }, { "1", true },
        { ".", true }, { "a-b/", true }, { "a~:@", true },
    };
    static const char *quants[] = { "", "", "", "", "?", "*", "+", "{0,2}", "{1,2}", "+?" };
    mn_buf b;
    mn_buf_init(&b, A, 0);
    if (rnd(5))
        mn_buf_putc(&b, '^');
    unsigned n = 1 + rnd(4);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = rnd(sizeof atoms / sizeof atoms[0]);
        mn_buf_printf(&b, atoms[k].t, i);
        if (atoms[k].quant)
            mn_buf_puts(&b, quants[rnd(sizeof quants / sizeof quants[0])]);
    }
    if (top && rnd(10) == 0) {
        mn_buf_putc(&b, '|');
        mn_buf_puts(&b, gen_regex(false, false));
    }
    if (endpoint && top && rnd(5) < 3)
        mn_buf_putc(&b, '$');
    return mn_buf_cstr(&b);
}

static void gen_level(mn_url_pattern *pats, ref_level *ref, int depth)
{
    size_t n = 1 + rnd(10);
    ref->n = n;
    for (size_t i = 0; i < n; i++) {
        ref_node *rn = &ref->nodes[i];
        mn_url_pattern *p = &pats[i];
        memset(p, 0, sizeof *p);
        unsigned kind = rnd(depth < 1 ? 6 : 4);
        mn_buf rx;
        mn_buf_init(&rx, A, 0);
        if (kind < 2) { /* path() */
            p->kind = MN_URL_PATH;
            p->route = gen_route(true, &rx);
            rn->re = ref_compile(mn_buf_cstr(&rx), 0);
        } else if (kind < 4) { /* re_path() */
            p->kind = MN_URL_RE_PATH;
            p->route = gen_regex(true, true);
            size_t len = strlen(p->route);
            rn->full = p->route[len - 1] == '$';
            rn->re = ref_compile(p->route, rn->full ? PCRE2_ANCHORED | PCRE2_ENDANCHORED : 0);
        } else { /* include() of either kind */
            mn_url_pattern *sub = mn_arena_calloc(A, 12, sizeof *sub);
            mn_urlconf *conf = mn_arena_calloc(A, 1, sizeof *conf);
            rn->sub = mn_arena_calloc(A, 1, sizeof *rn->sub);
            gen_level(sub, rn->sub, depth + 1);
            conf->patterns = sub;
            p->kind = MN_URL_INCLUDE;
            p->include = conf;
            if (kind == 4) {
                p->route = gen_route(false, &rx);
                rn->re = ref_compile(mn_buf_cstr(&rx), 0);
            } else {
                p->route = gen_regex(false, true);
                p->ctx = (void *)1;
                rn->re = ref_compile(p->route, 0);
            }
            rn->id = -1;
            continue;
        }
        rn->id = nids;
        ids[nids] = nids;
        p->ctx = &ids[nids];
        nids++;
        p->view = v_any;
    }
    pats[n] = (mn_url_pattern)MN_URL_END;
}

static int ref_resolve(const ref_level *lv, mn_str path)
{
    pcre2_match_data *md = pcre2_match_data_create(64, NULL);
    int found = -1;
    for (size_t i = 0; i < lv->n && found < 0; i++) {
        const ref_node *rn = &lv->nodes[i];
        int rc = pcre2_match(rn->re, (PCRE2_SPTR)path.ptr, path.len, 0, 0, md, NULL);
        if (rc < 0)
            continue;
        PCRE2_SIZE end = pcre2_get_ovector_pointer(md)[1];
        if (rn->id >= 0)
            found = rn->id;
        else
            found = ref_resolve(rn->sub, mn_str_slice(path, end, path.len));
    }
    pcre2_match_data_free(md);
    return found;
}

static void free_ref(ref_level *lv)
{
    for (size_t i = 0; i < lv->n; i++) {
        pcre2_code_free(lv->nodes[i].re);
        if (lv->nodes[i].sub)
            free_ref(lv->nodes[i].sub);
    }
}

Test(resolver, index_agrees_with_linear_scan)
{
    static const char *segs[] = { "a", "b", "ab", "a-b", "a.b", "1", "12", "x", "", "a~:@", "ba",
                                  "a+b", "aab", "(x)", "x)", "\xc3\xa9", "\xc3", "\xff", "a b", "$", "[a]",
                                  "A", "a*", "aa", "axb" };
    rng_state = 0x9e3779b97f4a7c15ULL;
    size_t compared = 0, matched = 0;
    /* Paths that are not UTF-8 make PCRE2 fail (a warning each): quiet. */
    mn_log_set_level("manouche.urls", MN_LOG_ERROR);
    for (int config = 0; config < 300; config++) {
        nids = 0;
        mn_url_pattern *root = mn_arena_calloc(A, 12, sizeof *root);
        ref_level ref = { 0 };
        gen_level(root, &ref, 0);
        mn_urlconf conf = { .patterns = root };
        mn_err err = { 0 };
        mn_resolver *r = mn_resolver_new(&conf, &err);
        cr_assert_not_null(r, "config %d: %s", config, err.msg);
        for (int t = 0; t < 200; t++) {
            mn_buf path;
            mn_buf_init(&path, A, 0);
            mn_buf_putc(&path, '/');
            unsigned nseg = rnd(5);
            for (unsigned s = 0; s < nseg; s++) {
                mn_buf_puts(&path, segs[rnd(sizeof segs / sizeof segs[0])]);
                if (s + 1 < nseg || rnd(2))
                    mn_buf_putc(&path, '/');
            }
            mn_str p = mn_buf_str(&path);
            int want = ref_resolve(&ref, mn_str_slice(p, 1, p.len));
            mn_url_match m;
            int rc = mn_resolver_resolve(r, p, A, &m);
            int got = rc == MN_OK ? *(int *)m.ctx : -1;
            if (got != want) {
                mn_buf d;
                mn_buf_init(&d, A, 0);
                mn_resolver_describe(r, &d);
                cr_assert_fail("config %d path '%s': index gives %d, linear scan %d; patterns:\n%s", config,
                               mn_buf_cstr(&path), got, want, mn_buf_cstr(&d));
            }
            compared++;
            matched += want >= 0;
        }
        mn_resolver_free(r);
        free_ref(&ref);
        mn_arena_reset(A);
    }
    mn_log_set_level("manouche.urls", MN_LOG_NOTSET);
    /* The generator must exercise real matches, not only misses. */
    cr_assert_gt(matched, compared / 10, "%zu of %zu matched", matched, compared);
}

/* Long but legitimate paths must not hit PCRE2 JIT's small default stack
 * (32 KiB): Django matches these, so must we. Hostile patterns are still
 * cut off by the match limit, and quickly. */
static const mn_url_pattern long_root[] = {
    MN_RE_PATH("^((a|b)/)+$", v_any, "rep"),
    MN_RE_PATH("^(?:[a-z]+/)*end/$", v_any, "segs"),
    MN_RE_PATH("^x(.*)*y$", v_any, "evil"),
    MN_URL_END
};
static const mn_urlconf long_conf = { .patterns = long_root };

Test(resolver, long_paths_and_match_limits)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&long_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    int sizes[] = { 10, 1000, 4000 };
    for (size_t k = 0; k < 3; k++) {
        mn_buf b;
        mn_buf_init(&b, A, 0);
        mn_buf_putc(&b, '/');
        for (int i = 0; i < sizes[k]; i++)
            mn_buf_puts(&b, "a/");
        mn_url_match m;
        cr_assert_eq(mn_resolver_resolve(r, mn_buf_str(&b), A, &m), MN_OK, "%d segments", sizes[k]);
        cr_assert_str_eq(m.url_name, "rep");
        mn_buf_puts(&b, "end/");
        cr_assert_eq(mn_resolver_resolve(r, mn_buf_str(&b), A, &m), MN_OK, "%d segments + end", sizes[k]);
        cr_assert_str_eq(m.url_name, "segs");
    }
    char evil[64] = "/x";
    memset(evil + 2, 'a', 40);
    evil[42] = '\0';
    mn_url_match m;
    cr_assert_eq(mn_resolver_resolve(r, mn_str_from(evil), A, &m), MN_ENOTFOUND);
    mn_resolver_free(r);
}

/* Python regex syntax that PCRE2 spells differently: {,n} is {0,n}, and
 * \uXXXX / \UXXXXXXXX are code point escapes (re.search in Python 3.11
 * agrees with each expectation). */
static const mn_url_pattern py_root[] = {
    MN_RE_PATH("^x{,3}/$", v_any, "upto3"),
    MN_RE_PATH("^y{,}/$", v_any, "anyy"),
    MN_RE_PATH("^caf\\u00e9/$", v_any, "cafe"),
    MN_RE_PATH("^smile\\U0001F600/$", v_any, "smile"),
    MN_RE_PATH("^[\\u00e0-\\u00ff]+/$", v_any, "latin"),
    MN_RE_PATH("^lit\\{,3}/$", v_any, "escaped"),
    MN_URL_END
};
static const mn_urlconf py_conf = { .patterns = py_root };

Test(resolver, python_regex_spellings)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&py_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    struct { const char *path, *name; } cases[] = {
        { "/xx/", "upto3" }, { "/", NULL }, { "/x{,3}/", NULL }, { "/xxxx/", NULL }, { "//", "upto3" },
        { "/yyyyy/", "anyy" }, { "/caf\xc3\xa9/", "cafe" }, { "/smile\xf0\x9f\x98\x80/", "smile" },
        { "/\xc3\xa9\xc3\xa0/", "latin" }, { "/lit{,3}/", "escaped" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_url_match m;
        int rc = mn_resolver_resolve(r, mn_str_from(cases[i].path), A, &m);
        if (!cases[i].name) {
            cr_assert_eq(rc, MN_ENOTFOUND, "%s", cases[i].path);
            continue;
        }
        cr_assert_eq(rc, MN_OK, "%s", cases[i].path);
        cr_assert_str_eq(m.url_name, cases[i].name, "%s", cases[i].path);
    }
    mn_str out;
    /* Reverse checks candidates with the same translation. */
    cr_assert_eq(mn_reverse(r, "escaped", NULL, NULL, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/lit%7B,3%7D/"), "%.*s", MN_STR_FMT(out));
    mn_resolver_free(r);
}

static int capture_hits;
static char capture_line[512];
static void capture(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    if (strcmp(rec->logger, "manouche.urls") != 0)
        return;
    capture_hits++;
    snprintf(capture_line, sizeof capture_line, "%.*s", (int)rec->line.len, rec->line.ptr);
}

/* A pattern that backtracks catastrophically: the match limit stops it, the
 * path is treated as not matching, and a warning names the pattern. */
static const mn_url_pattern evil[] = { MN_RE_PATH("^(a|aa)+(b|c)+$", v_any, "evil"), MN_PATH("ok/", v_any, "ok"),
                                       MN_URL_END };
static const mn_urlconf evil_conf = { .patterns = evil };

Test(resolver, match_limit_is_reported_not_silent)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&evil_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_arena *a = mn_arena_new("evil", 0);
    mn_log_set_capture(capture, NULL);
    char path[80];
    path[0] = '/';
    memset(path + 1, 'a', 60);
    strcpy(path + 61, "x");
    mn_url_match m;
    cr_assert_eq(mn_resolver_resolve(r, mn_str_from(path), a, &m), MN_ENOTFOUND);
    mn_log_set_capture(NULL, NULL);
    cr_assert_eq(capture_hits, 1, "hits %d: %s", capture_hits, capture_line);
    cr_assert(strstr(capture_line, "(a|aa)+(b|c)+"), "%s", capture_line);
    cr_assert(strstr(capture_line, "limit"), "%s", capture_line);
    cr_assert_eq(mn_resolver_resolve(r, mn_str_from("/ok/"), a, &m), MN_OK);
    mn_arena_free(a);
    mn_resolver_free(r);
}
