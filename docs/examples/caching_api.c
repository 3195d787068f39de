/* docs/caching.md: CACHES, the low-level API, caching a query's results and
 * invalidating with post_save/post_delete receivers. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
                                         .meta = { .ordering = MN_NAMES("name") });

/* CACHES = {'default': {'BACKEND': '...LocMemCache', 'LOCATION': 'unique-snowflake'}} */
static const mn_cache_config caches[] = {
    { .alias = "default", .BACKEND = "django.core.cache.backends.locmem.LocMemCache",
      .LOCATION = "unique-snowflake" },
};

static int queries; /* counts the database trips of get_products */

static int expensive_computation(void *ctx, mn_arena *arena, mn_value *out)
{
    (void)ctx;
    *out = mn_value_str(mn_str_clone(arena, MN_STR("result")));
    return MN_OK;
}

/* def get_products(): the guide's "cache a query's results" */
static product **get_products(mn_arena *a, size_t *n, mn_err *err)
{
    mn_cache *cache = mn_cache_default();
    mn_value cached;
    if (mn_cache_get(cache, "all_products", mn_value_null(), a, &cached, err) == MN_OK) {
        printf("From cache\n");
        return (product **)mn_cache_objs_from_value(&product_model, cached, a, n, err);
    }
    mn_qs *qs = mn_qs_all(&product_model, a);
    if (mn_qs_eval(qs, err))
        return NULL;
    queries++;
    void **items = mn_qs_items(qs, n);
    mn_value v;
    if (mn_cache_objs_to_value(items, *n, &product_model, a, &v, err) ||
        mn_cache_set(cache, "all_products", v, 60 * 15, err))
        return NULL;
    printf("From database\n");
    return (product **)items;
}

/* @receiver(post_save, sender=Product) / @receiver(post_delete, sender=Product) */
static int product_changed(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    (void)response;
    product *p = mn_obj_from_value(mn_signal_arg(call, "instance"));
    char key[32];
    snprintf(key, sizeof key, "product_%lld", (long long)(p ? p->id : 0));
    mn_cache *cache = mn_cache_default();
    int rc = mn_cache_delete(cache, "all_products", err);
    if (rc >= 0)
        rc = mn_cache_delete(cache, key, err);
    return rc < 0 ? rc : MN_OK;
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    assert(mn_caches_configure(caches, 1, &err) == MN_OK);
    mn_cache *cache = mn_cache_default();

    /* cache.set('my_key', 'my_value', 300); cache.get('my_key') */
    assert(mn_cache_set(cache, "my_key", mn_value_cstr("my_value"), 300, &err) == MN_OK);
    mn_value value;
    assert(mn_cache_get(cache, "my_key", mn_value_null(), a, &value, &err) == MN_OK);
    assert(mn_str_eq_cstr(value.u.s, "my_value"));
    /* cache.get('missing', 'default_value') */
    assert(mn_cache_get(cache, "missing", mn_value_cstr("default_value"), a, &value, &err) == MN_ENOTFOUND);
    assert(mn_str_eq_cstr(value.u.s, "default_value"));
    /* cache.get_or_set('my_key2', expensive_computation, 300) */
    assert(mn_cache_get_or_set(cache, "my_key2", mn_value_callable(expensive_computation, NULL), 300, a, &value,
                               &err) == MN_OK);
    assert(mn_str_eq_cstr(value.u.s, "result"));
    /* cache.delete('my_key') */
    assert(mn_cache_delete(cache, "my_key", &err) == 1);

    /* cache.set_many({...}, 300); cache.get_many([...]); cache.delete_many([...]) */
    mn_map *data = mn_map_new(a, 2);
    mn_map_set_cstr(data, "key1", mn_value_cstr("value1"));
    mn_map_set_cstr(data, "key2", mn_value_cstr("value2"));
    assert(mn_cache_set_many(cache, data, 300, &err) == MN_OK);
    const char *keys[] = { "key1", "key2" };
    mn_map *values;
    assert(mn_cache_get_many(cache, keys, 2, a, &values, &err) == MN_OK && mn_map_len(values) == 2);
    assert(mn_cache_delete_many(cache, keys, 2, &err) == MN_OK);

    /* counters and versions */
    mn_cache_set(cache, "visits", mn_value_int(41), MN_CACHE_FOREVER, &err);
    int64_t visits;
    assert(mn_cache_incr(cache, "visits", 1, &visits, &err) == MN_OK && visits == 42);
    assert(mn_cache_incr(cache, "nope", 1, NULL, &err) == MN_ENOTFOUND);
    assert(strcmp(err.msg, "Key ':1:nope' not found") == 0);

    /* the query cache, and its invalidation by signals */
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_orm_use(db);
    assert(mn_model_create_table(&product_model, db, &err) == MN_OK);
    assert(mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Laptop"), "price",
                           mn_value_cstr("999.99"), NULL));
    mn_signal_connect(&mn_post_save, product_changed, &(mn_receiver_opts){ .sender = &product_model });
    mn_signal_connect(&mn_post_delete, product_changed, &(mn_receiver_opts){ .sender = &product_model });
    mn_cache_clear(cache, &err);

    size_t n;
    product **list = get_products(a, &n, &err); /* From database */
    assert(list && n == 1 && queries == 1);
    list = get_products(a, &n, &err); /* From cache */
    assert(list && n == 1 && queries == 1 && mn_str_eq_cstr(list[0]->name, "Laptop"));
    assert(mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Mouse"), "price",
                           mn_value_cstr("19.99"), NULL)); /* post_save deletes all_products */
    list = get_products(a, &n, &err); /* From database */
    assert(list && n == 2 && queries == 2);

    mn_signal_disconnect_all(&mn_post_save);
    mn_signal_disconnect_all(&mn_post_delete);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_caches_shutdown();
    mn_arena_free(a);
    return 0;
}
