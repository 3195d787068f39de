#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_response *v(mn_request *r, const mn_url_args *a) { (void)r; (void)a; return NULL; }

static const mn_url_pattern product_patterns[] = {
    MN_PATH("", v, "list"),
    MN_PATH("<int:pk>/", v, "detail"),
    MN_PATH("<slug:slug>/", v, "detail"),
    MN_URL_END
};
static const mn_urlconf products_conf = { .app_name = "products", .patterns = product_patterns };

static const mn_url_pattern nested_inner[] = { MN_PATH("leaf/<str:x>/", v, "leaf"), MN_URL_END };
static const mn_urlconf inner_conf = { .app_name = "inner", .patterns = nested_inner };
static const mn_url_pattern nested_outer[] = { MN_INCLUDE("in/", &inner_conf, NULL), MN_URL_END };
static const mn_urlconf outer_conf = { .app_name = "outer", .patterns = nested_outer };

static const mn_url_pattern root_patterns[] = {
    MN_PATH("products/<int:pk>/", v, "pdetail"),
    MN_RE_PATH("^archive/(?P<year>[0-9]{4})/$", v, "arch"),
    MN_RE_PATH("^opt/(?:(?P<page>[0-9]+)/)?$", v, "opt"),
    MN_RE_PATH("^pos/([0-9]+)/(\\w+)/$", v, "pos"),
    MN_RE_PATH("^alt/(a|b)/$", v, "alt"),
    MN_RE_PATH("^esc\\.html$", v, "esc"),
    MN_PATH("tag/<str:name>/", v, "tag"),
    MN_PATH("<path:p>", v, "catch"),
    MN_INCLUDE("shop/", &products_conf, NULL),
    MN_INCLUDE("other/", &products_conf, "other"),
    MN_INCLUDE("out/", &outer_conf, NULL),
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
TestSuite(reverse, .init = setup, .fini = teardown);

static mn_map *kw1(const char *k, mn_value val)
{
    mn_map *m = mn_map_new(A, 1);
    mn_map_set_cstr(m, k, val);
    return m;
}

static mn_list *args(int n, ...)
{
    mn_list *l = mn_list_new(A, (size_t)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        mn_list_push(l, va_arg(ap, mn_value));
    va_end(ap);
    return l;
}

static const char *rev(const char *name, mn_list *a, mn_map *k, const char *cur)
{
    mn_err err = { 0 };
    mn_str out;
    int rc = mn_reverse(R, name, a, k, cur, A, &out, &err);
    cr_assert_eq(rc, MN_OK, "reverse(%s): %s", name, err.msg);
    return mn_str_dup(A, out);
}

static const char *rev_err(const char *name, mn_list *a, mn_map *k)
{
    mn_err err = { 0 };
    mn_str out;
    cr_assert_eq(mn_reverse(R, name, a, k, NULL, A, &out, &err), MN_ENOTFOUND);
    return mn_arena_strdup(A, err.msg);
}

Test(reverse, path_patterns)
{
    cr_assert_str_eq(rev("pdetail", NULL, kw1("pk", mn_value_int(3)), NULL), "/products/3/");
    cr_assert_str_eq(rev("pdetail", args(1, mn_value_int(3)), NULL, NULL), "/products/3/");
    cr_assert_str_eq(rev("pdetail", NULL, kw1("pk", mn_value_cstr("17")), NULL), "/products/17/");
}

Test(reverse, namespaces_like_django)
{
    /* The default instance of app "products" is the one named after the app. */
    cr_assert_str_eq(rev("products:detail", NULL, kw1("pk", mn_value_int(3)), NULL), "/shop/3/");
    cr_assert_str_eq(rev("other:detail", NULL, kw1("pk", mn_value_int(3)), NULL), "/other/3/");
    cr_assert_str_eq(rev("products:detail", NULL, kw1("pk", mn_value_int(3)), "other"), "/other/3/");
    /* Two patterns share the name: Django tries the last one first. */
    cr_assert_str_eq(rev("products:detail", NULL, kw1("slug", mn_value_cstr("red")), NULL), "/shop/red/");
    cr_assert_str_eq(rev("products:list", NULL, NULL, NULL), "/shop/");
    cr_assert_str_eq(rev("outer:inner:leaf", args(1, mn_value_cstr("z")), NULL, NULL), "/out/in/leaf/z/");
}

Test(reverse, regex_patterns)
{
    cr_assert_str_eq(rev("arch", NULL, kw1("year", mn_value_int(2024)), NULL), "/archive/2024/");
    cr_assert_str_eq(rev("opt", NULL, NULL, NULL), "/opt/");
    cr_assert_str_eq(rev("opt", NULL, kw1("page", mn_value_int(2)), NULL), "/opt/2/");
    cr_assert_str_eq(rev("pos", args(2, mn_value_int(1), mn_value_cstr("ab")), NULL, NULL), "/pos/1/ab/");
    cr_assert_str_eq(rev("esc", NULL, NULL, NULL), "/esc.html");
}

Test(reverse, quoting_and_leading_slashes)
{
    cr_assert_str_eq(rev("tag", NULL, kw1("name", mn_value_cstr("café & co")), NULL), "/tag/caf%C3%A9%20&%20co/");
    cr_assert_str_eq(rev("catch", NULL, kw1("p", mn_value_cstr("/evil.example/x")), NULL), "/%2Fevil.example/x");
    cr_assert_str_eq(rev("catch", NULL, kw1("p", mn_value_cstr("a?b#c%")), NULL), "/a%3Fb%23c%25");
}

Test(reverse, django_error_messages)
{
    cr_assert_str_eq(rev_err("pdetail", NULL, kw1("pk", mn_value_cstr("x"))),
                     "Reverse for 'pdetail' with keyword arguments '{'pk': 'x'}' not found. 1 pattern(s) tried: "
                     "['products/(?P<pk>[0-9]+)/\\\\Z']");
    cr_assert_str_eq(rev_err("nope", NULL, NULL),
                     "Reverse for 'nope' not found. 'nope' is not a valid view function or pattern name.");
    cr_assert_str_eq(rev_err("arch", args(1, mn_value_int(12)), NULL),
                     "Reverse for 'arch' with arguments '(12,)' not found. 1 pattern(s) tried: "
                     "['archive/(?P<year>[0-9]{4})/$']");
    cr_assert_str_eq(rev_err("pdetail", NULL, NULL),
                     "Reverse for 'pdetail' with no arguments not found. 1 pattern(s) tried: "
                     "['products/(?P<pk>[0-9]+)/\\\\Z']");
    cr_assert_str_eq(rev_err("alt", NULL, NULL),
                     "Reverse for 'alt' with no arguments not found. 1 pattern(s) tried: ['alt/(a|b)/$']");
    cr_assert_str_eq(rev_err("missing:detail", NULL, NULL), "'missing' is not a registered namespace");
    cr_assert_str_eq(rev_err("outer:missing:leaf", NULL, NULL), "'missing' is not a registered namespace inside 'outer'");
    cr_assert_str_eq(rev_err("products:detail", NULL, NULL),
                     "Reverse for 'detail' with no arguments not found. 2 pattern(s) tried: "
                     "['shop/(?P<slug>[-a-zA-Z0-9_]+)/\\\\Z', 'shop/(?P<pk>[0-9]+)/\\\\Z']");
    mn_err err = { 0 };
    mn_str out;
    cr_assert_eq(mn_reverse(R, "pdetail", args(1, mn_value_int(1)), kw1("pk", mn_value_int(1)), NULL, A, &out, &err),
                 MN_EINVAL);
    cr_assert_str_eq(err.msg, "Don't mix *args and **kwargs in call to reverse()!");
}

/* Empty non-capturing groups (the first one at the very start, where the
 * element list is still empty) reverse as Django does. */
static const mn_url_pattern empty_group_root[] = {
    MN_RE_PATH("^(?:)a/$", v, "e"),
    MN_RE_PATH("^b(?:)(?:x)?/$", v, "f"),
    MN_URL_END
};
static const mn_urlconf empty_group_conf = { .patterns = empty_group_root };

Test(reverse, empty_noncapturing_groups)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&empty_group_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_str out;
    cr_assert_eq(mn_reverse(r, "e", NULL, NULL, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/a/"), "%.*s", MN_STR_FMT(out));
    cr_assert_eq(mn_reverse(r, "f", NULL, NULL, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/b/"), "%.*s", MN_STR_FMT(out));
    mn_resolver_free(r);
}

/* Optional groups nested in optional groups: every combination reverses
 * (Django: /a/, /a/1/, /a/1/2/; y without x has no form). */
static const mn_url_pattern nested_opt_root[] = {
    MN_RE_PATH("^a/(?:(?P<x>[0-9]+)/(?:(?P<y>[0-9]+)/)?)?$", v, "n"),
    MN_URL_END
};
static const mn_urlconf nested_opt_conf = { .patterns = nested_opt_root };

Test(reverse, nested_optional_groups)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&nested_opt_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_str out;
    cr_assert_eq(mn_reverse(r, "n", NULL, NULL, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/a/"), "%.*s", MN_STR_FMT(out));
    mn_map *kw = kw1("x", mn_value_int(1));
    cr_assert_eq(mn_reverse(r, "n", NULL, kw, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/a/1/"), "%.*s", MN_STR_FMT(out));
    mn_map_set_cstr(kw, "y", mn_value_int(2));
    cr_assert_eq(mn_reverse(r, "n", NULL, kw, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/a/1/2/"), "%.*s", MN_STR_FMT(out));
    cr_assert_eq(mn_reverse(r, "n", NULL, kw1("y", mn_value_int(2)), NULL, A, &out, &err), MN_ENOTFOUND);
    mn_resolver_free(r);
}

/* A group repeated by a quantifier appears twice in the URL with the same
 * value, as Django fills it (python3 + Django 3.2: /r/abab/ and /u/22/ —
 * positional arguments map to names, the last one given wins). */
static const mn_url_pattern repeat_root[] = {
    MN_RE_PATH("^r/(?P<p>[a-z]+){2}/$", v, "named"),
    MN_RE_PATH("^u/([0-9]+){2}/$", v, "unnamed"),
    MN_URL_END
};
static const mn_urlconf repeat_conf = { .patterns = repeat_root };

Test(reverse, repeated_groups)
{
    mn_err err = { 0 };
    mn_resolver *r = mn_resolver_new(&repeat_conf, &err);
    cr_assert_not_null(r, "%s", err.msg);
    mn_str out;
    cr_assert_eq(mn_reverse(r, "named", NULL, kw1("p", mn_value_cstr("ab")), NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/r/abab/"), "%.*s", MN_STR_FMT(out));
    mn_list *two = mn_list_new(A, 2);
    mn_list_push(two, mn_value_int(1));
    mn_list_push(two, mn_value_int(2));
    cr_assert_eq(mn_reverse(r, "unnamed", two, NULL, NULL, A, &out, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(out, "/u/22/"), "%.*s", MN_STR_FMT(out));
    mn_resolver_free(r);
}
