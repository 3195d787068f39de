/* docs/performance.md: monitoring queries (the SQL log, the query log,
 * assertNumQueries), the N+1 problem and its detection, and the fix. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
} category;
static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_END,
};
static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields);

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t category;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_FOREIGNKEY(product, category, category_model),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
                                         .meta = { .ordering = MN_NAMES("id") });

static int sql_lines;
static void count_sql(void *ctx, const mn_log_record *rec)
{
    (void)ctx;
    if (!strcmp(rec->logger, "manouche.db.backends"))
        sql_lines++;
}

/* BAD: one query per product for its category (what product.category does
 * without select_related). */
static void list_bad(mn_arena *a)
{
    mn_err err = { 0 };
    mn_qs *products = mn_qs_all(&product_model, a);
    for (size_t i = 0; i < mn_qs_len(products); i++) {
        product *p = mn_qs_at(products, i);
        mn_nplus1_lazy_load("product.category", false); /* what the relations layer reports */
        category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, a), "pk", mn_value_int(p->category)), &err);
        assert(c);
    }
}

/* GOOD: two queries whatever the number of products. */
static void list_good(mn_arena *a)
{
    mn_err err = { 0 };
    mn_qs *products = mn_qs_all(&product_model, a);
    mn_map *categories = mn_qs_in_bulk(mn_qs_all(&category_model, a), NULL, 0, &err); /* in_bulk() */
    for (size_t i = 0; i < mn_qs_len(products); i++) {
        product *p = mn_qs_at(products, i);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)p->category);
        assert(mn_map_has(categories, mn_str_from(key)));
    }
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    mn_model_create_table(&category_model, db, &err);
    mn_model_create_table(&product_model, db, &err);
    category *coffee = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Coffee"), NULL);
    for (int i = 0; i < 20; i++)
        mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Beans"), "category", mn_value_int(coffee->id),
                        NULL);

    /* LOGGING = {'loggers': {'django.db.backends': {'level': 'DEBUG'}}}:
     * LOG_LEVELS=manouche.db.backends=DEBUG, or in code: */
    mn_log_set_capture(count_sql, NULL);
    mn_log_set_level("manouche.db.backends", MN_LOG_DEBUG);
    mn_qs_count(mn_qs_all(&product_model, a), &err);
    assert(sql_lines == 1);
    mn_log_reset();

    /* connection.queries: the connection's query log */
    mn_db_log_enable(db, true);
    mn_qs_len(mn_qs_filter(mn_qs_all(&product_model, a), "name__icontains", mn_value_cstr("bean")));
    assert(mn_db_log_count(db) == 1);
    printf("logged: %s (%.6fs)\n", mn_db_log_entry(db, 0)->sql, mn_db_log_entry(db, 0)->seconds);
    mn_db_log_enable(db, false);

    /* with self.assertNumQueries(2): */
    mn_test_queries *q = mn_test_queries_start(a);
    list_good(a);
    assert(mn_test_queries_assert(q, 2, &err));

    /* The N+1 detection, as DEBUG requests and the test client run it. */
    mn_nplus1_tracker *t = mn_nplus1_start(a, 0); /* threshold 0: NPLUS1_THRESHOLD's default, 5 */
    list_bad(a);
    mn_nplus1_stop(t);
    const char *msg = mn_nplus1_message(t);
    assert(msg && strstr(msg, "N+1 queries: 20 runs of one query on \"shop_category\" while loading "
                              "product.category lazily"));
    assert(strstr(msg, ".select_related(\"category\")"));
    printf("%s\n", msg);

    t = mn_nplus1_start(a, 0);
    list_good(a);
    mn_nplus1_stop(t);
    assert(mn_nplus1_message(t) == NULL && mn_nplus1_queries(t) == 2);

    /* queryset.explain() */
    const char *plan = mn_qs_explain(mn_qs_filter(mn_qs_all(&product_model, a), "category", mn_value_int(1)), &err);
    assert(plan);
    printf("plan: %s\n", plan);

    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
