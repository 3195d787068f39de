/* docs/querysets.md: the guide's QuerySet examples in C. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int32_t stock;
    bool available;
    mn_datetime created_at;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_DATETIME(product, created_at, .auto_now_add = true),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields);

static mn_value dec(const char *s)
{
    mn_decimal d;
    mn_decimal_parse_cstr(s, &d, NULL);
    return mn_value_decimal(d);
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    mn_model_create_table(&product_model, NULL, &err);

    /* Product.objects.bulk_create([...]) */
    const char *names[] = { "Blue Lamp", "Red Lamp", "Oak Desk", "Chair" };
    const char *prices[] = { "19.99", "24.50", "250.00", "45.00" };
    int stocks[] = { 3, 0, 2, 12 };
    void *objs[4];
    for (int i = 0; i < 4; i++) {
        product *p = mn_model_new(&product_model, a, &err);
        p->name = mn_str_from(names[i]);
        mn_decimal_parse_cstr(prices[i], &p->price, NULL);
        p->stock = stocks[i];
        objs[i] = p;
    }
    assert(mn_model_bulk_create(&product_model, objs, 4, 0, NULL, &err) == MN_OK);
    assert(((product *)objs[3])->id == 4);

    /* Product.objects.filter(price__gte=20).exclude(stock=0).order_by("-price") */
    mn_qs *qs = mn_qs_all(&product_model, a);
    qs = mn_qs_filter(qs, "price__gte", mn_value_int(20));
    qs = mn_qs_exclude(qs, "stock", mn_value_int(0));
    qs = mn_qs_order_by(qs, "-price", NULL);
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        product *p = mn_qs_at(qs, i);
        printf("%.*s\n", MN_STR_FMT(p->name));
    }
    assert(mn_qs_len(qs) == 2);

    /* Q(name__icontains="lamp") | Q(stock__gt=10) */
    mn_qobj *q = mn_q_or(mn_q(a, "name__icontains", mn_value_cstr("lamp")), mn_q(a, "stock__gt", mn_value_int(10)));
    assert(mn_qs_count(mn_qs_filter_q(mn_qs_all(&product_model, a), q), &err) == 3);

    /* get(): DoesNotExist and MultipleObjectsReturned */
    assert(!mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, a), "name", mn_value_cstr("Sofa")), &err));
    assert(err.code == MN_ENOTFOUND && strcmp(err.msg, "Product matching query does not exist.") == 0);
    assert(!mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, a), "name__endswith", mn_value_cstr("Lamp")), &err));
    assert(strcmp(err.msg, "get() returned more than one Product -- it returned 2!") == 0);

    /* A typo is caught with Django's message */
    mn_qs *typo = mn_qs_filter(mn_qs_all(&product_model, a), "prise__gt", mn_value_int(1));
    assert(mn_qs_count(typo, &err) == MN_EINVAL);
    assert(strcmp(err.msg, "Cannot resolve keyword 'prise' into field. Choices are: available, created_at, id, "
                           "name, price, stock") == 0);

    /* values_list("name", flat=True)[:2] */
    mn_list *first_two = mn_qs_rows(
        mn_qs_slice(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&product_model, a), "name", NULL), MN_QS_FLAT, "name", NULL),
                    0, 2));
    assert(mn_list_len(first_two) == 2 && mn_str_eq_cstr(mn_list_get(first_two, 0).u.s, "Blue Lamp"));

    /* aggregate(total=Sum("price"), n=Count("id"), in_stock=Count("id", filter=Q(stock__gt=0))) */
    mn_map *agg = mn_qs_aggregate(mn_qs_all(&product_model, a), &err, "total", mn_sum(a, "price"), "n",
                                  mn_count(a, "id"), "in_stock",
                                  mn_agg_filter(mn_count(a, "id"), mn_q(a, "stock__gt", mn_value_int(0))), NULL);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    mn_decimal_write(&b, mn_map_get_cstr(agg, "total").u.d);
    assert(strcmp(mn_buf_cstr(&b), "339.49") == 0);
    assert(mn_map_get_cstr(agg, "in_stock").u.i == 3);

    /* update(stock=F("stock") - 1) on what is in stock */
    int64_t n = mn_qs_update(mn_qs_filter(mn_qs_all(&product_model, a), "stock__gt", mn_value_int(0)), &err, "stock",
                             mn_expr_sub(a, mn_f(a, "stock"), mn_value_int(1)), NULL);
    assert(n == 3);

    /* get_or_create(name="Sofa", defaults={"price": 300}) */
    bool created;
    product *sofa = mn_qs_get_or_create(mn_qs_filter(mn_qs_all(&product_model, a), "name", mn_value_cstr("Sofa")),
                                        &created, &err, "price", dec("300"), NULL);
    assert(sofa && created);

    /* Monitoring query performance: count what a block runs */
    mn_db_log_enable(db, true);
    mn_qs *cached = mn_qs_all(&product_model, a);
    size_t total = mn_qs_len(cached) + mn_qs_len(cached); /* evaluated once */
    assert(total == 10 && mn_db_log_count(db) == 1);
    printf("%zu query: %s\n", mn_db_log_count(db), mn_db_log_entry(db, 0)->sql);
    mn_db_log_enable(db, false);

    /* print(queryset.query) and explain() */
    const char *sql = mn_qs_sql(mn_qs_filter(mn_qs_all(&product_model, a), "name__icontains", mn_value_cstr("lamp")),
                                NULL, &err);
    assert(strstr(sql, "WHERE \"name\" LIKE %s ESCAPE '\\'"));
    printf("%s\n", mn_qs_explain(mn_qs_filter(mn_qs_all(&product_model, a), "pk", mn_value_int(1)), &err));

    /* delete() returns how many rows went, per model */
    mn_map *per_model;
    assert(mn_qs_delete(mn_qs_filter(mn_qs_all(&product_model, a), "stock", mn_value_int(0)), &per_model, &err) == 2); /* Red Lamp, Sofa */
    assert(mn_map_get_cstr(per_model, "shop.Product").u.i == 2);

    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
