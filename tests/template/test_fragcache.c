#include "helpers.h"

TestSuite(template_fragcache, .init = t_setup, .fini = t_teardown);

static int gets, sets;

static int hook_get(void *udata, mn_str key, mn_arena *arena, mn_str *out)
{
    gets++;
    mn_map *store = udata;
    mn_value *v = mn_map_find(store, key);
    if (!v)
        return MN_ENOTFOUND;
    *out = v->u.s;
    return MN_OK;
}

static int hook_set(void *udata, mn_str key, mn_str value, int64_t timeout)
{
    sets++;
    mn_map *store = udata;
    cr_assert_eq(timeout, 30);
    cr_assert(mn_str_starts_with(key, MN_STR("template.cache.side.")));
    return mn_map_set(store, mn_str_clone(T_arena, key), mn_value_str(mn_str_clone(T_arena, value)));
}

Test(template_fragcache, default_store_keeps_fragments)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "v", mn_value_cstr("first"));
    T_EXPECT("{% load cache %}{% cache 60 side %}{{ v }}{% endcache %}", m, "first");
    mn_map_set_cstr(m, "v", mn_value_cstr("second"));
    T_EXPECT("{% load cache %}{% cache 60 side %}{{ v }}{% endcache %}", m, "first");
    T_EXPECT("{% load cache %}{% cache 60 side v %}{{ v }}{% endcache %}", m, "second");
    T_EXPECT_ERROR("{% load cache %}{% cache 'x' side %}{% endcache %}", m,
                   "TemplateSyntaxError: \"cache\" tag got a non-integer timeout value: 'x'");
}

Test(template_fragcache, hooks)
{
    mn_map *store = t_map();
    mn_template_engine_set_cache(T_engine, hook_get, hook_set, store);
    T_EXPECT("{% load cache %}{% cache 30 side %}A{% endcache %}{% cache 30 side %}B{% endcache %}", NULL, "AA");
    cr_assert_eq(gets, 2);
    cr_assert_eq(sets, 1);
}
