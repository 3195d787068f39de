/* {% cache %} over the configured caches and make_template_fragment_key
 * (keys and messages as Django 3.2's). */
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static mn_template_engine *E;

static void setup(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    A = mn_arena_new("test", 0);
    static const mn_cache_config caches[] = {
        { .alias = "default", .BACKEND = "locmem", .LOCATION = "tpl-default" },
        { .alias = "other", .BACKEND = "locmem", .LOCATION = "tpl-other" },
    };
    mn_err err = { 0 };
    cr_assert_eq(mn_caches_configure(caches, 2, &err), MN_OK, "%s", err.msg);
    E = mn_template_engine_new(NULL);
    mn_cache_template_install(E);
}

static void teardown(void)
{
    mn_template_engine_free(E);
    mn_caches_shutdown();
    mn_arena_free(A);
}

TestSuite(cache_template, .init = setup, .fini = teardown);

static const char *render(const char *src, mn_map *vars, int want, mn_err *err)
{
    mn_template *t = mn_template_engine_from_string(E, mn_str_from(src), NULL, err);
    cr_assert_not_null(t, "%s", err->msg);
    mn_template_context *ctx = mn_template_context_new(E, A, vars);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    int rc = mn_template_render(t, ctx, &b, err);
    cr_assert_eq(rc, want, "%s: %d %s", src, rc, err->msg);
    return mn_buf_cstr(&b);
}

Test(cache_template, fragment_key_as_django)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_str alice = MN_STR("alice");
    mn_cache_fragment_key("sidebar", &alice, 1, &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "template.cache.sidebar.770553c33dfa3a641da8312d60b3b9ef");
    mn_buf_init(&b, A, 0);
    mn_cache_fragment_key("sidebar", NULL, 0, &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "template.cache.sidebar.d41d8cd98f00b204e9800998ecf8427e");
}

Test(cache_template, fragments_live_in_the_cache)
{
    mn_err err = { 0 };
    mn_map *m = mn_map_new(A, 2);
    mn_map_set_cstr(m, "user", mn_value_cstr("alice"));
    mn_map_set_cstr(m, "n", mn_value_int(1));
    const char *src = "{% load cache %}{% cache 500 sidebar user %}hi {{ user }} {{ n }}{% endcache %}";
    cr_assert_str_eq(render(src, m, MN_OK, &err), "hi alice 1");
    mn_map_set_cstr(m, "n", mn_value_int(2));
    cr_assert_str_eq(render(src, m, MN_OK, &err), "hi alice 1");
    /* the key is Django's, in the default cache */
    mn_value v;
    cr_assert_eq(mn_cache_get(mn_cache_default(), "template.cache.sidebar.770553c33dfa3a641da8312d60b3b9ef",
                              mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert(mn_str_eq_cstr(v.u.s, "hi alice 1"));
    /* another user, another fragment */
    mn_map_set_cstr(m, "user", mn_value_cstr("bob"));
    cr_assert_str_eq(render(src, m, MN_OK, &err), "hi bob 2");
    /* invalidation is a delete */
    mn_cache_delete(mn_cache_default(), "template.cache.sidebar.770553c33dfa3a641da8312d60b3b9ef", NULL);
    mn_map_set_cstr(m, "user", mn_value_cstr("alice"));
    cr_assert_str_eq(render(src, m, MN_OK, &err), "hi alice 2");
}

Test(cache_template, using_and_timeouts)
{
    mn_err err = { 0 };
    mn_map *m = mn_map_new(A, 1);
    mn_map_set_cstr(m, "n", mn_value_int(1));
    cr_assert_str_eq(render("{% load cache %}{% cache 60 f using=\"other\" %}{{ n }}{% endcache %}", m, MN_OK, &err),
                     "1");
    cr_assert_eq(mn_cache_has_key(mn_caches_get("other", NULL), "template.cache.f.d41d8cd98f00b204e9800998ecf8427e",
                                  NULL), 1);
    cr_assert_eq(mn_cache_has_key(mn_cache_default(), "template.cache.f.d41d8cd98f00b204e9800998ecf8427e", NULL), 0);
    /* timeout 0 keeps nothing; None keeps forever */
    mn_map_set_cstr(m, "n", mn_value_int(2));
    cr_assert_str_eq(render("{% load cache %}{% cache 0 z %}{{ n }}{% endcache %}", m, MN_OK, &err), "2");
    mn_map_set_cstr(m, "n", mn_value_int(3));
    cr_assert_str_eq(render("{% load cache %}{% cache 0 z %}{{ n }}{% endcache %}", m, MN_OK, &err), "3");
    cr_assert_str_eq(render("{% load cache %}{% cache None forever %}{{ n }}{% endcache %}", m, MN_OK, &err), "3");
    mn_map_set_cstr(m, "n", mn_value_int(4));
    cr_assert_str_eq(render("{% load cache %}{% cache None forever %}{{ n }}{% endcache %}", m, MN_OK, &err), "3");
}

Test(cache_template, errors_as_django)
{
    mn_err err = { 0 };
    mn_map *m = mn_map_new(A, 1);
    mn_map_set_cstr(m, "x", mn_value_cstr("abc"));
    render("{% load cache %}{% cache x sidebar %}a{% endcache %}", m, MN_EINVAL, &err);
    cr_assert(strstr(err.msg, "\"cache\" tag got a non-integer timeout value: 'abc'"), "%s", err.msg);
    render("{% load cache %}{% cache \"5m\" s %}a{% endcache %}", m, MN_EINVAL, &err);
    cr_assert(strstr(err.msg, "\"cache\" tag got a non-integer timeout value: '5m'"), "%s", err.msg);
    render("{% load cache %}{% cache 5 s using=\"nope\" %}a{% endcache %}", m, MN_EINVAL, &err);
    cr_assert(strstr(err.msg, "Invalid cache name specified for cache tag: 'nope'"), "%s", err.msg);
    mn_template *t = mn_template_engine_from_string(E, MN_STR("{% load cache %}{% cache 5 %}a{% endcache %}"), NULL,
                                                    &err);
    cr_assert_null(t);
    cr_assert(strstr(err.msg, "''cache'' tag requires at least 2 arguments."), "%s", err.msg);
}
