/* The cache API (src/cache/cache.c): keys, versions, the base methods,
 * the dummy backend, the aliases, and model instances. Expected results
 * are Django 3.2's (python3-django, LocMemCache). */
#include <criterion/criterion.h>
#include <string.h>
#include "manouche.h"

static mn_arena *A;
static mn_cache *C;

static void setup(void)
{
    A = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_cache_config cfg = { .BACKEND = "locmem", .LOCATION = "api" };
    C = mn_cache_new(&cfg, &err);
    cr_assert_not_null(C, "%s", err.msg);
}
static void teardown(void)
{
    mn_cache_free(C);
    mn_arena_free(A);
}

TestSuite(cache, .init = setup, .fini = teardown);

static mn_value get(const char *k, mn_value dflt, int want)
{
    mn_value v;
    mn_err err = { 0 };
    int rc = mn_cache_get(C, k, dflt, A, &v, &err);
    cr_assert_eq(rc, want, "get(%s): %d %s", k, rc, err.msg);
    return v;
}

Test(cache, set_get_delete)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_set(C, "my_key", mn_value_cstr("my_value"), 300, &err), MN_OK);
    mn_value v = get("my_key", mn_value_null(), MN_OK);
    cr_assert(mn_str_eq_cstr(v.u.s, "my_value"));
    v = get("missing", mn_value_cstr("default_value"), MN_ENOTFOUND);
    cr_assert(mn_str_eq_cstr(v.u.s, "default_value"));
    /* a stored None is not a miss */
    mn_cache_set(C, "none", mn_value_null(), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    v = get("none", mn_value_cstr("dflt"), MN_OK);
    cr_assert(mn_value_is_null(v));
    cr_assert_eq(mn_cache_has_key(C, "none", NULL), 1);
    cr_assert_eq(mn_cache_delete(C, "my_key", NULL), 1);
    cr_assert_eq(mn_cache_delete(C, "my_key", NULL), 0);
    get("my_key", mn_value_null(), MN_ENOTFOUND);
}

Test(cache, values_are_copies)
{
    mn_list *l = mn_list_new(A, 2);
    mn_list_push(l, mn_value_int(1));
    mn_cache_set(C, "list", mn_value_list(l), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    mn_list_push(l, mn_value_int(2)); /* changing the original changes nothing cached */
    mn_value v = get("list", mn_value_null(), MN_OK);
    cr_assert_eq(mn_list_len(v.u.list), 1);
    mn_list_push(v.u.list, mn_value_int(3)); /* nor does changing a copy */
    v = get("list", mn_value_null(), MN_OK);
    cr_assert_eq(mn_list_len(v.u.list), 1);
}

Test(cache, uncacheable_values)
{
    mn_err err = { 0 };
    static const mn_type t = { .name = "Product" };
    int x;
    cr_assert_eq(mn_cache_set(C, "o", mn_value_object(&t, &x), 10, &err), MN_ETYPE);
    cr_assert(strstr(err.msg, "Product"), "%s", err.msg);
    mn_list *l = mn_list_new(A, 1);
    mn_list_push(l, mn_value_list(l));
    cr_assert_eq(mn_cache_set(C, "loop", mn_value_list(l), 10, &err), MN_EINVAL);
    cr_assert_eq(mn_cache_has_key(C, "loop", NULL), 0);
}

Test(cache, add_and_timeouts)
{
    cr_assert_eq(mn_cache_add(C, "n", mn_value_int(1), MN_CACHE_DEFAULT_TIMEOUT, NULL), 1);
    cr_assert_eq(mn_cache_add(C, "n", mn_value_int(2), MN_CACHE_DEFAULT_TIMEOUT, NULL), 0);
    cr_assert_eq(get("n", mn_value_null(), MN_OK).u.i, 1);
    /* timeout 0 expires at once; add then succeeds */
    mn_cache_set(C, "e", mn_value_int(1), 0, NULL);
    get("e", mn_value_cstr("miss"), MN_ENOTFOUND);
    cr_assert_eq(mn_cache_add(C, "e", mn_value_int(2), MN_CACHE_DEFAULT_TIMEOUT, NULL), 1);
    cr_assert_eq(get("e", mn_value_null(), MN_OK).u.i, 2);
    cr_assert_eq(mn_cache_default_timeout(C), 300);
}

Test(cache, incr_decr)
{
    mn_err err = { 0 };
    int64_t n;
    cr_assert_eq(mn_cache_incr(C, "nope", 1, &n, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Key ':1:nope' not found");
    mn_cache_set(C, "e", mn_value_int(2), MN_CACHE_DEFAULT_TIMEOUT, NULL);
    cr_assert_eq(mn_cache_incr(C, "e", 5, &n, NULL), MN_OK);
    cr_assert_eq(n, 7);
    cr_assert_eq(mn_cache_decr(C, "e", 10, &n, NULL), MN_OK);
    cr_assert_eq(n, -3);
    cr_assert_eq(get("e", mn_value_null(), MN_OK).u.i, -3);
}

static int compute(void *ctx, mn_arena *arena, mn_value *out)
{
    (*(int *)ctx)++;
    *out = mn_value_str(mn_str_clone(arena, MN_STR("computed")));
    return MN_OK;
}

static int failing(void *ctx, mn_arena *arena, mn_value *out)
{
    (void)ctx, (void)arena, (void)out;
    return MN_EDB;
}

Test(cache, get_or_set)
{
    int calls = 0;
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_get_or_set(C, "g", mn_value_callable(compute, &calls), 300, A, &v, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(v.u.s, "computed"));
    cr_assert_eq(mn_cache_get_or_set(C, "g", mn_value_cstr("other"), 300, A, &v, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(v.u.s, "computed"));
    cr_assert_eq(mn_cache_get_or_set(C, "g", mn_value_callable(compute, &calls), 300, A, &v, &err), MN_OK);
    cr_assert_eq(calls, 1, "the callable runs only on a miss");
    cr_assert_eq(mn_cache_get_or_set(C, "plain", mn_value_int(5), 300, A, &v, &err), MN_OK);
    cr_assert_eq(v.u.i, 5);
    cr_assert_eq(mn_cache_get_or_set(C, "bad", mn_value_callable(failing, NULL), 300, A, &v, &err), MN_EDB);
    cr_assert_eq(mn_cache_has_key(C, "bad", NULL), 0);
    /* with timeout 0 the value is returned but not kept, as Django */
    cr_assert_eq(mn_cache_get_or_set(C, "zero", mn_value_int(9), 0, A, &v, &err), MN_OK);
    cr_assert_eq(v.u.i, 9);
    cr_assert_eq(mn_cache_has_key(C, "zero", NULL), 0);
}

Test(cache, many)
{
    mn_map *data = mn_map_new(A, 2);
    mn_map_set_cstr(data, "key1", mn_value_cstr("value1"));
    mn_map_set_cstr(data, "key2", mn_value_cstr("value2"));
    cr_assert_eq(mn_cache_set_many(C, data, 300, NULL), MN_OK);
    const char *keys[] = { "key1", "key2", "key3" };
    mn_map *got;
    cr_assert_eq(mn_cache_get_many(C, keys, 3, A, &got, NULL), MN_OK);
    cr_assert_eq(mn_map_len(got), 2);
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(got, "key2").u.s, "value2"));
    cr_assert_not(mn_map_has(got, MN_STR("key3")));
    cr_assert_eq(mn_cache_delete_many(C, keys, 2, NULL), MN_OK);
    cr_assert_eq(mn_cache_get_many(C, keys, 3, A, &got, NULL), MN_OK);
    cr_assert_eq(mn_map_len(got), 0);
    mn_cache_set(C, "x", mn_value_int(1), 300, NULL);
    cr_assert_eq(mn_cache_clear(C, NULL), MN_OK);
    cr_assert_eq(mn_cache_has_key(C, "x", NULL), 0);
}

Test(cache, keys_and_versions)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_cache_make_key(C, "foo", &b);
    cr_assert_str_eq(mn_buf_cstr(&b), ":1:foo");
    mn_cache *v3 = mn_cache_with_version(C, 3, A);
    mn_buf_init(&b, A, 0);
    mn_cache_make_key(v3, "foo", &b);
    cr_assert_str_eq(mn_buf_cstr(&b), ":3:foo");
    /* Django: set v=1; incr_version -> 2; get() None; get(version=2) 1 */
    mn_cache_set(C, "v", mn_value_int(1), 300, NULL);
    int64_t nv;
    mn_err err = { 0 };
    cr_assert_eq(mn_cache_incr_version(C, "v", 1, &nv, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(nv, 2);
    get("v", mn_value_null(), MN_ENOTFOUND);
    mn_value v;
    cr_assert_eq(mn_cache_get(mn_cache_with_version(C, 2, A), "v", mn_value_null(), A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 1);
    cr_assert_eq(mn_cache_decr_version(mn_cache_with_version(C, 2, A), "v", 1, &nv, NULL), MN_OK);
    cr_assert_eq(nv, 1);
    cr_assert_eq(get("v", mn_value_null(), MN_OK).u.i, 1);
    cr_assert_eq(mn_cache_incr_version(C, "nope", 1, &nv, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Key 'nope' not found");
}

static int upper_key(mn_str key, const char *prefix, int64_t version, mn_buf *out)
{
    mn_buf_printf(out, "%s-%lld-", prefix, (long long)version);
    for (size_t i = 0; i < key.len; i++)
        mn_buf_putc(out, (char)(key.ptr[i] >= 'a' && key.ptr[i] <= 'z' ? key.ptr[i] - 32 : key.ptr[i]));
    return mn_buf_error(out);
}

Test(cache, prefix_version_and_key_function)
{
    mn_err err = { 0 };
    mn_cache_config cfg = { .BACKEND = "locmem", .LOCATION = "api", .KEY_PREFIX = "myapp", .VERSION = 7 };
    mn_cache *c = mn_cache_new(&cfg, &err);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_cache_make_key(c, "k", &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "myapp:7:k");
    /* the same store, a different prefix: no collision */
    mn_cache_set(c, "k", mn_value_int(1), 300, NULL);
    get("k", mn_value_null(), MN_ENOTFOUND);
    mn_cache_free(c);
    cfg.KEY_FUNCTION = upper_key;
    c = mn_cache_new(&cfg, &err);
    mn_buf_init(&b, A, 0);
    mn_cache_make_key(c, "abc", &b);
    cr_assert_str_eq(mn_buf_cstr(&b), "myapp-7-ABC");
    mn_cache_free(c);
}

Test(cache, key_warnings_as_django)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_cache_key_warnings(MN_STR(":1:a b\x01"), &b), 1);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "Cache key contains characters that will cause errors if used with memcached: "
                     "':1:a b\\x01'\n");
    char longkey[260];
    memset(longkey, 'x', 251);
    longkey[251] = 0;
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_cache_key_warnings(mn_str_from(longkey), &b), 1);
    cr_assert(mn_str_starts_with(mn_buf_str(&b), MN_STR("Cache key will cause errors if used with memcached: 'xxx")));
    cr_assert(mn_str_ends_with(mn_buf_str(&b), MN_STR("x' (longer than 250)\n")));
    longkey[0] = ' ';
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_cache_key_warnings(mn_str_from(longkey), &b), 2);
    mn_buf_init(&b, A, 0);
    cr_assert_eq(mn_cache_key_warnings(MN_STR(":1:fine-key"), &b), 0);
    /* such keys still work (Django only warns) */
    cr_assert_eq(mn_cache_set(C, "a b", mn_value_int(1), 300, NULL), MN_OK);
    cr_assert_eq(get("a b", mn_value_null(), MN_OK).u.i, 1);
}

Test(cache, dummy)
{
    mn_err err = { 0 };
    mn_cache_config cfg = { .BACKEND = "django.core.cache.backends.dummy.DummyCache" };
    mn_cache *d = mn_cache_new(&cfg, &err);
    cr_assert_str_eq(mn_cache_backend(d), "dummy");
    cr_assert_eq(mn_cache_set(d, "k", mn_value_int(1), 300, NULL), MN_OK);
    mn_value v;
    cr_assert_eq(mn_cache_get(d, "k", mn_value_int(5), A, &v, NULL), MN_ENOTFOUND);
    cr_assert_eq(v.u.i, 5);
    cr_assert_eq(mn_cache_add(d, "k", mn_value_int(1), 300, NULL), 1);
    cr_assert_eq(mn_cache_has_key(d, "k", NULL), 0);
    cr_assert_eq(mn_cache_delete(d, "k", NULL), 0);
    cr_assert_eq(mn_cache_touch(d, "k", 10, NULL), 0);
    cr_assert_eq(mn_cache_incr(d, "k", 1, NULL, &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Key 'k' not found");
    cr_assert_eq(mn_cache_get_or_set(d, "k", mn_value_int(3), 300, A, &v, NULL), MN_OK);
    cr_assert_eq(v.u.i, 3);
    mn_cache_free(d);
}

Test(cache, bad_config)
{
    mn_err err = { 0 };
    mn_cache_config cfg = { .alias = "x", .BACKEND = "django.core.cache.backends.memcached.PyMemcacheCache" };
    cr_assert_null(mn_cache_new(&cfg, &err));
    cr_assert(strstr(err.msg, "CACHES['x']: unknown BACKEND 'django.core.cache.backends.memcached"), "%s", err.msg);
    cfg = (mn_cache_config){ .alias = "y", .MAX_ENTRIES = -1 };
    cr_assert_null(mn_cache_new(&cfg, &err));
    cr_assert(strstr(err.msg, "MAX_ENTRIES"), "%s", err.msg);
}

Test(cache, aliases)
{
    mn_err err = { 0 };
    const mn_cache_config none[] = { { .alias = "other" } };
    cr_assert_eq(mn_caches_configure(none, 1, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "You must define a 'default' cache in your CACHES setting.");
    const mn_cache_config twice[] = { { .alias = "default" }, { .alias = "default" } };
    cr_assert_eq(mn_caches_configure(twice, 2, &err), MN_EINVAL);
    const mn_cache_config cfgs[] = {
        { .alias = "default", .BACKEND = "locmem", .LOCATION = "unique-snowflake" },
        { .alias = "sessions", .BACKEND = "dummy" },
    };
    cr_assert_eq(mn_caches_configure(cfgs, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(mn_cache_backend(mn_cache_default()), "locmem");
    cr_assert_str_eq(mn_cache_alias(mn_caches_get("sessions", NULL)), "sessions");
    cr_assert_null(mn_caches_get("nope", &err));
    cr_assert_str_eq(err.msg, "Could not find config for 'nope' in settings.CACHES");
    mn_caches_shutdown();
    /* nothing configured: the default comes from CACHE_URL (locmem://) */
    mn_cache *d = mn_cache_default();
    cr_assert_not_null(d);
    cr_assert_str_eq(mn_cache_backend(d), "locmem");
    mn_caches_shutdown();
}

/* ---- model instances ---- */

typedef struct item {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    mn_date added;
} item;

static const mn_field item_fields[] = {
    MN_FIELD_BIGAUTO(item, id),
    MN_FIELD_CHAR(item, name, .max_length = 50),
    MN_FIELD_DECIMAL(item, price, .max_digits = 8, .decimal_places = 2, .null = true),
    MN_FIELD_DATE(item, added),
    MN_FIELD_END,
};
static mn_model item_model = MN_MODEL(item, "shop", "Item", item_fields);

Test(cache, model_instances)
{
    mn_err err = { 0 };
    item *a = mn_model_new(&item_model, A, &err), *b = mn_model_new(&item_model, A, &err);
    a->id = 1, a->name = MN_STR("Laptop"), a->added = (mn_date){ 2024, 1, 5 };
    cr_assert_eq(mn_obj_set(a, &item_model, "price", mn_value_decimal(mn_decimal_make(99999, 2)), A, &err), MN_OK);
    b->id = 2, b->name = MN_STR("Mouse"), b->added = (mn_date){ 2024, 2, 1 };
    mn_obj_set_null(b, &item_model, "price", true);
    void *objs[] = { a, b };
    mn_value v;
    cr_assert_eq(mn_cache_objs_to_value(objs, 2, &item_model, A, &v, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_cache_set(C, "all_products", v, 900, &err), MN_OK, "%s", err.msg);
    mn_value got = get("all_products", mn_value_null(), MN_OK);
    size_t n;
    item **back = (item **)mn_cache_objs_from_value(&item_model, got, A, &n, &err);
    cr_assert_not_null(back, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(back[0]->id, 1);
    cr_assert(mn_str_eq_cstr(back[0]->name, "Laptop"));
    mn_buf db;
    mn_buf_init(&db, A, 0);
    mn_decimal_write(&db, back[0]->price);
    cr_assert_str_eq(mn_buf_cstr(&db), "999.99");
    cr_assert_eq(back[0]->added.day, 5);
    cr_assert(mn_obj_is_null(back[1], &item_model, "price"));
    cr_assert_eq(mn_obj_header(&item_model, back[0])->flags & MN_OBJ_ADDING, 0u);
    cr_assert_null(mn_cache_obj_from_value(&item_model, mn_value_int(1), A, &err));
    cr_assert_eq(err.code, MN_ETYPE);
    mn_map *partial = mn_map_new(A, 1);
    mn_map_set_cstr(partial, "id", mn_value_int(1));
    cr_assert_null(mn_cache_obj_from_value(&item_model, mn_value_map(partial), A, &err));
    cr_assert(strstr(err.msg, "lacks the field 'name'"), "%s", err.msg);
}
