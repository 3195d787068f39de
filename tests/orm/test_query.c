/* QuerySets: lookups, Q, F, ordering, slicing, values, aggregates, writes,
 * errors, SQL injection, query counting. */
#include "shop.h"

static void seed(void)
{
    mn_err err = { 0 };
    /* name, price, stock */
    make_product("Blue Lamp", "19.99", 3);
    make_product("Red Lamp", "24.50", 0);
    make_product("Oak Desk", "250.00", 2);
    make_product("Pine Desk", "120.00", 5);
    make_product("Chair", "45.00", 12);
    make_product("100% Cotton_Rug", "80.00", 1);
    product *p = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, A), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(p, "%s", err.msg);
    p->rating = 4.5;
    mn_obj_set(p, &product_model, "publish_date", mn_value_cstr("2024-03-15"), A, &err);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
}

static void query_setup(void)
{
    shop_setup();
    seed();
}

TestSuite(qs, .init = query_setup, .fini = shop_teardown);

static mn_qs *all(void) { return mn_qs_all(&product_model, A); }

static int64_t count_where(const char *lookup, mn_value v)
{
    mn_err err = { 0 };
    int64_t n = mn_qs_count(mn_qs_filter(all(), lookup, v), &err);
    cr_assert_geq(n, 0, "%s: %s", lookup, err.msg);
    return n;
}

static mn_value list2(mn_value a, mn_value b)
{
    mn_list *l = mn_list_new(A, 2);
    mn_list_push(l, a);
    mn_list_push(l, b);
    return mn_value_list(l);
}

static const char *name_at(mn_qs *qs, size_t i)
{
    product *p = mn_qs_at(qs, i);
    cr_assert_not_null(p, "no item %zu: %s", i, mn_qs_error(qs)->msg);
    return mn_str_dup(A, p->name);
}

Test(qs, lookups)
{
    cr_assert_eq(count_where("name", mn_value_cstr("Chair")), 1);
    cr_assert_eq(count_where("name__exact", mn_value_cstr("chair")), 0);
    cr_assert_eq(count_where("name__iexact", mn_value_cstr("chair")), 1);
    cr_assert_eq(count_where("name__contains", mn_value_cstr("Lamp")), 2);
    cr_assert_eq(count_where("name__contains", mn_value_cstr("lamp")), 0, "contains is case-sensitive");
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("lamp")), 2);
    cr_assert_eq(count_where("name__startswith", mn_value_cstr("Oak")), 1);
    cr_assert_eq(count_where("name__startswith", mn_value_cstr("oak")), 0);
    cr_assert_eq(count_where("name__istartswith", mn_value_cstr("oak")), 1);
    cr_assert_eq(count_where("name__endswith", mn_value_cstr("Desk")), 2);
    cr_assert_eq(count_where("name__endswith", mn_value_cstr("desk")), 0);
    cr_assert_eq(count_where("name__iendswith", mn_value_cstr("DESK")), 2);
    cr_assert_eq(count_where("name__endswith", mn_value_cstr("")), 6);
    cr_assert_eq(count_where("price__gt", dec("80")), 2);
    cr_assert_eq(count_where("price__gte", dec("80")), 3);
    cr_assert_eq(count_where("price__lt", mn_value_int(25)), 2);
    cr_assert_eq(count_where("price__lte", mn_value_cstr("24.50")), 2);
    cr_assert_eq(count_where("stock__range", list2(mn_value_int(1), mn_value_int(3))), 3);
    cr_assert_eq(count_where("price__range", list2(dec("20"), dec("100"))), 3);
    mn_list *in = mn_list_new(A, 3);
    mn_list_push(in, mn_value_cstr("Chair"));
    mn_list_push(in, mn_value_cstr("Oak Desk"));
    mn_list_push(in, mn_value_null());
    cr_assert_eq(count_where("name__in", mn_value_list(in)), 2);
    cr_assert_eq(count_where("name__in", mn_value_list(mn_list_new(A, 0))), 0);
    cr_assert_eq(count_where("publish_date__isnull", mn_value_bool(true)), 5);
    cr_assert_eq(count_where("publish_date__isnull", mn_value_bool(false)), 1);
    cr_assert_eq(count_where("publish_date", mn_value_null()), 5);
    cr_assert_eq(count_where("name__regex", mn_value_cstr("^(Oak|Pine) ")), 2);
    cr_assert_eq(count_where("name__regex", mn_value_cstr("^oak")), 0);
    cr_assert_eq(count_where("name__iregex", mn_value_cstr("^oak")), 1);
    cr_assert_eq(count_where("publish_date__year", mn_value_int(2024)), 1);
    cr_assert_eq(count_where("publish_date__month", mn_value_int(3)), 1);
    cr_assert_eq(count_where("publish_date__day", mn_value_int(15)), 1);
    cr_assert_eq(count_where("publish_date__week_day", mn_value_int(6)), 1, "2024-03-15 is a Friday: 6");
    cr_assert_eq(count_where("publish_date__year__gte", mn_value_int(2025)), 0);
    mn_date today = mn_date_today(NULL); /* date parts are read in the current time zone */
    cr_assert_geq(count_where("created_at__date", mn_value_date(today)), 5, "rows made just now (unless at midnight)");
    cr_assert_eq(count_where("created_at__year", mn_value_int(today.year)), 6);
    cr_assert_eq(count_where("created_at__hour__gte", mn_value_int(0)), 6);
    cr_assert_eq(count_where("created_at__minute__lt", mn_value_int(60)), 6);
    cr_assert_eq(count_where("created_at__gt", mn_value_cstr("2000-01-01 00:00:00")), 6);
    cr_assert_eq(count_where("available", mn_value_bool(true)), 6);
    cr_assert_eq(count_where("pk", mn_value_int(1)), 1);
    cr_assert_eq(count_where("id__in", list2(mn_value_int(1), mn_value_int(2))), 2);
}

Test(qs, like_wildcards_are_literal)
{
    cr_assert_eq(count_where("name__contains", mn_value_cstr("%")), 1);
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("100%")), 1);
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("_")), 1);
    cr_assert_eq(count_where("name__istartswith", mn_value_cstr("%")), 0);
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("n_r")), 1, "Cotton_Rug has a real underscore");
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("on_r")), 1);
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("o_k")), 0, "_ is not a wildcard");
    cr_assert_eq(count_where("name__icontains", mn_value_cstr("\\")), 0);
}

Test(qs, sql_injection_strings_are_only_values)
{
    static const char *const evil[] = {
        "'; DROP TABLE shop_product; --", "\" OR 1=1 --", "' OR '1'='1", "%' OR 1=1 --", "\\'; DELETE FROM shop_product; --",
        "Chair' --", "%s", "%%", "?1", "$1", "') OR ('a'='a",
    };
    static const char *const lookups[] = {
        "name", "name__exact", "name__iexact", "name__contains", "name__icontains", "name__startswith",
        "name__istartswith", "name__endswith", "name__iendswith", "name__gt", "name__gte", "name__lt", "name__lte",
        "name__regex", "name__iregex", "slug", "description__icontains", "status",
    };
    for (size_t i = 0; i < sizeof evil / sizeof *evil; i++) {
        for (size_t j = 0; j < sizeof lookups / sizeof *lookups; j++) {
            mn_err err = { 0 };
            mn_value v = mn_value_cstr(evil[i]);
            int64_t n = mn_qs_count(mn_qs_filter(all(), lookups[j], v), &err);
            if (strstr(lookups[j], "regex") && n < 0)
                continue; /* not every string is a valid pattern: an error, never SQL */
            cr_assert_geq(n, 0, "%s %s: %s", lookups[j], evil[i], err.msg);
            if (!strstr(lookups[j], "__g") && !strstr(lookups[j], "__l") && !strstr(lookups[j], "regex") &&
                strcmp(evil[i], "%%") != 0)
                cr_assert_eq(n, 0, "%s %s matched %lld", lookups[j], evil[i], (long long)n);
        }
        mn_err err = { 0 };
        cr_assert_geq(mn_qs_count(mn_qs_filter(all(), "name__in", list2(mn_value_cstr(evil[i]), mn_value_cstr("x"))), &err), 0);
        cr_assert_geq(mn_qs_count(mn_qs_filter(all(), "name__range", list2(mn_value_cstr(evil[i]), mn_value_cstr("z"))), &err),
                      0);
        cr_assert_geq(mn_qs_count(mn_qs_filter(all(), "metadata__has_key", mn_value_cstr(evil[i])), &err), 0, "%s", err.msg);
        cr_assert_geq(mn_qs_count(mn_qs_filter(all(), "metadata__k", mn_value_cstr(evil[i])), &err), 0, "%s", err.msg);
        /* the value arrives intact when stored */
        product *p = mn_model_create(&product_model, A, &err, "name", mn_value_cstr(evil[i]), "slug",
                                     mn_value_str(mn_str_from(mn_arena_sprintf(A, "evil-%zu", i))), "price", dec("1"), NULL);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert_eq(count_where("name", mn_value_cstr(evil[i])), 1);
        cr_assert_eq(count_where("name__contains", mn_value_cstr(evil[i])), 1);
        cr_assert_eq(count_where("name__iexact", mn_value_cstr(evil[i])), 1);
    }
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_count(all(), &err), 6 + (int64_t)(sizeof evil / sizeof *evil), "the table is still there");
}

Test(qs, unknown_fields_give_djangos_errors)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "prise", mn_value_int(1)), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot resolve keyword 'prise' into field. Choices are: available, category, category_id, created_at, "
                              "description, id, metadata, name, price, publish_date, rating, slug, status, stock, "
                              "updated_at");
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name__foo", mn_value_int(1)), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Unsupported lookup 'foo' for CharField or join on the field not permitted.");
    cr_assert_eq(mn_qs_eval(mn_qs_order_by(all(), "-prise", NULL), &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "Cannot resolve keyword 'prise' into field."));
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name__isnull", mn_value_int(1)), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "The QuerySet value for an isnull lookup must be True or False.");
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "stock", mn_value_cstr("many")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Field 'stock' expected a number but got 'many'.");
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name__year", mn_value_int(1)), &err), MN_EINVAL);
    /* the error sticks to the QuerySet and its clones */
    mn_qs *bad = mn_qs_filter(mn_qs_slice(all(), 0, 2), "name", mn_value_cstr("x"));
    cr_assert_eq(mn_qs_error(bad)->code, MN_EINVAL);
    cr_assert_str_eq(mn_qs_error(bad)->msg, "Cannot filter a query once a slice has been taken.");
    cr_assert_eq(mn_qs_len(bad), 0);
    cr_assert_eq(mn_qs_error(mn_qs_slice(all(), -1, 2))->code, MN_EINVAL);
}

Test(qs, get_errors)
{
    mn_err err = { 0 };
    product *by = mn_qs_get(mn_qs_filter_by(all(), "name__icontains", mn_value_cstr("lamp"), "stock__gt", mn_value_int(0),
                                            NULL),
                            &err);
    cr_assert_not_null(by, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(by->name, "Blue Lamp"));
    cr_assert_eq(mn_qs_count(mn_qs_filter_by(all(), NULL), &err), 6);
    cr_assert_eq(mn_qs_count(mn_qs_filter_by(all(), "nope", mn_value_int(1), NULL), &err), MN_EINVAL);
    cr_assert_null(mn_qs_get(mn_qs_filter(all(), "name__icontains", mn_value_cstr("lamp")), &err));
    cr_assert_eq(err.code, MN_EMULTIPLE);
    cr_assert_str_eq(err.msg, "get() returned more than one Product -- it returned 2!");
    cr_assert_null(mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Sofa")), &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Product matching query does not exist.");
    product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(p);
    cr_assert_str_eq(decimal_text(p->price), "45.00");
    cr_assert_float_eq(p->rating, 4.5, 1e-9);
}

Test(qs, q_objects)
{
    mn_err err = { 0 };
    mn_qobj *lamps = mn_q(A, "name__icontains", mn_value_cstr("lamp"));
    mn_qobj *stocked = mn_q(A, "stock__gt", mn_value_int(4));
    cr_assert_eq(mn_qs_count(mn_qs_filter_q(all(), mn_q_or(lamps, stocked)), &err), 4);
    cr_assert_eq(mn_qs_count(mn_qs_filter_q(all(), mn_q_and(lamps, mn_q(A, "stock", mn_value_int(0)))), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter_q(all(), mn_q_not(lamps)), &err), 4);
    cr_assert_eq(mn_qs_count(mn_qs_exclude_q(all(), mn_q_or(lamps, stocked)), &err), 2);
    /* nesting: (lamp & in stock) | (desk & ~pine) */
    mn_qobj *q = mn_q_or(mn_q_and(lamps, mn_q(A, "stock__gt", mn_value_int(0))),
                        mn_q_and(mn_q(A, "name__endswith", mn_value_cstr("Desk")),
                                 mn_q_not(mn_q(A, "name__startswith", mn_value_cstr("Pine")))));
    mn_qs *qs = mn_qs_order_by(mn_qs_filter_q(all(), q), "name", NULL);
    cr_assert_eq(mn_qs_len(qs), 2, "%s", mn_qs_error(qs)->msg);
    cr_assert_str_eq(name_at(qs, 0), "Blue Lamp");
    cr_assert_str_eq(name_at(qs, 1), "Oak Desk");
}

Test(qs, exclude_keeps_nulls_like_django)
{
    mn_err err = { 0 };
    /* 5 rows have publish_date NULL: exclude(publish_date__year=2024) keeps them */
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "publish_date__year", mn_value_int(2024)), &err), 5);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "name", mn_value_cstr("Chair")), &err), 5);
    /* exclude(publish_date=None) is NOT (publish_date IS NULL), as in Django:
     * the rows with a date, not every row */
    int64_t dated = mn_qs_count(mn_qs_filter(all(), "publish_date__isnull", mn_value_bool(false)), &err);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "publish_date", mn_value_null()), &err), dated);
    cr_assert_eq(mn_qs_count(mn_qs_filter_q(all(), mn_q_not(mn_q(A, "publish_date", mn_value_null()))), &err), dated);
    const char *sql = mn_qs_sql(mn_qs_exclude(all(), "publish_date", mn_value_null()), NULL, &err);
    cr_assert_null(strstr(sql, "IS NOT NULL"), "%s", sql);
}

Test(qs, ordering_reverse_slicing)
{
    mn_err err = { 0 };
    mn_qs *qs = mn_qs_order_by(all(), "-price", NULL);
    cr_assert_eq(mn_qs_len(qs), 6);
    cr_assert_str_eq(name_at(qs, 0), "Oak Desk");
    cr_assert_str_eq(name_at(qs, 5), "Blue Lamp");
    mn_qs *r = mn_qs_reverse(qs);
    cr_assert_str_eq(name_at(r, 0), "Blue Lamp");
    mn_qs *two = mn_qs_slice(qs, 1, 3);
    cr_assert_eq(mn_qs_len(two), 2);
    cr_assert_str_eq(name_at(two, 0), "Pine Desk");
    cr_assert_str_eq(name_at(two, 1), "100% Cotton_Rug");
    mn_qs *inner = mn_qs_slice(two, 1, 5);
    cr_assert_eq(mn_qs_len(inner), 1, "a slice of a slice stays inside it");
    cr_assert_str_eq(name_at(inner, 0), "100% Cotton_Rug");
    cr_assert_eq(mn_qs_len(mn_qs_slice(qs, 4, -1)), 2);
    cr_assert_eq(mn_qs_count(two, &err), 2);
    /* several keys */
    mn_qs *multi = mn_qs_order_by(all(), "available", "-stock", NULL);
    cr_assert_str_eq(name_at(multi, 0), "Chair");
    /* random order still returns every row */
    cr_assert_eq(mn_qs_len(mn_qs_order_by(all(), "?", NULL)), 6);
    /* first/last */
    product *f = mn_qs_first(mn_qs_order_by(all(), "stock", NULL), &err);
    cr_assert(mn_str_eq_cstr(f->name, "Red Lamp"));
    product *l = mn_qs_last(mn_qs_order_by(all(), "stock", NULL), &err);
    cr_assert(mn_str_eq_cstr(l->name, "Chair"));
    product *byid = mn_qs_first(all(), &err);
    cr_assert_eq(byid->id, 1);
    cr_assert_eq(((product *)mn_qs_last(all(), &err))->id, 6);
    cr_assert_null(mn_qs_first(mn_qs_filter(all(), "stock", mn_value_int(99)), &err));
    cr_assert_eq(err.code, 0);
    cr_assert_eq(mn_qs_exists(mn_qs_filter(all(), "stock", mn_value_int(99)), &err), 0);
    cr_assert_eq(mn_qs_exists(mn_qs_filter(all(), "stock", mn_value_int(12)), &err), 1);
    cr_assert_eq(mn_qs_error(mn_qs_order_by(two, "name", NULL))->code, MN_EINVAL);
}

static const char *const newest_first[] = { "-created_at", "-id", NULL };
typedef struct ordered {
    mn_obj mn;
    int64_t id;
    mn_datetime created_at;
} ordered;
static const mn_field ordered_fields[] = {
    MN_FIELD_BIGAUTO(ordered, id),
    MN_FIELD_DATETIME(ordered, created_at, .auto_now_add = true),
    MN_FIELD_END,
};
static mn_model ordered_model = MN_MODEL(ordered, "shop", "Ordered", ordered_fields,
                                         .meta = { .ordering = newest_first, .db_table = "products_ordered" });

Test(qs, meta_ordering)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS products_ordered", NULL, 0, NULL, &err);
    cr_assert_eq(mn_model_create_table(&ordered_model, NULL, &err), MN_OK, "%s", err.msg);
    for (int i = 0; i < 3; i++)
        cr_assert_not_null(mn_model_create(&ordered_model, A, &err, NULL));
    mn_qs *qs = mn_qs_all(&ordered_model, A);
    cr_assert_eq(((ordered *)mn_qs_at(qs, 0))->id, 3);
    cr_assert_eq(((ordered *)mn_qs_at(mn_qs_reverse(qs), 0))->id, 1);
    cr_assert_eq(((ordered *)mn_qs_first(qs, &err))->id, 3);
    cr_assert_eq(((ordered *)mn_qs_last(qs, &err))->id, 1);
    /* order_by() with no names clears Meta.ordering */
    const char *sql = mn_qs_sql(mn_qs_order_by(qs, NULL), NULL, &err);
    cr_assert_null(strstr(sql, "ORDER BY"), "%s", sql);
    mn_db_execute(DB, "DROP TABLE products_ordered", NULL, 0, NULL, &err);
}

Test(qs, laziness_and_cache)
{
    mn_err err = { 0 };
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    mn_qs *qs = mn_qs_filter(mn_qs_order_by(all(), "name", NULL), "stock__gt", mn_value_int(0));
    cr_assert_eq(mn_db_log_count(DB), 0, "building a QuerySet runs nothing");
    cr_assert_eq(mn_qs_len(qs), 5);
    cr_assert_eq(mn_db_log_count(DB), 1);
    cr_assert_not_null(mn_qs_at(qs, 4));
    cr_assert_eq(mn_qs_count(qs, &err), 5);
    cr_assert_eq(mn_qs_exists(qs, &err), 1);
    cr_assert_eq(mn_db_log_count(DB), 1, "evaluated QuerySets answer from their cache");
    mn_qs *clone = mn_qs_filter(qs, "stock__lt", mn_value_int(5));
    cr_assert_eq(mn_qs_len(clone), 3);
    cr_assert_eq(mn_db_log_count(DB), 2, "a clone runs its own query");
    cr_assert(strstr(mn_db_log_entry(DB, 1)->sql, "\"stock\" > %s"), "%s", mn_db_log_entry(DB, 1)->sql);
    cr_assert_eq(mn_db_log_entry(DB, 1)->nparams, 2);
    mn_db_log_enable(DB, false);
}

Test(qs, none_matches_nothing)
{
    mn_err err = { 0 };
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    mn_qs *none = mn_qs_none(all());
    cr_assert_eq(mn_qs_len(none), 0);
    cr_assert_null(mn_qs_at(none, 0));
    cr_assert_eq(mn_db_log_count(DB), 0);
    cr_assert_eq(mn_qs_count(mn_qs_none(all()), &err), 0);
    cr_assert_eq(mn_qs_update(mn_qs_none(all()), &err, "stock", mn_value_int(1), NULL), 0);
    mn_list *rows = mn_qs_rows(mn_qs_values(mn_qs_none(all()), "name", NULL));
    cr_assert_not_null(rows);
    cr_assert_eq(mn_list_len(rows), 0);
    mn_db_log_enable(DB, false);
    cr_assert_eq(mn_qs_count(all(), &err), 6);
}

Test(qs, values_and_values_list)
{
    mn_err err = { 0 };
    mn_qs *base = mn_qs_order_by(mn_qs_filter(all(), "name__icontains", mn_value_cstr("lamp")), "name", NULL);
    mn_list *rows = mn_qs_rows(mn_qs_values(base, "name", "price", NULL));
    cr_assert_not_null(rows);
    cr_assert_eq(mn_list_len(rows), 2);
    mn_map *r0 = mn_list_get(rows, 0).u.map;
    cr_assert_eq(mn_map_len(r0), 2);
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(r0, "name").u.s, "Blue Lamp"));
    cr_assert_str_eq(decimal_text(mn_map_get_cstr(r0, "price").u.d), "19.99");
    /* values() without names: every field, FKs by attname */
    mn_map *full = mn_list_get(mn_qs_rows(mn_qs_values(base, NULL)), 0).u.map;
    cr_assert_eq(mn_map_len(full), 14);
    cr_assert(mn_map_has(full, MN_STR("category_id")));
    cr_assert_eq(mn_map_get_cstr(full, "available").type, MN_VALUE_BOOL);
    cr_assert_eq(mn_map_get_cstr(full, "created_at").type, MN_VALUE_DATETIME);
    mn_list *tuples = mn_qs_rows(mn_qs_values_list(base, 0, "id", "name", NULL));
    cr_assert_eq(mn_list_get(tuples, 1).type, MN_VALUE_LIST);
    cr_assert(mn_str_eq_cstr(mn_list_get(mn_list_get(tuples, 1).u.list, 1).u.s, "Red Lamp"));
    mn_list *flat = mn_qs_rows(mn_qs_values_list(base, MN_QS_FLAT, "name", NULL));
    cr_assert(mn_str_eq_cstr(mn_list_get(flat, 0).u.s, "Blue Lamp"));
    mn_list *named = mn_qs_rows(mn_qs_values_list(base, MN_QS_NAMED, "name", "stock", NULL));
    cr_assert_eq(mn_map_get_cstr(mn_list_get(named, 1).u.map, "stock").u.i, 0);
    mn_qs *bad = mn_qs_values_list(base, MN_QS_FLAT, "id", "name", NULL);
    cr_assert_str_eq(mn_qs_error(bad)->msg, "'flat' is not valid when values_list is called with more than one field.");
    cr_assert_null(mn_qs_rows(mn_qs_values(base, "nope", NULL)));
    cr_assert_null(mn_qs_get(mn_qs_values(base, "name", NULL), &err));
    cr_assert_eq(err.code, MN_EINVAL);
    cr_assert_null(mn_qs_first(mn_qs_values(base, "name", NULL), &err));
    cr_assert_eq(err.code, MN_EINVAL);
    (void)err;
    /* distinct */
    mn_list *avail = mn_qs_rows(mn_qs_distinct(mn_qs_values_list(all(), MN_QS_FLAT, "available", NULL)));
    cr_assert_eq(mn_list_len(avail), 1);
}

Test(qs, only_and_defer)
{
    mn_qs *qs = mn_qs_filter(mn_qs_only(all(), "name", NULL), "name", mn_value_cstr("Chair"));
    product *p = mn_qs_at(qs, 0);
    cr_assert_not_null(p, "%s", mn_qs_error(qs)->msg);
    cr_assert(mn_str_eq_cstr(p->name, "Chair"));
    cr_assert_gt(p->id, 0, "the primary key always loads");
    cr_assert_eq(p->stock, 0, "stock was not loaded");
    mn_qs *d = mn_qs_filter(mn_qs_defer(all(), "description", "stock", NULL), "name", mn_value_cstr("Chair"));
    p = mn_qs_at(d, 0);
    cr_assert_eq(p->stock, 0);
    cr_assert_str_eq(decimal_text(p->price), "45.00");
    cr_assert_eq(mn_qs_error(mn_qs_only(all(), "nope", NULL))->code, MN_EINVAL);
}

Test(qs, aggregate_and_annotate)
{
    mn_err err = { 0 };
    mn_map *agg = mn_qs_aggregate(all(), &err, "total", mn_sum(A, "price"), "n", mn_count(A, "id"), "avg_stock",
                                  mn_avg(A, "stock"), "top", mn_max(A, "price"), "low", mn_min(A, "stock"), NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    cr_assert_str_eq(decimal_text(mn_map_get_cstr(agg, "total").u.d), "539.49");
    cr_assert_eq(mn_map_get_cstr(agg, "n").u.i, 6);
    cr_assert_float_eq(mn_map_get_cstr(agg, "avg_stock").u.f, 23.0 / 6, 1e-9);
    cr_assert_str_eq(decimal_text(mn_map_get_cstr(agg, "top").u.d), "250.00");
    cr_assert_eq(mn_map_get_cstr(agg, "low").u.i, 0);
    /* distinct and filter= */
    agg = mn_qs_aggregate(all(), &err, "avail", mn_agg_distinct(mn_count(A, "available")), "in_stock",
                          mn_agg_filter(mn_count(A, "id"), mn_q(A, "stock__gt", mn_value_int(0))), NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(agg, "avail").u.i, 1);
    cr_assert_eq(mn_map_get_cstr(agg, "in_stock").u.i, 5);
    /* empty set: Sum is None, Count 0 */
    agg = mn_qs_aggregate(mn_qs_filter(all(), "stock", mn_value_int(-1)), &err, "s", mn_sum(A, "price"), "c",
                          mn_count(A, "*"), NULL);
    cr_assert(mn_value_is_null(mn_map_get_cstr(agg, "s")));
    cr_assert_eq(mn_map_get_cstr(agg, "c").u.i, 0);
    /* aggregate over a slice */
    agg = mn_qs_aggregate(mn_qs_slice(mn_qs_order_by(all(), "price", NULL), 0, 2), &err, "s", mn_sum(A, "stock"), NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(agg, "s").u.i, 3);
    /* the guide's total_inventory_value = Sum(F("price") * F("stock")) */
    agg = mn_qs_aggregate(all(), &err, "total_inventory_value",
                          mn_agg_of(A, MN_AGG_SUM, mn_expr_mul(A, mn_f(A, "price"), mn_f(A, "stock"))), "max_double",
                          mn_agg_of(A, MN_AGG_MAX, mn_expr_mul(A, mn_f(A, "stock"), mn_value_int(2))), NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    mn_value tiv = mn_map_get_cstr(agg, "total_inventory_value");
    cr_assert_eq(tiv.type, MN_VALUE_DECIMAL);
    mn_decimal expect;
    mn_decimal_parse_cstr("1779.97", &expect, NULL); /* 59.97 + 0 + 500 + 600 + 540 + 80 */
    mn_decimal q;
    mn_decimal_quantize(tiv.u.d, 2, MN_ROUND_HALF_EVEN, &q);
    cr_assert_eq(mn_decimal_cmp(q, expect), 0, "%s", decimal_text(tiv.u.d));
    cr_assert_eq(mn_map_get_cstr(agg, "max_double").type, MN_VALUE_INT);
    cr_assert_eq(mn_map_get_cstr(agg, "max_double").u.i, 24);
    cr_assert_null(mn_qs_aggregate(all(), &err, "x", mn_f(A, "price"), NULL));
    cr_assert_str_eq(err.msg, "x is not an aggregate expression");
    /* annotate with an F expression */
    mn_qs *qs = mn_qs_order_by(mn_qs_annotate(all(), "value", mn_expr_mul(A, mn_f(A, "price"), mn_f(A, "stock")), NULL),
                               "-value", NULL);
    product *p = mn_qs_at(qs, 0);
    cr_assert_not_null(p, "%s", mn_qs_error(qs)->msg);
    cr_assert(mn_str_eq_cstr(p->name, "Pine Desk"), "120 x 5 = 600 is the largest");
    mn_value v = mn_obj_annotation(p, &product_model, "value");
    double fv;
    cr_assert_eq(mn_value_to_double(v, &fv), MN_OK);
    cr_assert_float_eq(fv, 600.0, 1e-6);
    /* values().annotate(Count): group by */
    mn_qs *g = mn_qs_order_by(mn_qs_annotate(mn_qs_values(all(), "available", NULL), "n", mn_count(A, "id"), NULL),
                              "available", NULL);
    mn_list *rows = mn_qs_rows(g);
    cr_assert_not_null(rows, "%s", mn_qs_error(g)->msg);
    cr_assert_eq(mn_list_len(rows), 1);
    cr_assert_eq(mn_map_len(mn_list_get(rows, 0).u.map), 2, "values(...).annotate(...) rows hold both");
    cr_assert_eq(mn_map_get_cstr(mn_list_get(rows, 0).u.map, "n").u.i, 6);
    /* grouped by stock > 0? group by a plain field with several groups */
    mn_qs *by_status = mn_qs_order_by(mn_qs_annotate(mn_qs_values(all(), "status", NULL), "total", mn_sum(A, "stock"), NULL),
                                      "status", NULL);
    mn_list *sr = mn_qs_rows(by_status);
    cr_assert_not_null(sr, "%s", mn_qs_error(by_status)->msg);
    cr_assert_eq(mn_list_len(sr), 1);
    cr_assert_eq(mn_map_get_cstr(mn_list_get(sr, 0).u.map, "total").u.i, 23);
    /* an annotation made before values() comes only when named */
    mn_qs *before = mn_qs_values(mn_qs_annotate(all(), "x", mn_f(A, "stock"), NULL), "name", NULL);
    cr_assert_eq(mn_map_len(mn_list_get(mn_qs_rows(before), 0).u.map), 1);
    /* filtering on an aggregate annotation is HAVING */
    mn_qs *dup = mn_qs_filter(mn_qs_annotate(mn_qs_values(all(), "available", NULL), "n", mn_count(A, "id"), NULL),
                              "n__gt", mn_value_int(1));
    mn_list *dups = mn_qs_rows(dup);
    cr_assert_not_null(dups, "%s", mn_qs_error(dup)->msg);
    cr_assert_eq(mn_list_len(dups), 1);
    mn_qs *none_dup = mn_qs_filter(mn_qs_filter(mn_qs_annotate(mn_qs_values(all(), "name", NULL), "n", mn_count(A, "id"),
                                                               NULL),
                                                "n__gt", mn_value_int(1)),
                                   "stock__gte", mn_value_int(0));
    cr_assert_eq(mn_list_len(mn_qs_rows(none_dup)), 0, "%s", mn_qs_error(none_dup)->msg);
    const char *hsql = mn_qs_sql(none_dup, NULL, &err);
    cr_assert(strstr(hsql, "WHERE \"stock\" >= %s GROUP BY \"name\" HAVING (COUNT(\"id\")) > %s"), "%s", hsql);
    cr_assert_eq(mn_qs_count(dup, &err), 1, "%s", err.msg);
    cr_assert_eq(mn_qs_update(dup, &err, "stock", mn_value_int(1), NULL), MN_EINVAL);
    cr_assert_str_eq(err.msg, "update() cannot filter on an aggregate of values().annotate() groups: update the "
                              "rows whose available is in the grouped QuerySet's values(\"available\") instead");
    /* filtering on an annotation */
    mn_qs *f = mn_qs_filter(mn_qs_annotate(all(), "double_stock", mn_expr_mul(A, mn_f(A, "stock"), mn_value_int(2)), NULL),
                            "double_stock__gte", mn_value_int(10));
    cr_assert_eq(mn_qs_count(f, &err), 2, "%s", err.msg);
}

Test(qs, f_expressions_in_filters_and_updates)
{
    mn_err err = { 0 };
    /* stock greater than a tenth of the price: Blue Lamp (3 > 1.999), Chair (12 > 4.5) */
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "stock__gt", mn_expr_div(A, mn_f(A, "price"), mn_value_int(10))), &err),
                 2, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "rating__lt", mn_f(A, "stock")), &err), 5);
    int64_t n = mn_qs_update(mn_qs_filter(all(), "stock__gt", mn_value_int(0)), &err, "stock",
                             mn_expr_sub(A, mn_f(A, "stock"), mn_value_int(1)), NULL);
    cr_assert_eq(n, 5, "%s", err.msg);
    product *c = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_eq(c->stock, 11);
    n = mn_qs_update(all(), &err, "price", mn_expr_add(A, mn_f(A, "price"), dec("0.01")), "status",
                     mn_value_cstr("published"), NULL);
    cr_assert_eq(n, 6, "%s", err.msg);
    c = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_str_eq(decimal_text(c->price), "45.01");
    cr_assert(mn_str_eq_cstr(c->status, "published"));
    cr_assert_eq(mn_qs_update(all(), &err, "prise", mn_value_int(1), NULL), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product has no field named 'prise'");
    cr_assert_eq(mn_qs_update(all(), &err, "stock", mn_f(A, "nope"), NULL), MN_EINVAL);
    cr_assert_eq(mn_qs_update(mn_qs_slice(all(), 0, 1), &err, "stock", mn_value_int(1), NULL), MN_EINVAL);
}

Test(qs, delete_counts)
{
    mn_err err = { 0 };
    mn_map *per = NULL;
    int64_t n = mn_qs_delete(mn_qs_filter(all(), "name__icontains", mn_value_cstr("desk")), &per, &err);
    cr_assert_eq(n, 2, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(per, "shop.Product").u.i, 2);
    cr_assert_eq(mn_qs_count(all(), &err), 4);
    cr_assert_eq(mn_qs_delete(mn_qs_slice(all(), 0, 1), NULL, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot use 'limit' or 'offset' with delete.");
}

Test(qs, bulk_create_and_update)
{
    mn_err err = { 0 };
    enum { N = 250 };
    void *objs[N];
    for (int i = 0; i < N; i++) {
        product *p = mn_model_new(&product_model, A, &err);
        p->name = mn_str_from(mn_arena_sprintf(A, "Bulk %03d", i));
        p->slug = mn_str_from(mn_arena_sprintf(A, "bulk-%03d", i));
        p->price = mn_decimal_make(100 + i, 2);
        p->stock = i;
        objs[i] = p;
    }
    cr_assert_eq(mn_model_bulk_create(&product_model, objs, N, 100, NULL, &err), MN_OK, "%s", err.msg);
    for (int i = 0; i < N; i++)
        cr_assert_eq(((product *)objs[i])->id, 7 + i, "ids come back in order");
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name__startswith", mn_value_cstr("Bulk")), &err), N);
    product *p10 = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(17)), &err);
    cr_assert(mn_str_eq_cstr(p10->name, "Bulk 010"));
    cr_assert_gt(p10->created_at.us, 0, "auto_now_add is filled by bulk_create");
    for (int i = 0; i < N; i++)
        ((product *)objs[i])->stock = 1000 + i;
    const char *const fields[] = { "stock", NULL };
    cr_assert_eq(mn_model_bulk_update(&product_model, objs, N, fields, 64, NULL, &err), N, "%s", err.msg);
    p10 = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(17)), &err);
    cr_assert_eq(p10->stock, 1010);
    const char *const pkf[] = { "id", NULL };
    cr_assert_eq(mn_model_bulk_update(&product_model, objs, N, pkf, 0, NULL, &err), MN_EINVAL);
    /* a failing batch rolls the whole bulk_create back */
    product *dup1 = mn_model_new(&product_model, A, &err), *dup2 = mn_model_new(&product_model, A, &err);
    dup1->name = dup2->name = mn_str_from("Dup");
    dup1->slug = dup2->slug = mn_str_from("dup");
    void *dups[] = { dup1, dup2 };
    cr_assert_eq(mn_model_bulk_create(&product_model, dups, 2, 1, NULL, &err), MN_EEXIST);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name", mn_value_cstr("Dup")), &err), 0);
}

Test(qs, get_or_create_and_update_or_create)
{
    mn_err err = { 0 };
    bool created;
    product *p = mn_qs_get_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &created, &err, "price",
                                     dec("1"), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert(!created);
    cr_assert_str_eq(decimal_text(p->price), "45.00");
    p = mn_qs_get_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Sofa")), &created, &err, "price", dec("300"),
                            "stock", mn_value_int(2), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert(created);
    cr_assert_gt(p->id, 0);
    cr_assert(mn_str_eq_cstr(p->slug, "sofa"));
    p = mn_qs_update_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Sofa")), &created, &err, "stock",
                               mn_value_int(9), NULL);
    cr_assert(!created);
    cr_assert_eq(p->stock, 9);
    p = mn_qs_update_or_create(mn_qs_filter(all(), "name__exact", mn_value_cstr("Bench")), &created, &err, "price",
                               dec("70"), NULL);
    cr_assert(created);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name", mn_value_cstr("Bench")), &err), 1);
    cr_assert_null(mn_qs_get_or_create(mn_qs_filter(all(), "name__icontains", mn_value_cstr("lamp")), &created, &err,
                                       NULL));
    cr_assert_eq(err.code, MN_EMULTIPLE);
}

Test(qs, in_bulk_iterator_raw)
{
    mn_err err = { 0 };
    mn_value ids[] = { mn_value_int(1), mn_value_int(3), mn_value_int(99) };
    mn_map *m = mn_qs_in_bulk(all(), ids, 3, &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_assert_eq(mn_map_len(m), 2);
    product *p3 = mn_obj_from_value(mn_map_get_cstr(m, "3"));
    cr_assert(mn_str_eq_cstr(p3->name, "Oak Desk"));
    /* iterator in chunks of 4 over 6 rows */
    mn_qs_iter *it = mn_qs_iterator(mn_qs_filter(all(), "stock__gte", mn_value_int(0)), 4);
    int n = 0;
    int64_t last = 0;
    product *p;
    while ((p = mn_qs_iter_next(it, &err)) != NULL) {
        cr_assert_gt(p->id, last);
        last = p->id;
        n++;
    }
    cr_assert_eq(err.code, 0, "%s", err.msg);
    cr_assert_eq(n, 6);
    mn_qs_iter_close(it);
    /* keyset chunks: each chunk asks for ids after the last one */
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    it = mn_qs_iterator(mn_qs_filter(all(), "stock__gte", mn_value_int(1)), 2);
    n = 0;
    while ((p = mn_qs_iter_next(it, &err)) != NULL)
        n++;
    mn_qs_iter_close(it);
    cr_assert_eq(n, 5);
    if (is_pg()) {
        /* a server-side cursor: one DECLARE, a FETCH per chunk, and the
         * short chunk closes it */
        cr_assert_eq(mn_db_log_count(DB), 5);
        cr_assert(!strncmp(mn_db_log_entry(DB, 0)->sql, "DECLARE mn_cursor_0 NO SCROLL CURSOR WITH HOLD FOR SELECT ", 58),
                  "%s", mn_db_log_entry(DB, 0)->sql);
        for (size_t i = 1; i <= 3; i++)
            cr_assert_str_eq(mn_db_log_entry(DB, i)->sql, "FETCH FORWARD 2 FROM mn_cursor_0");
        cr_assert_str_eq(mn_db_log_entry(DB, 4)->sql, "CLOSE mn_cursor_0");
    } else {
        cr_assert_eq(mn_db_log_count(DB), 3, "2 + 2 + 1 rows: the short chunk ends it");
        cr_assert(strstr(mn_db_log_entry(DB, 1)->sql, "\"id\" > %s"), "%s", mn_db_log_entry(DB, 1)->sql);
        cr_assert_null(strstr(mn_db_log_entry(DB, 2)->sql, "OFFSET"));
    }
    mn_db_log_enable(DB, false);
    /* raw SQL runs once whatever the chunk size */
    it = mn_qs_iterator(mn_qs_raw(&product_model, A, "SELECT id, name FROM shop_product", NULL, 0), 2);
    n = 0;
    while ((p = mn_qs_iter_next(it, &err)) != NULL)
        n++;
    mn_qs_iter_close(it);
    cr_assert_eq(n, 6);
    it = mn_qs_iterator(mn_qs_slice(mn_qs_order_by(all(), "-id", NULL), 1, 4), 2);
    n = 0;
    while ((p = mn_qs_iter_next(it, &err)) != NULL)
        n++;
    cr_assert_eq(n, 3);
    mn_qs_iter_close(it);
    /* raw SQL with parameters */
    mn_value params[] = { mn_value_int(10) };
    mn_qs *raw = mn_qs_raw(&product_model, A,
                           "SELECT id, name, stock, stock * 2 AS twice FROM shop_product WHERE stock > %s", params, 1);
    cr_assert_eq(mn_qs_len(raw), 1, "%s", mn_qs_error(raw)->msg);
    p = mn_qs_at(raw, 0);
    cr_assert(mn_str_eq_cstr(p->name, "Chair"));
    cr_assert_eq(mn_obj_annotation(p, &product_model, "twice").u.i, 24);
    mn_qs *nopk = mn_qs_raw(&product_model, A, "SELECT name FROM shop_product", NULL, 0);
    cr_assert_eq(mn_qs_eval(nopk, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Raw query must include the primary key");
}

Test(qs, sql_text_and_explain)
{
    mn_err err = { 0 };
    mn_list *params;
    mn_qs *qs = mn_qs_slice(mn_qs_order_by(mn_qs_filter(all(), "name__icontains", mn_value_cstr("lamp")), "-price", NULL),
                            0, 10);
    const char *sql = mn_qs_sql(qs, &params, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    if (!is_pg())
        cr_assert_str_eq(sql, "SELECT \"id\", \"name\", \"slug\", \"description\", \"price\", \"stock\", \"available\", "
                              "\"rating\", \"status\", \"category_id\", \"metadata\", \"publish_date\", \"created_at\", "
                              "\"updated_at\" FROM \"shop_product\" WHERE \"name\" LIKE %s ESCAPE '\\' ORDER BY "
                              "\"price\" DESC LIMIT 10");
    cr_assert_eq(mn_list_len(params), 1);
    cr_assert(mn_str_eq_cstr(mn_list_get(params, 0).u.s, "%lamp%"));
    const char *plan = mn_qs_explain(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(plan, "%s", err.msg);
    cr_assert(strlen(plan) > 0);
    if (!is_pg())
        cr_assert(strstr(plan, "USING INDEX"), "the db_index on name is used: %s", plan);
}

Test(qs, json_key_lookups)
{
    mn_err err = { 0 };
    product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    mn_value meta;
    cr_assert_eq(mn_json_loads(A, MN_STR("{\"color\": \"red\", \"size\": {\"w\": 40, \"h\": 90}, \"tags\": [\"x\"]}"),
                               NULL, &meta, &err),
                 MN_OK);
    mn_obj_set(p, &product_model, "metadata", meta, A, &err);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count_where("metadata__color", mn_value_cstr("red")), 1);
    cr_assert_eq(count_where("metadata__color", mn_value_cstr("blue")), 0);
    cr_assert_eq(count_where("metadata__size__w", mn_value_int(40)), 1);
    cr_assert_eq(count_where("metadata__size__w__gt", mn_value_int(30)), 1);
    cr_assert_eq(count_where("metadata__size__w__lt", mn_value_int(30)), 0);
    cr_assert_eq(count_where("metadata__color__icontains", mn_value_cstr("RE")), 1);
    cr_assert_eq(count_where("metadata__has_key", mn_value_cstr("size")), 1);
    cr_assert_eq(count_where("metadata__has_key", mn_value_cstr("weight")), 0);
    cr_assert_eq(count_where("metadata__weight__isnull", mn_value_bool(true)), 6);
    cr_assert_eq(count_where("metadata__color__isnull", mn_value_bool(false)), 1);
    cr_assert_eq(count_where("metadata__tags__0", mn_value_cstr("x")), 1);
    p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(p->id)), &err);
    cr_assert(mn_value_eq(p->metadata, meta));
}

/* select_for_update(nowait, skip_locked, no_key, of): the SQL, and on
 * PostgreSQL a row locked by another connection */
Test(qs, select_for_update_options)
{
    mn_err err = { 0 };
    mn_qs *bad = mn_qs_select_for_update_opts(all(), MN_SFU_NOWAIT | MN_SFU_SKIP_LOCKED, NULL);
    cr_assert_eq(mn_qs_count(bad, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "The nowait option cannot be used with skip_locked.");
    mn_qs *of = mn_qs_select_for_update_opts(all(), MN_SFU_NO_KEY | MN_SFU_NOWAIT, "self", NULL);
    const char *sql = mn_qs_sql(of, NULL, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    if (!is_pg()) {
        cr_assert_null(strstr(sql, "FOR"), "SQLite has no FOR UPDATE: %s", sql);
        cr_assert_eq(mn_qs_len(of), 6, "ignored on SQLite, as in Django");
        return;
    }
    cr_assert(strstr(sql, " FOR NO KEY UPDATE OF \"shop_product\" NOWAIT"), "%s", sql);
    sql = mn_qs_sql(mn_qs_select_for_update_opts(all(), MN_SFU_SKIP_LOCKED, NULL), NULL, &err);
    cr_assert(strstr(sql, " FOR UPDATE SKIP LOCKED"), "%s", sql);
    sql = mn_qs_sql(mn_qs_select_for_update_opts(all(), 0, "categry", NULL), NULL, &err);
    cr_assert_null(sql);
    cr_assert_str_eq(err.msg, "Invalid field name(s) given in select_for_update(of=(...)): categry. Only relational "
                              "fields followed in the query are allowed. Choices are: self.");

    /* another connection locks the Chair */
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(mn_str_from(url), A, &cfg, &err), MN_OK, "%s", err.msg);
    mn_db *other = mn_db_open(&cfg, &err);
    cr_assert_not_null(other, "%s", err.msg);
    char path[96];
    snprintf(path, sizeof path, "SET search_path TO orm_test_%d", (int)getpid());
    cr_assert_eq(mn_db_execute(other, path, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_begin(other, &err), MN_OK, "%s", err.msg);
    mn_qs *chair = mn_qs_filter(mn_qs_using(all(), other), "name", mn_value_cstr("Chair"));
    cr_assert_eq(mn_qs_len(mn_qs_select_for_update(chair)), 1, "%s", mn_qs_error(chair)->msg);

    cr_assert_eq(mn_db_begin(DB, &err), MN_OK, "%s", err.msg);
    mn_qs *skip = mn_qs_order_by(mn_qs_select_for_update_opts(all(), MN_SFU_SKIP_LOCKED, NULL), "name", NULL);
    cr_assert_eq(mn_qs_len(skip), 5, "the locked row is skipped: %s", mn_qs_error(skip)->msg);
    for (size_t i = 0; i < 5; i++)
        cr_assert_str_neq(name_at(skip, i), "Chair");
    mn_qs *nowait = mn_qs_select_for_update_opts(all(), MN_SFU_NOWAIT, NULL);
    int nrc = mn_qs_eval(nowait, &err);
    cr_assert_eq(nrc, MN_ETIMEOUT, "%d %s", nrc, err.msg);
    cr_assert(strstr(err.msg, "could not obtain lock on row"), "%s", err.msg);
    cr_assert_eq(mn_db_rollback(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_rollback(other, &err), MN_OK, "%s", err.msg);
    mn_db_close(other);
}

/* explain(format, options) */
Test(qs, explain_formats_and_options)
{
    mn_err err = { 0 };
    mn_qs *qs = mn_qs_filter(all(), "stock__gt", mn_value_int(2));
    cr_assert_null(mn_qs_explain_opts(qs, &err, NULL, "analyze) SELECT 1; --", 1, NULL));
    cr_assert_str_eq(err.msg, "Invalid option name: 'analyze) SELECT 1; --'.");
    if (!is_pg()) {
        const char *plan = mn_qs_explain(qs, &err);
        cr_assert(plan && strstr(plan, "SCAN shop_product"), "%s", plan ? plan : err.msg);
        cr_assert_null(mn_qs_explain_opts(qs, &err, "json", NULL));
        cr_assert_str_eq(err.msg, "JSON is not a recognized format.");
        cr_assert_null(mn_qs_explain_opts(qs, &err, NULL, "analyze", 1, NULL));
        cr_assert_str_eq(err.msg, "Unknown options: analyze");
        return;
    }
    const char *plan = mn_qs_explain_opts(qs, &err, "json", "analyze", 1, "costs", 0, NULL);
    cr_assert_not_null(plan, "%s", err.msg);
    mn_value v;
    cr_assert_eq(mn_json_loads(A, mn_str_from(plan), NULL, &v, &err), MN_OK, "JSON text: %s", plan);
    cr_assert_eq(v.type, MN_VALUE_LIST);
    cr_assert(strstr(plan, "\"Actual Rows\""), "analyze ran: %s", plan);
    cr_assert_null(strstr(plan, "\"Total Cost\""), "costs false: %s", plan);
    plan = mn_qs_explain_opts(qs, &err, "yaml", "verbose", 1, NULL);
    cr_assert(plan && strstr(plan, "Output:"), "%s", plan ? plan : err.msg);
    cr_assert_null(mn_qs_explain_opts(qs, &err, "html", NULL));
    cr_assert_str_eq(err.msg, "HTML is not a recognized format. Allowed formats: JSON, TEXT, XML, YAML");
    cr_assert_null(mn_qs_explain_opts(qs, &err, NULL, "zz", 1, "analyze", 1, "bogus", 0, NULL));
    cr_assert_str_eq(err.msg, "Unknown options: BOGUS, ZZ");
}

/* values("metadata__k"): the key's JSON value, decoded (the same types on
 * both backends: a boolean stays one and "123" a string on SQLite too) */
static mn_value json_key_of(const char *name, const char *key)
{
    mn_qs *qs = mn_qs_values_list(mn_qs_filter(all(), "name", mn_value_cstr(name)), MN_QS_FLAT, key, NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s: %s", key, mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 1);
    return mn_list_get(rows, 0);
}

Test(qs, json_keys_in_values)
{
    mn_err err = { 0 };
    product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    mn_value meta;
    cr_assert_eq(mn_json_loads(A, MN_STR("{\"flag\": true, \"num\": \"123\", \"f\": 1.5, \"n\": 7, \"nul\": null, "
                                         "\"o\": {\"a\": [1, \"two\"]}, \"s\": \"x\\\"y\"}"),
                               NULL, &meta, &err),
                 MN_OK);
    mn_obj_set(p, &product_model, "metadata", meta, A, &err);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);

    mn_value v = json_key_of("Chair", "metadata__flag");
    cr_assert(v.type == MN_VALUE_BOOL && v.u.b);
    v = json_key_of("Chair", "metadata__num");
    cr_assert(v.type == MN_VALUE_STR && mn_str_eq(v.u.s, MN_STR("123")));
    v = json_key_of("Chair", "metadata__s");
    cr_assert(v.type == MN_VALUE_STR && mn_str_eq(v.u.s, MN_STR("x\"y")));
    v = json_key_of("Chair", "metadata__f");
    cr_assert(v.type == MN_VALUE_FLOAT && v.u.f == 1.5);
    v = json_key_of("Chair", "metadata__n");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 7);
    cr_assert_eq(json_key_of("Chair", "metadata__nul").type, MN_VALUE_NULL);
    cr_assert_eq(json_key_of("Chair", "metadata__missing").type, MN_VALUE_NULL);
    cr_assert_eq(json_key_of("Oak Desk", "metadata__n").type, MN_VALUE_NULL); /* SQL NULL column */
    v = json_key_of("Chair", "metadata__o");
    cr_assert_eq(v.type, MN_VALUE_MAP);
    v = json_key_of("Chair", "metadata__o__a__1");
    cr_assert(v.type == MN_VALUE_STR && mn_str_eq(v.u.s, MN_STR("two")));
    /* in a subquery the key compares as its value: name IN (SELECT key) */
    if (!is_pg()) {
        mn_qs *sub = mn_qs_values_list(all(), MN_QS_FLAT, "metadata__s", NULL);
        mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Oak Desk")), &err, "name", mn_value_cstr("x\"y"), NULL);
        mn_value subv;
        cr_assert_eq(mn_qs_to_value(sub, &subv, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(count_where("name__in", subv), 1);
    }
    /* a key name that quotes: a parameter, never SQL */
    cr_assert_eq(json_key_of("Chair", "metadata__a\"b')--").type, MN_VALUE_NULL);

    /* values() maps, annotate(F()) and order_by() of a selected key */
    mn_qs *qs = mn_qs_values(mn_qs_order_by(all(), "-metadata__n", "name", NULL), "name", "metadata__n", NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 6);
    mn_value first = mn_list_get(rows, mn_db_engine_of(DB) == MN_DB_POSTGRES ? 5 : 0); /* DESC puts NULLs first on PostgreSQL */
    mn_value n7 = mn_map_get_cstr(first.u.map, "metadata__n");
    cr_assert(n7.type == MN_VALUE_INT && n7.u.i == 7);
    qs = mn_qs_annotate(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "flag", mn_f(A, "metadata__flag"), NULL);
    p = mn_qs_get(qs, &err);
    cr_assert_not_null(p, "%s", err.msg);
    v = mn_obj_annotation(p, &product_model, "flag");
    cr_assert(v.type == MN_VALUE_BOOL && v.u.b);
    cr_assert_eq(count_where("metadata__n", mn_f(A, "metadata__n")), 1);
    /* jsonb > integer: PostgreSQL refuses, as with Django */
    int64_t n = mn_qs_count(mn_qs_filter(all(), "metadata__n__lt", mn_f(A, "stock")), &err);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES)
        cr_assert_lt(n, 0);
    else
        cr_assert_eq(n, 1, "%s", err.msg);
}

/* Chair created at 2023-12-31 23:30 UTC: already 2024-01-01 00:30 in
 * Paris. */
static void chair_created_at_new_year_utc(void)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err, "created_at",
                              mn_value_cstr("2023-12-31 23:30:00+00:00"), NULL),
                 1, "%s", err.msg);
}

static const mn_tz *paris_tz(void)
{
    mn_err err = { 0 };
    const mn_tz *paris = mn_tz_get("Europe/Paris", &err);
    cr_assert_not_null(paris, "%s", err.msg);
    return paris;
}

Test(qs, date_parts_in_the_current_time_zone)
{
    mn_err err = { 0 };
    /* 2023-12-31 23:30 UTC is already 2024 in Paris */
    chair_created_at_new_year_utc();
    mn_tz_activate(mn_tz_utc());
    cr_assert_eq(count_where("created_at__year", mn_value_int(2023)), 1);
    cr_assert_eq(count_where("created_at__hour", mn_value_int(23)), 1);
    const mn_tz *paris = paris_tz();
    mn_tz_activate(paris);
    cr_assert_eq(count_where("created_at__year", mn_value_int(2023)), 0);
    cr_assert_eq(count_where("created_at__year", mn_value_int(2024)), 1);
    cr_assert_eq(count_where("created_at__month", mn_value_int(1)), 1);
    cr_assert_eq(count_where("created_at__hour", mn_value_int(0)), 1);
    cr_assert_eq(count_where("created_at__date", mn_value_cstr("2024-01-01")), 1);
    cr_assert_eq(count_where("created_at__week_day", mn_value_int(2)), 1, "Monday 1 January 2024");
    /* the zone is a parameter, repeated wherever the column is */
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "created_at__year", mn_value_int(2024)), &err), 5, "%s", err.msg);
    mn_tz_activate(NULL);
}

/* The one row of values(names...) for Chair. */
static mn_map *chair_values(mn_qs *qs)
{
    mn_list *rows = mn_qs_rows(mn_qs_filter(qs, "name", mn_value_cstr("Chair")));
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 1);
    cr_assert_eq(mn_list_get(rows, 0).type, MN_VALUE_MAP);
    return mn_list_get(rows, 0).u.map;
}

Test(qs, transforms_in_values)
{
    mn_err err = { 0 };
    /* 2023-12-31 23:30 UTC: 2024-01-01 00:30 in Paris */
    chair_created_at_new_year_utc();
    const mn_tz *paris = paris_tz();
    mn_tz_activate(paris);
    mn_map *row = chair_values(mn_qs_values(all(), "name", "created_at__year", "created_at__date", "created_at__hour",
                                            "created_at__time", "publish_date__month", "created_at__date__day", NULL));
    mn_value v = mn_map_get_cstr(row, "created_at__year");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 2024, "the year in Paris, an int");
    v = mn_map_get_cstr(row, "created_at__date");
    cr_assert(v.type == MN_VALUE_DATE && v.u.date.year == 2024 && v.u.date.month == 1 && v.u.date.day == 1);
    v = mn_map_get_cstr(row, "created_at__hour");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 0);
    v = mn_map_get_cstr(row, "created_at__time");
    cr_assert(v.type == MN_VALUE_TIME && v.u.time.hour == 0 && v.u.time.minute == 30);
    v = mn_map_get_cstr(row, "publish_date__month");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 3);
    v = mn_map_get_cstr(row, "created_at__date__day");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 1);
    /* the same row in UTC */
    mn_tz_activate(mn_tz_utc());
    row = chair_values(mn_qs_values(all(), "created_at__year", "created_at__hour", NULL));
    cr_assert_eq(mn_map_get_cstr(row, "created_at__year").u.i, 2023);
    cr_assert_eq(mn_map_get_cstr(row, "created_at__hour").u.i, 23);
    mn_tz_activate(paris);

    /* a null date gives null; values_list flat */
    mn_qs *qs = mn_qs_values_list(mn_qs_order_by(all(), "publish_date__year", "name", NULL), MN_QS_FLAT,
                                  "publish_date__year", NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 6);
    size_t nulls = 0;
    for (size_t i = 0; i < 6; i++)
        nulls += mn_list_get(rows, i).type == MN_VALUE_NULL;
    cr_assert_eq(nulls, 5);

    /* values().annotate() groups by the transform; order_by() it */
    qs = mn_qs_order_by(mn_qs_annotate(mn_qs_values(all(), "created_at__year", NULL), "n", mn_count(A, "pk"), NULL),
                        "created_at__year", NULL);
    rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 2, "Chair in 2024, the others now");
    mn_map *g0 = mn_list_get(rows, 0).u.map, *g1 = mn_list_get(rows, 1).u.map;
    cr_assert_eq(mn_map_get_cstr(g0, "created_at__year").u.i, 2024);
    cr_assert_eq(mn_map_get_cstr(g0, "n").u.i, 1);
    cr_assert_gt(mn_map_get_cstr(g1, "created_at__year").u.i, 2024);
    cr_assert_eq(mn_map_get_cstr(g1, "n").u.i, 5);
    /* distinct() on a transform, counted */
    cr_assert_eq(mn_qs_count(mn_qs_distinct(mn_qs_values(all(), "created_at__year", NULL)), &err), 2, "%s", err.msg);
    /* the zone is a parameter: a filter on the grouped count (HAVING) keeps them in step */
    qs = mn_qs_filter(mn_qs_annotate(mn_qs_values(all(), "created_at__year", NULL), "n", mn_count(A, "pk"), NULL),
                      "n__gt", mn_value_int(1));
    rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 1);

    /* annotate(F("created_at__year")), aggregates of a transform */
    product *p = mn_qs_get(mn_qs_annotate(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "y",
                                          mn_f(A, "created_at__year"), NULL),
                           &err);
    cr_assert_not_null(p, "%s", err.msg);
    v = mn_obj_annotation(p, &product_model, "y");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 2024);
    mn_map *agg = mn_qs_aggregate(all(), &err, "m", mn_min(A, "created_at__year"), "d", mn_min(A, "created_at__date"),
                                  NULL);
    cr_assert_not_null(agg, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(agg, "m").u.i, 2024);
    v = mn_map_get_cstr(agg, "d");
    cr_assert(v.type == MN_VALUE_DATE && v.u.date.year == 2024 && v.u.date.day == 1);

    /* what is no transform gets Django's error, naming the first bad part */
    static const struct { const char *name, *msg; } bad[] = {
        { "created_at__foo", "Cannot resolve keyword 'foo' into field. Join on 'created_at' not permitted." },
        { "created_at__year__gt", "Cannot resolve keyword 'year' into field. Join on 'created_at' not permitted." },
        { "publish_date__hour", "Cannot resolve keyword 'hour' into field. Join on 'publish_date' not permitted." },
        { "name__year", "Cannot resolve keyword 'year' into field. Join on 'name' not permitted." },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        qs = mn_qs_values(all(), bad[i].name, NULL);
        cr_assert_null(mn_qs_rows(qs), "%s", bad[i].name);
        cr_assert_str_eq(mn_qs_error(qs)->msg, bad[i].msg);
    }
    mn_tz_activate(NULL);
}

Test(qs, json_keys_across_a_relation)
{
    mn_err err = { 0 };
    category *light = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Lighting"), NULL);
    cr_assert_not_null(light, "%s", err.msg);
    cr_assert_not_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Empty"), NULL), "%s", err.msg);
    static const struct { const char *name, *meta; } lamps[] = {
        { "Blue Lamp", "{\"color\": \"blue\", \"size\": 3}" },
        { "Red Lamp", "{\"color\": \"red\", \"size\": 5, \"o'k\": true}" },
    };
    for (size_t i = 0; i < 2; i++) {
        product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr(lamps[i].name)), &err);
        cr_assert_not_null(p, "%s", err.msg);
        mn_value meta;
        cr_assert_eq(mn_json_loads(A, mn_str_from(lamps[i].meta), NULL, &meta, &err), MN_OK);
        mn_obj_set(p, &product_model, "metadata", meta, A, &err);
        cr_assert_eq(mn_obj_set(p, &product_model, "category", mn_value_int(light->id), A, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    }
    mn_qs *cats = mn_qs_all(&category_model, A);
    /* filter / exclude / isnull on the key of the related rows */
    cr_assert_eq(mn_qs_count(mn_qs_filter(cats, "product__metadata__color", mn_value_cstr("red")), &err), 1, "%s",
                 err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(cats, "product__metadata__size__gt", mn_value_int(4)), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(cats, "product__metadata__color", mn_value_cstr("red")), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(cats, "product__metadata__o'k", mn_value_bool(true)), &err), 1);
    /* values(): one row per related row, the key decoded; ordered by it */
    mn_qs *qs = mn_qs_values(mn_qs_order_by(cats, "name", "-product__metadata__size", NULL), "name",
                             "product__metadata__color", "product__metadata__size", NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 3, "Empty, then the two lamps");
    mn_map *r = mn_list_get(rows, 0).u.map;
    cr_assert_eq(mn_map_get_cstr(r, "product__metadata__color").type, MN_VALUE_NULL);
    r = mn_list_get(rows, 1).u.map;
    mn_value v = mn_map_get_cstr(r, "product__metadata__color");
    cr_assert(v.type == MN_VALUE_STR && mn_str_eq(v.u.s, MN_STR("red")), "the larger size first");
    v = mn_map_get_cstr(r, "product__metadata__size");
    cr_assert(v.type == MN_VALUE_INT && v.u.i == 5);
    /* grouped by the key */
    qs = mn_qs_order_by(mn_qs_annotate(mn_qs_values(cats, "product__metadata__color", NULL), "n", mn_count(A, "pk"),
                                       NULL),
                        "product__metadata__color", NULL);
    rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 3);
    /* a key name that quotes stays a parameter */
    qs = mn_qs_values(cats, "product__metadata__a\"b')--", NULL);
    rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_map_len(mn_list_get(rows, 0).u.map), 1);
    /* an unknown field before the key: Django's error */
    qs = mn_qs_values(cats, "product__metadat__color", NULL);
    cr_assert_null(mn_qs_rows(qs));
    cr_assert(strstr(mn_qs_error(qs)->msg, "Cannot resolve keyword 'metadat' into field.") != NULL, "%s",
              mn_qs_error(qs)->msg);
}

static mn_qs *shared_prices(void)
{
    return mn_qs_filter(mn_qs_annotate(mn_qs_values(all(), "price", NULL), "n", mn_count(A, "pk"), NULL), "n__gt",
                        mn_value_int(1));
}

Test(qs, writes_on_grouped_querysets)
{
    mn_err err = { 0 };
    /* Product.objects.values("price").annotate(n=Count("pk")).filter(n__gt=1):
     * the price shared by two products (45.00 after this update) */
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Blue Lamp")), &err, "price", dec("45.00"),
                              NULL),
                 1, "%s", err.msg);
    mn_qs *grouped = shared_prices();
    /* update(): Django 3.2 sends the aggregate to the WHERE, which the
     * database refuses; we refuse it first, saying what to do */
    cr_assert_eq(mn_qs_update(grouped, &err, "stock", mn_value_int(0), NULL), MN_EINVAL);
    cr_assert(strstr(err.msg, "update() cannot filter on an aggregate of values().annotate() groups") != NULL, "%s",
              err.msg);
    /* delete(): Django's TypeError (an error stays with its QuerySet: a new one) */
    mn_map *per = NULL;
    cr_assert_lt(mn_qs_delete(shared_prices(), &per, &err), 0);
    cr_assert_str_eq(err.msg, "Cannot call delete() after .values() or .values_list()");
    /* what to do instead: the rows whose price is in the groups; a later
     * values() keeps the grouping by price */
    mn_qs *prices = mn_qs_values(shared_prices(), "price", NULL);
    mn_value sub;
    cr_assert_eq(mn_qs_to_value(prices, &sub, &err), MN_OK, "%s", err.msg);
    const char *sql = mn_qs_sql(prices, NULL, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    cr_assert(strstr(sql, "GROUP BY \"price\" HAVING") != NULL, "%s", sql);
    int64_t n = mn_qs_update(mn_qs_filter(all(), "price__in", sub), &err, "stock", mn_value_int(0), NULL);
    cr_assert_eq(n, 2, "%s", err.msg);
    cr_assert_eq(count_where("stock", mn_value_int(0)), 3, "Red Lamp had none already");
    /* values(a).annotate(Count).values("n"): grouped by a all the same */
    mn_qs *counts = mn_qs_order_by(mn_qs_values(mn_qs_annotate(mn_qs_values(all(), "price", NULL), "n",
                                                               mn_count(A, "pk"), NULL),
                                                "n", NULL),
                                   "-n", NULL);
    mn_list *l = mn_qs_rows(counts);
    cr_assert_not_null(l, "%s", mn_qs_error(counts)->msg);
    cr_assert_eq(mn_list_len(l), 5, "six products, two at 45.00");
    cr_assert_eq(mn_map_get_cstr(mn_list_get(l, 0).u.map, "n").u.i, 2);
    cr_assert_eq(mn_map_len(mn_list_get(l, 0).u.map), 1, "only n is selected");
}

Test(qs, dates)
{
    mn_err err = { 0 };
    /* Chair: 2023-12-31 23:30 UTC (2024-01-01 in Paris), published
     * 2024-03-15; Blue Lamp published 2024-03-02; the rest created now */
    chair_created_at_new_year_utc();
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Blue Lamp")), &err, "publish_date",
                              mn_value_cstr("2024-03-02"), NULL),
                 1, "%s", err.msg);
    mn_qs *qs = mn_qs_dates(all(), "publish_date", "month", NULL);
    mn_list *rows = mn_qs_rows(qs);
    cr_assert_not_null(rows, "%s", mn_qs_error(qs)->msg);
    cr_assert_eq(mn_list_len(rows), 1, "one month, null dates left out");
    mn_value d = mn_list_get(rows, 0);
    cr_assert(d.type == MN_VALUE_DATE && d.u.date.year == 2024 && d.u.date.month == 3 && d.u.date.day == 1);
    rows = mn_qs_rows(mn_qs_dates(all(), "publish_date", "day", "DESC"));
    cr_assert_eq(mn_list_len(rows), 2);
    cr_assert_eq(mn_list_get(rows, 0).u.date.day, 15);
    rows = mn_qs_rows(mn_qs_dates(all(), "publish_date", "week", NULL));
    cr_assert_eq(mn_list_len(rows), 2);
    cr_assert_eq(mn_list_get(rows, 0).u.date.month, 2, "Saturday 2 March 2024: the week of Monday 26 February");
    cr_assert_eq(mn_list_get(rows, 0).u.date.day, 26);
    cr_assert_eq(mn_list_get(rows, 1).u.date.day, 11);
    rows = mn_qs_rows(mn_qs_dates(all(), "publish_date", "year", NULL));
    cr_assert_eq(mn_list_len(rows), 1);
    cr_assert_eq(mn_list_get(rows, 0).u.date.month, 1);
    /* a DateTimeField: on the current time zone's calendar */
    const mn_tz *paris = paris_tz();
    mn_tz_activate(paris);
    rows = mn_qs_rows(mn_qs_dates(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "created_at", "year", NULL));
    cr_assert_eq(mn_list_get(rows, 0).u.date.year, 2024);
    mn_tz_activate(mn_tz_utc());
    rows = mn_qs_rows(mn_qs_dates(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "created_at", "day", NULL));
    cr_assert_eq(mn_list_get(rows, 0).u.date.year, 2023);
    cr_assert_eq(mn_list_get(rows, 0).u.date.day, 31);
    mn_tz_activate(NULL);
    /* count(), slicing */
    cr_assert_eq(mn_qs_count(mn_qs_dates(all(), "created_at", "year", NULL), &err), 2, "%s", err.msg);
    rows = mn_qs_rows(mn_qs_slice(mn_qs_dates(all(), "publish_date", "day", NULL), 1, 5));
    cr_assert_eq(mn_list_len(rows), 1);
    /* Django's errors */
    static const struct { const char *field, *kind, *order, *msg; } bad[] = {
        { "publish_date", "hour", NULL, "'kind' must be one of 'year', 'month', 'week', or 'day'." },
        { "publish_date", "day", "asc", "'order' must be either 'ASC' or 'DESC'." },
        { "name", "day", NULL, "'name' isn't a DateField, TimeField, or DateTimeField." },
        { "metadata", "day", "DESC", "'metadata' isn't a DateField, TimeField, or DateTimeField." },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        qs = mn_qs_dates(all(), bad[i].field, bad[i].kind, bad[i].order);
        cr_assert_null(mn_qs_rows(qs), "%s", bad[i].msg);
        cr_assert_str_eq(mn_qs_error(qs)->msg, bad[i].msg);
    }
    qs = mn_qs_dates(all(), "publish_dat", "day", NULL);
    cr_assert_null(mn_qs_rows(qs));
    cr_assert(strstr(mn_qs_error(qs)->msg, "Cannot resolve keyword 'publish_dat' into field.") != NULL, "%s",
              mn_qs_error(qs)->msg);
    cr_assert_null(mn_qs_dates(NULL, "publish_date", "day", NULL));
    qs = mn_qs_dates(all(), NULL, NULL, NULL);
    cr_assert_null(mn_qs_rows(qs));
}

Test(qs, datetimes)
{
    mn_err err = { 0 };
    /* Chair: 2023-12-31 23:30 UTC, 00:30 on 1 January in Paris */
    chair_created_at_new_year_utc();
    const mn_tz *paris = paris_tz();
    mn_tz_activate(paris);
    mn_qs *chair = mn_qs_filter(all(), "name", mn_value_cstr("Chair"));
    static const struct { const char *kind, *utc; int year, month, day, hour, minute; } want[] = {
        { "year", "2023-12-31 23:00:00+00:00", 2024, 1, 1, 0, 0 },
        { "month", "2023-12-31 23:00:00+00:00", 2024, 1, 1, 0, 0 },
        { "week", "2023-12-31 23:00:00+00:00", 2024, 1, 1, 0, 0 }, /* Monday 1 January 2024 */
        { "day", "2023-12-31 23:00:00+00:00", 2024, 1, 1, 0, 0 },
        { "hour", "2023-12-31 23:00:00+00:00", 2024, 1, 1, 0, 0 },
        { "minute", "2023-12-31 23:30:00+00:00", 2024, 1, 1, 0, 30 },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        mn_qs *qs = mn_qs_datetimes(chair, "created_at", want[i].kind, NULL);
        mn_list *rows = mn_qs_rows(qs);
        cr_assert_not_null(rows, "%s: %s", want[i].kind, mn_qs_error(qs)->msg);
        cr_assert_eq(mn_list_len(rows), 1);
        mn_value v = mn_list_get(rows, 0);
        cr_assert_eq(v.type, MN_VALUE_DATETIME);
        cr_assert_eq(v.u.dt.tz, paris, "%s: in the current zone", want[i].kind);
        mn_datetime utc;
        cr_assert_eq(mn_datetime_parse(mn_str_from(want[i].utc), &utc, NULL), MN_OK);
        cr_assert_eq(v.u.dt.us, utc.us, "%s", want[i].kind);
        mn_date d;
        mn_time t;
        mn_datetime_fields(v.u.dt, &d, &t);
        cr_assert(d.year == want[i].year && d.month == want[i].month && d.day == want[i].day &&
                      t.hour == want[i].hour && t.minute == want[i].minute,
                  "%s", want[i].kind);
    }
    /* in UTC the same row is still in 2023 */
    mn_tz_activate(mn_tz_utc());
    mn_list *rows = mn_qs_rows(mn_qs_datetimes(chair, "created_at", "year", NULL));
    cr_assert_not_null(rows);
    mn_date d;
    mn_time t;
    mn_datetime_fields(mn_list_get(rows, 0).u.dt, &d, &t);
    cr_assert_eq(d.year, 2023);
    /* distinct, ordered, counted */
    cr_assert_eq(mn_qs_count(mn_qs_datetimes(all(), "created_at", "year", "DESC"), &err), 2, "%s", err.msg);
    rows = mn_qs_rows(mn_qs_datetimes(all(), "created_at", "year", "DESC"));
    cr_assert_eq(mn_list_len(rows), 2);
    cr_assert_gt(mn_list_get(rows, 0).u.dt.us, mn_list_get(rows, 1).u.dt.us);
    mn_tz_activate(NULL);
    /* Django's errors */
    mn_qs *qs = mn_qs_datetimes(all(), "created_at", "fortnight", NULL);
    cr_assert_null(mn_qs_rows(qs));
    cr_assert_str_eq(mn_qs_error(qs)->msg,
                     "'kind' must be one of 'year', 'month', 'week', 'day', 'hour', 'minute', or 'second'.");
    qs = mn_qs_datetimes(all(), "publish_date", "day", NULL);
    cr_assert_null(mn_qs_rows(qs));
    cr_assert_str_eq(mn_qs_error(qs)->msg, "Cannot truncate DateField 'publish_date' to DateTimeField. ");
    qs = mn_qs_dates(all(), "created_at", "hour", NULL); /* dates() has no hours */
    cr_assert_null(mn_qs_rows(qs));
    /* 01:00 on 3 November 2024 happens twice in Chicago: SQLite's naive
     * wall clock is made aware as Django does (is_dst=None), which fails;
     * PostgreSQL's AT TIME ZONE picks one, as Django gets there */
    cr_assert_eq(mn_qs_update(chair, &err, "created_at", mn_value_cstr("2024-11-03 06:30:00+00:00"), NULL), 1, "%s",
                 err.msg);
    mn_tz_activate(mn_tz_get("America/Chicago", &err));
    rows = mn_qs_rows(mn_qs_datetimes(chair, "created_at", "hour", NULL));
    if (is_pg())
        cr_assert(rows && mn_list_len(rows) == 1);
    else
        cr_assert_null(rows);
    mn_tz_activate(NULL);
}

Test(qs, left_side_parameters_repeat)
{
    mn_err err = { 0 };
    /* exclude() on a JSON key writes the key path twice */
    product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    mn_value meta;
    cr_assert_eq(mn_json_loads(A, MN_STR("{\"color\": \"red\"}"), NULL, &meta, &err), MN_OK);
    mn_obj_set(p, &product_model, "metadata", meta, A, &err);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "metadata__color", mn_value_cstr("red")), &err), 5, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "metadata__color__icontains", mn_value_cstr("E")), &err), 5, "%s",
                 err.msg);
    /* endswith on SQLite writes the left side twice too */
    mn_qs *an = mn_qs_annotate(all(), "label", mn_f(A, "name"), NULL);
    cr_assert_eq(mn_qs_count(mn_qs_filter(an, "label__endswith", mn_value_cstr("Desk")), &err), 2, "%s", err.msg);
    mn_qs *twice = mn_qs_annotate(all(), "twice", mn_expr_mul(A, mn_f(A, "stock"), mn_value_int(2)), NULL);
    cr_assert_eq(mn_qs_count(mn_qs_filter(twice, "twice__endswith", mn_value_cstr("4")), &err), 2, "%s", err.msg);
}

Test(qs, select_for_update)
{
    mn_err err = { 0 };
    mn_qs *qs = mn_qs_select_for_update(mn_qs_filter(all(), "name", mn_value_cstr("Chair")));
    if (is_pg()) {
        cr_assert_eq(mn_qs_eval(qs, &err), MN_EINVAL);
        cr_assert_str_eq(err.msg, "select_for_update cannot be used outside of a transaction.");
        mn_atomic_scope tx;
        MN_ATOMIC(&tx, NULL, &err) {
            mn_qs *locked = mn_qs_select_for_update(mn_qs_filter(all(), "name", mn_value_cstr("Chair")));
            cr_assert_eq(mn_qs_len(locked), 1, "%s", mn_qs_error(locked)->msg);
            cr_assert(strstr(mn_qs_sql(locked, NULL, &err), "FOR UPDATE"));
        }
        cr_assert_eq(tx.rc, MN_OK);
    } else {
        /* SQLite locks the database for a write transaction: a no-op, as in Django */
        cr_assert_eq(mn_qs_len(qs), 1);
    }
}

Test(qs, querysets_as_template_values)
{
    mn_err err = { 0 };
    mn_value v;
    cr_assert_eq(mn_qs_to_value(mn_qs_order_by(all(), "name", NULL), &v, &err), MN_OK);
    cr_assert(mn_value_truthy(v));
    mn_list *l;
    cr_assert_eq(v.u.obj.type->to_list(v.u.obj.ptr, A, &l), MN_OK);
    cr_assert_eq(mn_list_len(l), 6);
    mn_value name;
    mn_value first = mn_list_get(l, 0);
    cr_assert_eq(first.u.obj.type->get_attr(first.u.obj.ptr, MN_STR("name"), A, &name), MN_OK);
    cr_assert(mn_str_eq_cstr(name.u.s, "100% Cotton_Rug"));
    cr_assert_eq(mn_qs_to_value(mn_qs_filter(all(), "stock", mn_value_int(-5)), &v, &err), MN_OK);
    cr_assert(!mn_value_truthy(v));
}

Test(qs, in_subquery)
{
    mn_err err = { 0 };
    mn_qs *cheap = mn_qs_values_list(mn_qs_filter(all(), "price__lt", mn_value_int(50)), MN_QS_FLAT, "id", NULL);
    mn_value sub;
    cr_assert_eq(mn_qs_to_value(cheap, &sub, &err), MN_OK);
    cr_assert_eq(count_where("id__in", sub), 3);
    mn_value objs;
    cr_assert_eq(mn_qs_to_value(mn_qs_filter(all(), "stock", mn_value_int(0)), &objs, &err), MN_OK);
    cr_assert_eq(count_where("pk__in", objs), 1, "a QuerySet of objects selects its primary keys");
    mn_value two;
    cr_assert_eq(mn_qs_to_value(mn_qs_values_list(all(), 0, "id", "name", NULL), &two, &err), MN_OK);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "id__in", two), &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "Cannot use multi-field values as a filter value.");
}

Test(qs, query_counting)
{
    mn_err err = { 0 };
    uint64_t before = mn_db_statement_count(DB);
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    mn_qs *qs = mn_qs_all(&product_model, A);
    for (size_t i = 0; i < mn_qs_len(qs); i++)
        cr_assert_not_null(mn_qs_at(qs, i));
    make_product("Counted", "1", 1);
    cr_assert_eq(mn_db_log_count(DB), 2, "one SELECT, one INSERT");
    cr_assert(strstr(mn_db_log_entry(DB, 1)->sql, "INSERT INTO \"shop_product\""));
    cr_assert_geq(mn_db_log_entry(DB, 0)->seconds, 0);
    cr_assert_eq(mn_db_statement_count(DB) - before, 2);
    mn_db_log_enable(DB, false);
    (void)err;
}

/* The compiled-query cache: the same shape with other values reuses the
 * SQL text; other shapes, values and errors are never mixed up. */
Test(qs, compiled_queries_are_reused_per_shape)
{
    mn_err err = { 0 };
    size_t n;
    void **items = mn_qs_items(mn_qs_order_by(all(), "id", NULL), &n);
    cr_assert_eq(n, 6);
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < n; i++) {
            const product *want = items[i];
            product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(want->id)), &err);
            cr_assert_not_null(p, "%s", err.msg);
            cr_assert(mn_str_eq(p->name, want->name));
            cr_assert_eq(p->stock, want->stock);
            cr_assert(mn_decimal_cmp(p->price, want->price) == 0);
        }
    cr_assert_eq(mn_db_log_count(DB), 12);
    for (size_t i = 1; i < 12; i++)
        cr_assert_str_eq(mn_db_log_entry(DB, i)->sql, mn_db_log_entry(DB, 0)->sql);
    /* get() drops the ordering, as Django's does */
    mn_db_log_clear(DB);
    cr_assert_not_null(mn_qs_get(mn_qs_filter(mn_qs_order_by(all(), "-name", NULL), "name", mn_value_cstr("Chair")), &err));
    cr_assert_null(strstr(mn_db_log_entry(DB, 0)->sql, "ORDER BY"), "%s", mn_db_log_entry(DB, 0)->sql);
    mn_db_log_enable(DB, false);

    /* one value, several shapes */
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "stock__gte", mn_value_int(3))), 3);
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "stock__lt", mn_value_int(3))), 3);
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "stock__gt", mn_value_int(3))), 2);
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "stock", mn_value_int(3))), 1);
    cr_assert_eq(mn_qs_len(mn_qs_filter_by(all(), "stock__gte", mn_value_int(1), "price__lt", dec("50"), NULL)), 2);
    cr_assert_eq(mn_qs_len(mn_qs_filter_by(all(), "stock__gte", mn_value_int(1), "price__lt", dec("100"), NULL)), 3);
    cr_assert_str_eq(name_at(mn_qs_order_by(mn_qs_filter(all(), "stock__gte", mn_value_int(0)), "name", NULL), 0),
                     "100% Cotton_Rug");
    cr_assert_str_eq(name_at(mn_qs_order_by(mn_qs_filter(all(), "stock__gte", mn_value_int(0)), "-name", NULL), 0),
                     "Red Lamp");
    cr_assert_str_eq(name_at(mn_qs_slice(mn_qs_order_by(all(), "name", NULL), 1, 2), 0), "Blue Lamp");
    cr_assert_str_eq(name_at(mn_qs_slice(mn_qs_order_by(all(), "name", NULL), 2, 3), 0), "Chair");
    /* a deferred field stays unloaded in its own shape only */
    product *only = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "name", NULL), &err);
    cr_assert_not_null(only, "%s", err.msg);
    cr_assert_eq(only->stock, 0);
    product *full = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_eq(full->stock, 12);

    /* a bad value fails the same way whether the shape is cached or not */
    for (int round = 0; round < 2; round++) {
        mn_err e = { 0 };
        cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "stock", mn_value_cstr("x")), &e), MN_EINVAL);
        cr_assert_null(mn_qs_get(mn_qs_filter(all(), "pk", mn_value_cstr("many")), &e));
        cr_assert_str_eq(e.msg, "Field 'id' expected a number but got 'many'.");
        cr_assert_not_null(mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(full->id)), &e));
    }
    /* NULL, lists and expressions take the general path */
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "publish_date", mn_value_null())), 5);
    cr_assert_eq(mn_qs_len(mn_qs_filter(all(), "stock__gt", mn_f(A, "stock"))), 0);
    /* get() on a field that is not unique still tells several rows apart */
    cr_assert_not_null(mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Chair"), "slug",
                                       mn_value_cstr("chair-2"), "price", dec("45.00"), NULL), "%s", err.msg);
    cr_assert_null(mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err));
    cr_assert_eq(err.code, MN_EMULTIPLE);
}

/* The names of qs's instances (the compiled-query cache's path) and of its
 * values_list (always compiled), joined: they must agree. */
static void same_names(mn_qs *qs, const char *what)
{
    size_t n;
    void **items = mn_qs_items(qs, &n);
    cr_assert(items || n == 0, "%s: %s", what, mn_qs_error(qs)->msg);
    mn_list *ref = mn_qs_rows(mn_qs_values_list(qs, MN_QS_FLAT, "name", NULL));
    cr_assert_not_null(ref, "%s", what);
    cr_assert_eq(n, mn_list_len(ref), "%s: %zu rows, %zu expected", what, n, mn_list_len(ref));
    for (size_t i = 0; i < n; i++)
        cr_assert(mn_str_eq(((product *)items[i])->name, mn_list_get(ref, i).u.s), "%s: row %zu", what, i);
}

/* A second connection to the test database: SQLite in memory gets its own
 * tables and one product; PostgreSQL shares this process's schema. */
static mn_db *second_connection(const char *product_name)
{
    mn_err err = { 0 };
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(mn_str_from(url ? url : "sqlite://:memory:"), A, &cfg, &err), MN_OK, "%s", err.msg);
    mn_db *db = mn_db_open(&cfg, &err);
    cr_assert_not_null(db, "%s", err.msg);
    if (is_pg()) {
        char sql[96];
        snprintf(sql, sizeof sql, "SET search_path TO orm_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(db, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        return db;
    }
    cr_assert_eq(mn_model_create_table(&category_model, db, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&product_model, db, &err), MN_OK, "%s", err.msg);
    product *p = mn_model_new(&product_model, A, &err);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(mn_obj_set(p, &product_model, "name", mn_value_cstr(product_name), A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_set(p, &product_model, "slug", mn_value_cstr(product_name), A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_set(p, &product_model, "price", dec("1.00"), A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_save(p, &product_model, db, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(p->id, 1);
    return db;
}

/* The compiled-query cache (and the prepared statement each entry keeps)
 * never mixes up two models with the same lookups, shapes sharing a slot,
 * two connections (one closed and opened again, maybe at the same
 * address), or a table changed between two runs; every run is still a
 * query the log sees. */
Test(qs, compiled_query_cache_keeps_models_shapes_and_connections_apart)
{
    mn_err err = { 0 };
    size_t n;
    void **items = mn_qs_items(mn_qs_order_by(all(), "id", NULL), &n);
    cr_assert_eq(n, 6);
    category *cats[3];
    for (int i = 0; i < 3; i++) {
        cats[i] = mn_model_create(&category_model, A, &err, "name", mn_value_cstr(mn_arena_sprintf(A, "cat%d", i)), NULL);
        cr_assert_not_null(cats[i], "%s", err.msg);
    }
    /* "pk" on two models whose ids overlap */
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 3; i++) {
            category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, A), "pk", mn_value_int(cats[i]->id)), &err);
            cr_assert_not_null(c, "%s", err.msg);
            cr_assert(mn_str_eq(c->name, cats[i]->name));
            const product *want = items[i];
            product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(want->id)), &err);
            cr_assert_not_null(p, "%s", err.msg);
            cr_assert(mn_str_eq(p->name, want->name));
            cr_assert_eq(p->stock, want->stock);
        }
    cr_assert_eq(mn_db_log_count(DB), 18, "one query a get()");
    mn_db_log_enable(DB, false);

    /* 96 shapes in 64 slots, twice: collisions replace entries, never
     * answer for another shape */
    const char *lookups[] = { "stock", "stock__exact", "stock__gt", "stock__gte", "stock__lt", "stock__lte",
                              "id__gt", "id__lte", "price__gte", "price__lt", "name__gt", "name__lte" };
    const char *orders[] = { "name", "-name", "id", "-stock" };
    for (int round = 0; round < 2; round++)
        for (size_t l = 0; l < sizeof lookups / sizeof *lookups; l++)
            for (size_t o = 0; o < 8; o++) {
                mn_value v = !strncmp(lookups[l], "price", 5)  ? dec("45.00")
                             : !strncmp(lookups[l], "name", 4) ? mn_value_cstr("Chair")
                                                               : mn_value_int(3);
                mn_qs *qs = mn_qs_filter(all(), lookups[l], v);
                qs = mn_qs_order_by(qs, orders[o % 4], NULL);
                if (o >= 4)
                    qs = mn_qs_filter(qs, "stock__gte", mn_value_int(1));
                same_names(qs, mn_arena_sprintf(A, "%s %s %zu", lookups[l], orders[o % 4], o));
            }

    /* a second connection, closed and opened again: its own cache */
    const product *first = items[0];
    for (int round = 0; round < 3; round++) {
        const char *name = mn_arena_sprintf(A, "Other %d", round);
        mn_db *other = second_connection(name);
        for (int k = 0; k < 2; k++) {
            product *p = mn_qs_get(mn_qs_filter(mn_qs_using(all(), other), "pk", mn_value_int(1)), &err);
            cr_assert_not_null(p, "%s", err.msg);
            cr_assert_str_eq(mn_str_dup(A, p->name), is_pg() ? mn_str_dup(A, first->name) : name);
            p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(first->id)), &err);
            cr_assert_not_null(p, "%s", err.msg);
            cr_assert(mn_str_eq(p->name, first->name));
        }
        mn_db_close(other);
    }

    /* the table changes between two runs of a cached get() */
    const char *alter[] = { "ALTER TABLE shop_product ADD COLUMN extra integer",
                            "ALTER TABLE shop_product DROP COLUMN extra" };
    for (size_t a = 0; a < 2; a++) {
        cr_assert_eq(mn_db_execute(DB, alter[a], NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        for (size_t i = 0; i < n; i++) {
            const product *want = items[i];
            product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(want->id)), &err);
            cr_assert_not_null(p, "%s: %s", alter[a], err.msg);
            cr_assert(mn_str_eq(p->name, want->name));
            cr_assert(mn_decimal_cmp(p->price, want->price) == 0);
        }
    }
    /* and a row gone between two runs */
    const product *last = items[n - 1];
    cr_assert_eq(mn_db_execute(DB, "DELETE FROM shop_product WHERE id = %s", (mn_value[]){ mn_value_int(last->id) }, 1,
                               NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_null(mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(last->id)), &err));
    cr_assert_eq(err.code, MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Product matching query does not exist.");
}

/* get() on a compiled query's cache hit of one exact comparison of a
 * unique field takes a path of its own in run_select: the same results,
 * errors, deferred fields and query log as the general path. */
Test(qs, get_fast_path_edges)
{
    mn_err err = { 0 };
    size_t n;
    void **items = mn_qs_items(mn_qs_order_by(all(), "id", NULL), &n);
    cr_assert_eq(n, 6);
    const product *chair = NULL;
    for (size_t i = 0; i < n; i++)
        if (mn_str_eq_cstr(((const product *)items[i])->name, "Chair"))
            chair = items[i];
    cr_assert_not_null(chair);
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    uint64_t before = mn_db_statement_count(DB);
    /* hits, then a key that matches nothing, twice, then hits again */
    for (int round = 0; round < 3; round++) {
        product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert(mn_str_eq_cstr(p->name, "Chair"));
        cr_assert_str_eq(decimal_text(p->price), "45.00");
        cr_assert_eq(p->stock, 12);
        cr_assert_float_eq(p->rating, 4.5, 1e-9);
        cr_assert_not(mn_obj_is_deferred(p, &product_model, "stock"));
        err = (mn_err){ 0 };
        cr_assert_null(mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(987654)), &err));
        cr_assert_eq(err.code, MN_ENOTFOUND);
        cr_assert_str_eq(err.msg, "Product matching query does not exist.");
        /* the same through id__exact and a text value of the key */
        err = (mn_err){ 0 };
        cr_assert_null(mn_qs_get(mn_qs_filter(all(), "id__exact", mn_value_cstr("987654")), &err));
        cr_assert_eq(err.code, MN_ENOTFOUND);
    }
    cr_assert_eq(mn_db_log_count(DB), 9, "every get() is one query in the log");
    cr_assert_eq(mn_db_statement_count(DB) - before, 9, "and in the counter");

    /* a QuerySet kept and asked twice: get() leaves it unevaluated */
    mn_qs *kept = mn_qs_filter(all(), "pk", mn_value_int(chair->id));
    for (int k = 0; k < 2; k++) {
        product *p = mn_qs_get(kept, &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert_eq(p->id, chair->id);
    }
    cr_assert_eq(mn_qs_len(kept), 1, "the kept QuerySet still evaluates on its own");

    /* only() / defer() on a cached get shape: deferred fields stay
     * deferred and load on access */
    for (int k = 0; k < 3; k++) {
        product *p = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), "name", NULL), &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert(mn_str_eq_cstr(p->name, "Chair"));
        cr_assert(mn_obj_is_deferred(p, &product_model, "stock"));
        cr_assert(mn_obj_is_deferred(p, &product_model, "price"));
        cr_assert_eq(p->stock, 0);
        mn_value v;
        cr_assert_eq(mn_obj_get(p, &product_model, "stock", &v), MN_OK);
        cr_assert_eq(v.u.i, 12);
        product *q = mn_qs_get(mn_qs_defer(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), "price", NULL), &err);
        cr_assert_not_null(q, "%s", err.msg);
        cr_assert(mn_obj_is_deferred(q, &product_model, "price"));
        cr_assert_not(mn_obj_is_deferred(q, &product_model, "stock"));
        cr_assert_eq(q->stock, 12);
        cr_assert_eq(mn_obj_load_deferred(q, &product_model, "price", &err), MN_OK, "%s", err.msg);
        cr_assert_str_eq(decimal_text(q->price), "45.00");
    }

    /* two models, a unique text field: the shapes stay apart */
    category *cat = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Chair"), NULL);
    cr_assert_not_null(cat, "%s", err.msg);
    for (int k = 0; k < 3; k++) {
        category *c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, A), "name", mn_value_cstr("Chair")), &err);
        cr_assert_not_null(c, "%s", err.msg);
        cr_assert_eq(c->id, cat->id);
        c = mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, A), "pk", mn_value_int(cat->id)), &err);
        cr_assert_not_null(c, "%s", err.msg);
        cr_assert(mn_str_eq_cstr(c->name, "Chair"));
        product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert_eq(p->stock, 12);
        err = (mn_err){ 0 };
        cr_assert_null(mn_qs_get(mn_qs_filter(mn_qs_all(&category_model, A), "name", mn_value_cstr("Sofa")), &err));
        cr_assert_str_eq(err.msg, "Category matching query does not exist.");
    }

    /* two rows: a field that is not unique never takes the fast path */
    make_product("Twin A", "1.00", 77);
    make_product("Twin B", "2.00", 77);
    for (int k = 0; k < 3; k++) {
        err = (mn_err){ 0 };
        cr_assert_null(mn_qs_get(mn_qs_filter(all(), "stock", mn_value_int(77)), &err));
        cr_assert_eq(err.code, MN_EMULTIPLE);
        cr_assert_str_eq(err.msg, "get() returned more than one Product -- it returned 2!");
    }

    /* a hit after a schema change: a column added, read by a cached get
     * with only(), then dropped */
    cr_assert_eq(mn_db_execute(DB, "ALTER TABLE shop_product ADD COLUMN extra integer", NULL, 0, NULL, &err), MN_OK,
                 "%s", err.msg);
    for (int k = 0; k < 2; k++) {
        product *p = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), "name", NULL), &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert(mn_str_eq_cstr(p->name, "Chair"));
        p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), &err);
        cr_assert_not_null(p, "%s", err.msg);
        cr_assert_eq(p->stock, 12);
    }
    cr_assert_eq(mn_db_execute(DB, "ALTER TABLE shop_product DROP COLUMN extra", NULL, 0, NULL, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(mn_db_execute(DB, "UPDATE shop_product SET stock = 13 WHERE id = %s",
                               (mn_value[]){ mn_value_int(chair->id) }, 1, NULL, &err), MN_OK, "%s", err.msg);
    product *p = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), &err);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(p->stock, 13, "a new value read through the cached statement");
    mn_db_log_enable(DB, false);

    /* values() keeps its error */
    cr_assert_null(mn_qs_get(mn_qs_values(mn_qs_filter(all(), "pk", mn_value_int(chair->id)), NULL), &err));
    cr_assert_eq(err.code, MN_EINVAL);
}

/* Django reads SQLite's decimal numbers through a float rounded to 15
 * digits, then quantized to the field's places: the same values whatever
 * the storage class SQLite chose. */
Test(qs, decimals_stored_as_numbers_read_as_django_does)
{
    mn_err err = { 0 };
    struct { const char *stored, *want; } cases[] = {
        { "3", "3.00" },          { "2.5", "2.50" },    { "1.235", "1.24" },   { "1.245", "1.24" },
        { "0", "0.00" },          { "19.99", "19.99" }, { "0.1", "0.10" },     { "12345678.91", "12345678.91" },
        { "99999999.99", "99999999.99" },
    };
    product *p = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(p);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "UPDATE shop_product SET price = %s WHERE id = %lld", cases[i].stored, (long long)p->id);
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        product *q = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(p->id)), &err);
        cr_assert_not_null(q, "%s", err.msg);
        if (is_pg() && !strcmp(cases[i].stored, "1.245"))
            cr_assert_str_eq(decimal_text(q->price), "1.25", "PostgreSQL rounds numeric half away from zero");
        else
            cr_assert_str_eq(decimal_text(q->price), cases[i].want, "stored %s", cases[i].stored);
    }
}

/* iterator() holds one chunk at a time: 100,000 rows through chunks of
 * 1,000 never hold more than a chunk's instances. */
Test(qs, iterator_memory_stays_bounded)
{
    enum { ROWS = 100000, CHUNK = 1000 };
    mn_err err = { 0 };
    mn_arena *big = mn_arena_new("rows", 0);
    void **objs = mn_arena_alloc(big, ROWS * sizeof *objs);
    for (int i = 0; i < ROWS; i++) {
        category *c = mn_model_new(&category_model, big, &err);
        c->name = mn_str_from(mn_arena_sprintf(big, "c%06d", i));
        objs[i] = c;
    }
    cr_assert_eq(mn_model_bulk_create(&category_model, objs, ROWS, 0, NULL, &err), MN_OK, "%s", err.msg);
    mn_arena_free(big);
    uint64_t before = mn_db_statement_count(DB);
    mn_qs_iter *it = mn_qs_iterator(mn_qs_order_by(mn_qs_all(&category_model, A), "name", NULL), CHUNK);
    size_t n = 0, peak = 0;
    category *c;
    while ((c = mn_qs_iter_next(it, &err)) != NULL) {
        char want[16];
        snprintf(want, sizeof want, "c%06zu", n);
        cr_assert(mn_str_eq_cstr(c->name, want), "row %zu", n);
        size_t used = mn_qs_iter_memory(it);
        peak = used > peak ? used : peak;
        n++;
    }
    cr_assert_eq(err.code, 0, "%s", err.msg);
    cr_assert_eq(n, ROWS);
    cr_assert_lt(peak, 2 << 20, "one chunk of 1,000 small rows, not 100,000: %zu bytes", peak);
    /* PostgreSQL: DECLARE, 101 FETCHes (the last one empty), CLOSE; SQLite:
     * 101 paged queries */
    cr_assert_eq(mn_db_statement_count(DB) - before, is_pg() ? 103 : 101);
    mn_qs_iter_close(it);
}

/* The cursor of an iterator inside a transaction ends with it; other
 * queries run between chunks; closing early frees the server's side. */
Test(qs, iterator_cursors_and_transactions)
{
    mn_err err = { 0 };
    mn_atomic_scope tx;
    int n = 0;
    MN_ATOMIC(&tx, DB, &err) {
        mn_qs_iter *it = mn_qs_iterator(mn_qs_order_by(all(), "name", NULL), 2);
        product *p;
        while ((p = mn_qs_iter_next(it, &err)) != NULL) {
            /* another query between chunks */
            cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "name", mn_value_str(p->name)), &err), 1);
            n++;
        }
        mn_qs_iter_close(it);
    }
    cr_assert_eq(tx.rc, MN_OK, "%s", err.msg);
    cr_assert_eq(n, 6);
    /* closed half-way */
    mn_qs_iter *it = mn_qs_iterator(all(), 2);
    cr_assert_not_null(mn_qs_iter_next(it, &err));
    mn_qs_iter_close(it);
    if (is_pg()) {
        mn_value v;
        cr_assert_eq(mn_db_query_value(DB, "SELECT COUNT(*) FROM pg_cursors WHERE name LIKE 'mn_cursor%%'", NULL, 0, A,
                                       &v, &err),
                     MN_OK, "%s", err.msg);
        cr_assert_eq(v.u.i, 0, "the cursor is closed on the server");
    }
    /* an iterator left open past the end of its transaction closes
     * without disturbing the next one */
    mn_qs_iter *left = NULL;
    MN_ATOMIC(&tx, DB, &err) {
        left = mn_qs_iterator(all(), 2);
        cr_assert_not_null(mn_qs_iter_next(left, &err));
    }
    MN_ATOMIC(&tx, DB, &err) {
        mn_qs_iter_close(left);
        cr_assert_eq(mn_qs_count(all(), &err), 6, "%s", err.msg);
    }
    cr_assert_eq(tx.rc, MN_OK, "%s", err.msg);
    /* SQLite has no server-side cursors */
    if (!is_pg())
        cr_assert_null(mn_db_cursor_open(DB, "SELECT 1", NULL, 0, &err));
}

/* Deferred fields load on access, one query per field, as Django's do;
 * save() of a deferred instance writes only its loaded fields. */
Test(qs, deferred_fields_load_on_access)
{
    mn_err err = { 0 };
    product *p = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "name", NULL), &err);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert(mn_obj_is_deferred(p, &product_model, "stock"));
    cr_assert(mn_obj_is_deferred(p, &product_model, "price"));
    cr_assert_not(mn_obj_is_deferred(p, &product_model, "name"));
    cr_assert_not(mn_obj_is_deferred(p, &product_model, "id"));
    cr_assert_not(mn_obj_is_deferred(p, &product_model, "nope"));
    cr_assert_eq(p->stock, 0, "the member keeps its zero value until loaded");

    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    mn_value v;
    cr_assert_eq(mn_obj_get(p, &product_model, "stock", &v), MN_OK);
    cr_assert_eq(v.u.i, 12);
    cr_assert_eq(p->stock, 12, "loaded into the instance");
    cr_assert_not(mn_obj_is_deferred(p, &product_model, "stock"));
    cr_assert_eq(mn_obj_get(p, &product_model, "stock", &v), MN_OK);
    cr_assert_eq(mn_db_log_count(DB), 1, "one query, for that field only");
    cr_assert(strstr(mn_db_log_entry(DB, 0)->sql, "SELECT \"stock\" FROM \"shop_product\" WHERE \"id\" = %s"), "%s",
              mn_db_log_entry(DB, 0)->sql);
    /* direct readers ask and load */
    cr_assert_eq(mn_obj_load_deferred(p, &product_model, "price", &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(decimal_text(p->price), "45.00");
    cr_assert_eq(mn_obj_load_deferred(p, &product_model, "price", &err), MN_OK);
    cr_assert_eq(mn_db_log_count(DB), 2, "a loaded field is not loaded again");
    cr_assert_eq(mn_obj_load_deferred(p, &product_model, "nope", &err), MN_EINVAL);
    /* a NULL deferred field loads as NULL; templates load through get_attr */
    product *q = mn_qs_get(mn_qs_defer(mn_qs_filter(all(), "name", mn_value_cstr("Oak Desk")), "publish_date",
                                       "rating", NULL), &err);
    cr_assert_not_null(q, "%s", err.msg);
    cr_assert_eq(mn_obj_get(q, &product_model, "publish_date", &v), MN_OK);
    cr_assert_eq(v.type, MN_VALUE_NULL);
    mn_value inst = mn_obj_value(q, &product_model);
    cr_assert_eq(inst.u.obj.type->get_attr(inst.u.obj.ptr, MN_STR("rating"), A, &v), MN_OK);
    /* every deferred field at once: one query */
    mn_db_log_clear(DB);
    product *r = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "name", NULL), &err);
    cr_assert_eq(mn_obj_load_deferred(r, &product_model, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_log_count(DB), 2, "the get and one load");
    cr_assert_eq(r->stock, 12);
    cr_assert_str_eq(mn_str_dup(A, r->slug), "chair");
    cr_assert_not(mn_obj_is_deferred(r, &product_model, "description"));
    mn_db_log_enable(DB, false);

    /* save() writes the loaded fields only */
    product *s = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), "name", NULL), &err);
    s->name = mn_str_from("Armchair");
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    cr_assert_eq(mn_obj_save(s, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    const char *upd = mn_db_log_entry(DB, 0)->sql;
    cr_assert(strstr(upd, "UPDATE \"shop_product\" SET \"name\" = %s WHERE"), "%s", upd);
    cr_assert_null(strstr(upd, "\"stock\""), "%s", upd);
    mn_db_log_enable(DB, false);
    product *t = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Armchair")), &err);
    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_eq(t->stock, 12, "the deferred stock was not overwritten with 0");
    cr_assert_str_eq(decimal_text(t->price), "45.00");
    /* a field set with mn_obj_set is loaded (and saved) */
    cr_assert_eq(mn_obj_set(s, &product_model, "stock", mn_value_int(7), A, &err), MN_OK);
    cr_assert_not(mn_obj_is_deferred(s, &product_model, "stock"));
    cr_assert_eq(mn_obj_save(s, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count_where("stock", mn_value_int(7)), 1);
    /* update_fields naming a deferred field loads it before writing */
    product *u = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Oak Desk")), "name", NULL), &err);
    const char *fields[] = { "stock", NULL };
    cr_assert_eq(mn_obj_save(u, &product_model, NULL, fields, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count_where("stock", mn_value_int(2)), 1, "Oak Desk keeps its 2");
    /* full_clean reads every field */
    product *w = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Oak Desk")), "name", NULL), &err);
    cr_assert_eq(mn_obj_full_clean(w, &product_model, A, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_str_eq(decimal_text(w->price), "250.00");
    /* raw SQL without every column defers the rest */
    mn_qs *raw = mn_qs_raw(&product_model, A, "SELECT id, name FROM shop_product WHERE name = 'Pine Desk'", NULL, 0);
    product *x = mn_qs_at(raw, 0);
    cr_assert_not_null(x, "%s", mn_qs_error(raw)->msg);
    cr_assert(mn_obj_is_deferred(x, &product_model, "stock"));
    cr_assert_eq(mn_obj_get(x, &product_model, "stock", &v), MN_OK);
    cr_assert_eq(v.u.i, 5);
    /* the row is gone: the load fails with Django's message */
    product *y = mn_qs_get(mn_qs_only(mn_qs_filter(all(), "name", mn_value_cstr("Pine Desk")), "name", NULL), &err);
    cr_assert_eq(mn_qs_delete(mn_qs_filter(all(), "pk", mn_value_int(y->id)), NULL, &err), 1);
    cr_assert_eq(mn_obj_load_deferred(y, &product_model, "stock", &err), MN_ENOTFOUND);
    cr_assert_str_eq(err.msg, "Product matching query does not exist.");
    cr_assert_eq(mn_obj_get(y, &product_model, "stock", &v), MN_EDB);
    cr_assert(mn_obj_is_deferred(y, &product_model, "stock"), "still deferred after a failed load");
}

/* ---- conditions with OR and NOT, date arithmetic ---- */

typedef struct offer {
    mn_obj mn;
    int64_t id;
    mn_decimal price;
    mn_decimal discount;
    mn_str status;
    mn_date starts;
    mn_date ends;
    mn_datetime created_at;
    mn_duration valid_for;
} offer;

static const mn_field offer_fields[] = {
    MN_FIELD_BIGAUTO(offer, id),
    MN_FIELD_DECIMAL(offer, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_DECIMAL(offer, discount, .max_digits = 8, .decimal_places = 2, .null = true),
    MN_FIELD_CHAR(offer, status, .max_length = 20, .default_value = "draft"),
    MN_FIELD_DATE(offer, starts),
    MN_FIELD_DATE(offer, ends),
    MN_FIELD_DATETIME(offer, created_at),
    MN_FIELD_DURATION(offer, valid_for, .null = true),
    MN_FIELD_END,
};

static const mn_constraint offer_constraints[] = {
    /* Q(discount__isnull=True) | (Q(discount__gte=0) & Q(discount__lte=F("price"))) */
    { .kind = MN_CONSTRAINT_CHECK, .name = "discount_valid",
      .qc = MN_QC_OR(MN_QC("discount__isnull", "true"),
                     MN_QC_AND(MN_QC("discount__gte", "0"), MN_QC_F("discount__lte", "price"))) },
    { .kind = MN_CONSTRAINT_CHECK, .name = "ends_after_start", .qc = MN_QC_F("ends__gte", "starts") },
    /* ~Q(price=0, status="published") */
    { .kind = MN_CONSTRAINT_CHECK, .name = "published_not_free",
      .qc = MN_QC_NOT(MN_QC("price", "0"), MN_QC("status", "published")) },
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "one_live_offer_per_day", .fields = MN_NAMES("starts"),
      .qc = MN_QC_OR(MN_QC("status", "published"), MN_QC("status", "scheduled")) },
    { 0 },
};

static const mn_index offer_indexes[] = {
    { .fields = MN_NAMES("ends"), .name = "offer_open_ends_idx", .qc = MN_QC_NOT(MN_QC("status", "archived")) },
    { .fields = NULL },
};

static mn_model offer_model = MN_MODEL(offer, "shop", "Offer", offer_fields,
                                       .meta = { .constraints = offer_constraints, .indexes = offer_indexes });

static void offer_table(void)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS shop_offer", NULL, 0, NULL, &err);
    cr_assert_eq(mn_model_create_table(&offer_model, DB, &err), MN_OK, "%s", err.msg);
}

static mn_date day(const char *s)
{
    mn_date d;
    cr_assert_eq(mn_date_parse(mn_str_from(s), &d, NULL), MN_OK);
    return d;
}

static mn_datetime instant(const char *s)
{
    mn_datetime dt;
    cr_assert_eq(mn_datetime_parse(mn_str_from(s), &dt, NULL), MN_OK);
    return dt;
}

static offer *make_offer(const char *price, const char *discount, const char *status, const char *starts,
                         const char *ends, mn_err *err)
{
    offer *o = mn_model_new(&offer_model, A, err);
    cr_assert_not_null(o);
    mn_obj_set(o, &offer_model, "price", mn_value_cstr(price), A, err);
    mn_obj_set(o, &offer_model, "discount", discount ? mn_value_cstr(discount) : mn_value_null(), A, err);
    o->status = mn_str_from(status);
    o->starts = day(starts);
    o->ends = day(ends);
    o->created_at = instant("2024-01-01T10:00:00+00:00");
    mn_obj_set(o, &offer_model, "valid_for", mn_value_duration((mn_duration){ INT64_C(3) * 86400 * 1000000 }), A, err);
    return mn_obj_save(o, &offer_model, DB, NULL, err) == MN_OK ? o : NULL;
}

Test(qs, constraint_and_index_conditions_with_or_and_not)
{
    mn_err err = { 0 };
    offer_table();
    mn_list *sql = mn_model_schema_sql(&offer_model, mn_db_engine_of(DB), A, &err);
    cr_assert_not_null(sql, "%s", err.msg);
    const char *create = mn_list_get(sql, 0).u.s.ptr;
    const char *bools = is_pg() ? "true" : "1";
    (void)bools;
    cr_assert(strstr(create, "CONSTRAINT \"discount_valid\" CHECK ((\"discount\" IS NULL OR (\"discount\" >= '0.00' AND "
                             "\"discount\" <= \"price\")))"),
              "%s", create);
    cr_assert(strstr(create, "CONSTRAINT \"ends_after_start\" CHECK (\"ends\" >= \"starts\")"), "%s", create);
    cr_assert(strstr(create, "CONSTRAINT \"published_not_free\" CHECK (NOT ((\"price\" = '0.00' AND \"status\" = "
                             "'published')))"),
              "%s", create);
    bool unique = false, index = false;
    for (size_t i = 1; i < mn_list_len(sql); i++) {
        const char *s = mn_list_get(sql, i).u.s.ptr;
        unique |= strstr(s, "CREATE UNIQUE INDEX \"one_live_offer_per_day\" ON \"shop_offer\" (\"starts\") WHERE "
                            "(\"status\" = 'published' OR \"status\" = 'scheduled')") != NULL;
        index |= strstr(s, "CREATE INDEX \"offer_open_ends_idx\" ON \"shop_offer\" (\"ends\") WHERE NOT (\"status\" = "
                           "'archived')") != NULL;
    }
    cr_assert(unique);
    cr_assert(index);

    /* the database enforces them */
    cr_assert_not_null(make_offer("10", NULL, "draft", "2024-01-01", "2024-01-10", &err), "%s", err.msg);
    cr_assert_not_null(make_offer("10", "2.50", "draft", "2024-01-01", "2024-01-10", &err), "%s", err.msg);
    cr_assert_null(make_offer("10", "12", "draft", "2024-01-01", "2024-01-10", &err), "discount above the price");
    cr_assert_eq(err.code, MN_EPERM, "%s", err.msg);
    cr_assert_null(make_offer("10", "-1", "draft", "2024-01-01", "2024-01-10", &err));
    cr_assert_eq(err.code, MN_EPERM);
    cr_assert_null(make_offer("10", NULL, "draft", "2024-01-05", "2024-01-01", &err), "ends before it starts");
    cr_assert_eq(err.code, MN_EPERM);
    cr_assert_not_null(make_offer("0", NULL, "draft", "2024-02-01", "2024-02-02", &err), "%s", err.msg);
    cr_assert_null(make_offer("0", NULL, "published", "2024-02-01", "2024-02-02", &err), "free and published");
    cr_assert_eq(err.code, MN_EPERM);
    cr_assert_not_null(make_offer("5", NULL, "published", "2024-03-01", "2024-03-02", &err), "%s", err.msg);
    cr_assert_null(make_offer("6", NULL, "scheduled", "2024-03-01", "2024-03-02", &err), "one live offer a day");
    cr_assert_eq(err.code, MN_EEXIST, "%s", err.msg);
    cr_assert_not_null(make_offer("6", NULL, "draft", "2024-03-01", "2024-03-02", &err), "%s", err.msg);

    /* malformed trees and unknown fields are clear errors */
    static const mn_qc *const none[] = { NULL };
    static const mn_qc empty_or = { .op = MN_QC_ANY, .args = none };
    static const mn_constraint bad1[] = { { .kind = MN_CONSTRAINT_CHECK, .name = "bad", .qc = &empty_or }, { 0 } };
    const mn_constraint bad2[] = { /* block scope: the compound literals are automatic, so no static */
        { .kind = MN_CONSTRAINT_CHECK, .name = "bad", .qc = MN_QC_OR(MN_QC("prise__gt", "0"), MN_QC("price", "1")) },
        { 0 },
    };
    static mn_model m1, m2; /* static: a model's setup lives for the process */
    m1 = offer_model;
    m2 = offer_model;
    m1._rt = m2._rt = NULL;
    m1.meta.constraints = bad1;
    m1.meta.indexes = NULL;
    m2.meta.constraints = bad2;
    m2.meta.indexes = NULL;
    cr_assert_null(mn_model_schema_sql(&m1, MN_DB_SQLITE, A, &err));
    cr_assert_str_eq(err.msg, "Offer: a condition needs a lookup, or AND/OR/NOT of at least one condition");
    cr_assert_null(mn_model_schema_sql(&m2, MN_DB_SQLITE, A, &err));
    cr_assert(strstr(err.msg, "Cannot resolve keyword 'prise' into field. Choices are: created_at, discount, ends"),
              "%s", err.msg);
    mn_db_execute(DB, "DROP TABLE IF EXISTS shop_offer", NULL, 0, NULL, &err);
}

static mn_value days(int64_t n) { return mn_value_duration((mn_duration){ n * 86400 * INT64_C(1000000) }); }

Test(qs, date_arithmetic_in_f_expressions)
{
    mn_err err = { 0 };
    offer_table();
    offer *o = make_offer("10", NULL, "draft", "2024-01-01", "2024-01-10", &err);
    cr_assert_not_null(o, "%s", err.msg);
    mn_qs *all_offers = mn_qs_all(&offer_model, A);
    /* filter(ends__lt=F("created_at") + timedelta(days=n)) */
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__lt", mn_expr_add(A, mn_f(A, "created_at"), days(5))), &err),
                 0, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__lt", mn_expr_add(A, mn_f(A, "created_at"), days(10))), &err),
                 1, "%s", err.msg);
    /* a duration first, a duration column, subtraction */
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__gt", mn_expr_add(A, days(8), mn_f(A, "starts"))), &err), 1);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__gt", mn_expr_add(A, mn_f(A, "starts"), mn_f(A, "valid_for"))),
                             &err),
                 1, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "starts__lt", mn_expr_sub(A, mn_f(A, "ends"), days(9))), &err), 0);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "starts__lte", mn_expr_sub(A, mn_f(A, "ends"), days(9))), &err), 1);
    /* date - date is a duration: filter(valid_for__lt=F("ends") - F("starts")) */
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "valid_for__lt", mn_expr_sub(A, mn_f(A, "ends"), mn_f(A, "starts"))),
                             &err),
                 1, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "valid_for__gt",
                                          mn_expr_add(A, mn_expr_sub(A, mn_f(A, "ends"), mn_f(A, "starts")), days(1))),
                             &err),
                 0, "%s", err.msg);
    /* annotations come back as dates, datetimes and durations */
    mn_qs *an = mn_qs_annotate(all_offers, "length", mn_expr_sub(A, mn_f(A, "ends"), mn_f(A, "starts")), "deadline",
                               mn_expr_add(A, mn_f(A, "created_at"), days(1)), "last_day",
                               mn_expr_sub(A, mn_f(A, "ends"), days(1)), "age",
                               mn_expr_sub(A, mn_value_datetime(instant("2024-01-02T10:00:00+00:00")), mn_f(A, "created_at")),
                               NULL);
    offer *a = mn_qs_get(an, &err);
    cr_assert_not_null(a, "%s", err.msg);
    mn_value v = mn_obj_annotation(a, &offer_model, "length");
    cr_assert_eq(v.type, MN_VALUE_DURATION, "%s", mn_value_type_name(v));
    cr_assert_eq(v.u.dur.us, INT64_C(9) * 86400 * 1000000);
    v = mn_obj_annotation(a, &offer_model, "deadline");
    cr_assert_eq(v.type, MN_VALUE_DATETIME, "%s", mn_value_type_name(v));
    cr_assert_eq(v.u.dt.us, instant("2024-01-02T10:00:00+00:00").us);
    v = mn_obj_annotation(a, &offer_model, "last_day");
    cr_assert_eq(v.type, MN_VALUE_DATE, "%s", mn_value_type_name(v));
    cr_assert_eq(mn_date_cmp(v.u.date, day("2024-01-09")), 0);
    v = mn_obj_annotation(a, &offer_model, "age");
    cr_assert_eq(v.type, MN_VALUE_DURATION);
    cr_assert_eq(v.u.dur.us, INT64_C(86400) * 1000000);
    /* update(ends=F("ends") + timedelta(days=2), created_at=F("created_at") - timedelta(hours=1)) */
    cr_assert_eq(mn_qs_update(all_offers, &err, "ends", mn_expr_add(A, mn_f(A, "ends"), days(2)), "created_at",
                              mn_expr_sub(A, mn_f(A, "created_at"), mn_value_duration((mn_duration){ INT64_C(3600000000) })),
                              "valid_for", mn_expr_mul(A, mn_f(A, "valid_for"), mn_value_int(2)), NULL),
                 1, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(o, &offer_model, DB, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_date_cmp(o->ends, day("2024-01-12")), 0);
    cr_assert_eq(o->created_at.us, instant("2024-01-01T09:00:00+00:00").us);
    cr_assert_eq(o->valid_for.us, INT64_C(6) * 86400 * 1000000);
    /* a part of a day moves a date as Python's date + timedelta does */
    cr_assert_eq(mn_qs_update(all_offers, &err, "ends",
                              mn_expr_sub(A, mn_f(A, "ends"), mn_value_duration((mn_duration){ INT64_C(3600000000) })),
                              NULL),
                 1, "%s", err.msg);
    cr_assert_eq(mn_obj_refresh(o, &offer_model, DB, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_date_cmp(o->ends, day("2024-01-11")), 0);
    /* what has no meaning is refused */
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__lt", mn_expr_mul(A, mn_f(A, "ends"), mn_value_int(2))), &err),
                 MN_EINVAL);
    cr_assert_str_eq(err.msg, "unsupported operand types for *: DateField and a number");
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__lt", mn_expr_sub(A, days(1), mn_f(A, "ends"))), &err),
                 MN_EINVAL);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all_offers, "ends__lt", mn_expr_add(A, mn_f(A, "ends"), mn_f(A, "starts"))), &err),
                 MN_EINVAL);
    mn_db_execute(DB, "DROP TABLE IF EXISTS shop_offer", NULL, 0, NULL, &err);
}

/* Migration files carry Q trees: a model whose conditions use OR/NOT gets
 * its migration state with the whole tree (tests/migrate/test_sql.c checks
 * the SQL against this ORM's). */
Test(qs, or_not_conditions_go_into_migration_states)
{
    mn_err err = { 0 };
    mn_mig_model *mm = NULL;
    cr_assert_eq(mn_mig_model_from(&offer_model, A, &mm, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mm->nconstraints, 4);
    cr_assert_str_eq(mm->constraints[0].name, "discount_valid");
    cr_assert_eq(mm->constraints[0].qc, offer_constraints[0].qc);
    cr_assert_eq(mm->indexes[0].qc->op, MN_QC_NONE);
}

/* ---- differences from Django found by tests/integration/orm_django_diff.sh ---- */

static int64_t count_or_err(mn_qs *qs, mn_err *err)
{
    *err = (mn_err){ 0 };
    return mn_qs_count(qs, err);
}

Test(qs, none_and_bad_values_in_lookups_fail_as_in_django)
{
    mn_err err = { 0 };
    /* None only means IS NULL for exact and iexact */
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "name__startswith", mn_value_null()), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot use None as a query value");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__isnull", mn_value_null()), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot use None as a query value");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__iexact", mn_value_null()), &err), 5);
    /* get_prep_value's words for a number field given text */
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "stock__gt", mn_value_cstr("lots")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Field 'stock' expected a number but got 'lots'.");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "category", mn_value_cstr("x's")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Field 'id' expected a number but got \"x's\".");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__year", mn_value_cstr("y")), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Field 'None' expected a number but got 'y'.");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "stock__in", mn_value_int(5)), &err), MN_ETYPE);
    cr_assert_str_eq(err.msg, "'int' object is not iterable");
    /* a name that is no field of the related model is a lookup there */
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "category__nom", mn_value_int(1)), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Related Field got invalid lookup: nom");
}

Test(qs, sliced_querysets_refuse_reverse_distinct_and_in_bulk)
{
    mn_err err = { 0 };
    mn_qs *sliced = mn_qs_slice(mn_qs_order_by(all(), "pk", NULL), 0, 2);
    cr_assert_eq(mn_qs_eval(mn_qs_reverse(sliced), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot reverse a query once a slice has been taken.");
    cr_assert_eq(mn_qs_eval(mn_qs_distinct(sliced), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Cannot create distinct fields once a slice has been taken.");
    err = (mn_err){ 0 };
    cr_assert_null(mn_qs_last(sliced, &err));
    cr_assert_str_eq(err.msg, "Cannot reverse a query once a slice has been taken.");
    cr_assert_null(mn_qs_in_bulk(sliced, NULL, 0, &err));
    cr_assert_str_eq(err.msg, "Cannot use 'limit' or 'offset' with in_bulk");
    /* values().distinct().count() counts distinct rows of the values */
    mn_qs *statuses = mn_qs_distinct(mn_qs_values(all(), "status", NULL));
    cr_assert_eq(mn_qs_count(statuses, &err), 1, "%s", err.msg);
}

Test(qs, in_bulk_empty_list_and_field_name)
{
    mn_err err = { 0 };
    mn_value none[1];
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    mn_map *m = mn_qs_in_bulk(all(), none, 0, &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_assert_eq(mn_map_len(m), 0);
    cr_assert_eq(mn_db_log_count(DB), 0, "an empty list runs no query");
    mn_db_log_enable(DB, false);
    mn_value slugs[2] = { mn_value_cstr("chair"), mn_value_cstr("nope") };
    m = mn_qs_in_bulk_field(all(), "slug", slugs, 2, &err);
    cr_assert_not_null(m, "%s", err.msg);
    cr_assert_eq(mn_map_len(m), 1);
    product *p = mn_obj_from_value(mn_map_get_cstr(m, "chair"));
    cr_assert_not_null(p);
    cr_assert(mn_str_eq_cstr(p->name, "Chair"));
    cr_assert_null(mn_qs_in_bulk_field(all(), "name", slugs, 1, &err));
    cr_assert_str_eq(err.msg, "in_bulk()'s field_name must be a unique field but 'name' isn't.");
}

Test(qs, write_paths_use_djangos_names_and_messages)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_qs_update(all(), &err, "prise", mn_value_int(1), NULL), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Product has no field named 'prise'");
    bool created;
    cr_assert_null(mn_qs_get_or_create(mn_qs_filter(all(), "name", mn_value_cstr("New")), &created, &err, "prise",
                                       mn_value_int(1), NULL));
    cr_assert_str_eq(err.msg, "Invalid field name(s) for model Product: 'prise'.");
    /* the attname of a ForeignKey works where Django takes it */
    category *c = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Desks"), NULL);
    cr_assert_not_null(c, "%s", err.msg);
    product *p = mn_model_create(&product_model, A, &err, "name", mn_value_cstr("Stool"), "price", dec("9.00"),
                                 "category_id", mn_value_int(c->id), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(p->category, c->id);
    const char *attname[] = { "category_id", NULL };
    cr_assert_eq(mn_obj_set(p, &product_model, "category_id", mn_value_null(), A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, attname, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "category__isnull", mn_value_bool(false)), &err), 0);
    /* the primary key is no update field */
    const char *pk[] = { "id", NULL };
    cr_assert_eq(mn_obj_save(p, &product_model, NULL, pk, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg,
                     "The following fields do not exist in this model, are m2m fields, or are non-concrete fields: id");
}

Test(qs, json_lookups_match_django)
{
    mn_err err = { 0 };
    mn_value v;
    const char *docs[] = { "{\"color\": \"blue\", \"size\": 3}", "{\"color\": null}", "[\"wood\", \"oak\"]",
                           "{\"size\": 5}" };
    const char *names[] = { "Blue Lamp", "Red Lamp", "Oak Desk", "Pine Desk" };
    for (size_t i = 0; i < 4; i++) {
        cr_assert_eq(mn_json_loads(A, mn_str_from(docs[i]), NULL, &v, &err), MN_OK);
        cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr(names[i])), &err, "metadata", v, NULL), 1,
                     "%s", err.msg);
    }
    /* written as json.dumps does, so Django's text comparisons match */
    mn_value text;
    cr_assert_eq(mn_db_query_value(DB, "SELECT metadata FROM shop_product WHERE name = 'Oak Desk'", NULL, 0, A,
                                   &text, &err),
                 MN_OK, "%s", err.msg);
    if (!is_pg())
        cr_assert(mn_str_eq_cstr(text.u.s, "[\"wood\", \"oak\"]"));
    mn_list *keys = mn_list_new(A, 2);
    mn_list_push(keys, mn_value_cstr("color"));
    mn_list_push(keys, mn_value_cstr("size"));
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__has_keys", mn_value_list(keys)), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__has_any_keys", mn_value_list(keys)), &err), 3, "%s",
                 err.msg);
    /* a key holding JSON null; the key missing is isnull */
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__color", mn_value_null()), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__color__isnull", mn_value_bool(true)), &err), 4, "%s",
                 err.msg);
    mn_list *in = mn_list_new(A, 2);
    mn_list_push(in, mn_value_cstr("blue"));
    mn_list_push(in, mn_value_int(5));
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__color__in", mn_value_list(in)), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata__size__in", mn_value_list(in)), &err), 1, "%s", err.msg);
    mn_value arr;
    cr_assert_eq(mn_json_loads(A, MN_STR("[\"wood\", \"oak\"]"), NULL, &arr, &err), MN_OK);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "metadata", arr), &err), 1, "%s", err.msg);
    /* exclude() keeps the rows whose column is NULL and drops those without
     * the key; a JSON null is no match on PostgreSQL, unknown on SQLite
     * (where JSON_EXTRACT gives SQL NULL), as with Django */
    cr_assert_eq(count_or_err(mn_qs_exclude(all(), "metadata__color", mn_value_cstr("blue")), &err), is_pg() ? 3 : 2,
                 "%s", err.msg);
    /* order_by a key: by its JSON value */
    mn_qs *sized = mn_qs_order_by(mn_qs_filter(all(), "metadata__size__isnull", mn_value_bool(false)),
                                  "-metadata__size", NULL);
    cr_assert_eq(mn_qs_len(sized), 2, "%s", mn_qs_error(sized)->msg);
    cr_assert_str_eq(name_at(sized, 0), "Pine Desk");
    cr_assert_str_eq(name_at(sized, 1), "Blue Lamp");
    mn_value want;
    cr_assert_eq(mn_json_loads(A, MN_STR("{\"size\": 5}"), NULL, &want, &err), MN_OK);
    int64_t n = count_or_err(mn_qs_filter(all(), "metadata__contains", want), &err);
    if (is_pg()) {
        cr_assert_eq(n, 1, "%s", err.msg);
    } else {
        cr_assert_eq(n, MN_EINVAL);
        cr_assert_str_eq(err.msg, "contains lookup is not supported on this database backend.");
    }
}

Test(qs, date_transforms_and_messages)
{
    mn_err err = { 0 };
    /* Chair's publish_date is 2024-03-15: a Friday of ISO week 11, Q1 */
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__week", mn_value_int(11)), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__quarter", mn_value_int(1)), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__iso_year", mn_value_int(2024)), &err), 1, "%s",
                 err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__iso_week_day", mn_value_int(5)), &err), 1, "%s",
                 err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "publish_date__hour", mn_value_int(1)), &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "Unsupported lookup 'hour' for DateField or join on the field not permitted.");
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "created_at__time__gte", mn_value_cstr("00:00")), &err), 6, "%s",
                 err.msg);
    /* to_python's two date messages */
    product *p = mn_qs_first(all(), &err);
    cr_assert_eq(mn_obj_set(p, &product_model, "publish_date", mn_value_cstr("2024-02-30"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\u201c2024-02-30\u201d value has the correct format (YYYY-MM-DD) but it is an invalid date.");
    cr_assert_eq(mn_obj_set(p, &product_model, "publish_date", mn_value_cstr("30/02/2024"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\u201c30/02/2024\u201d value has an invalid date format. It must be in YYYY-MM-DD format.");
    cr_assert_eq(mn_obj_set(p, &product_model, "updated_at", mn_value_cstr("2024-02-30 10:00"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\u201c2024-02-30 10:00\u201d value has the correct format (YYYY-MM-DD "
                              "HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time.");
    /* a date alone is midnight */
    cr_assert_eq(mn_obj_set(p, &product_model, "updated_at", mn_value_cstr("2024-02-03"), A, &err), MN_OK, "%s",
                 err.msg);
}

Test(qs, naive_datetimes_are_in_the_default_time_zone)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_tz_set_default("America/Chicago", &err), MN_OK, "%s", err.msg);
    product *p = mn_qs_first(all(), &err);
    cr_assert_eq(mn_obj_set(p, &product_model, "updated_at", mn_value_cstr("2024-01-05 10:00:00"), A, &err), MN_OK,
                 "%s", err.msg);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_datetime_write(&b, p->updated_at, 'T');
    cr_assert_str_eq(mn_buf_cstr(&b), "2024-01-05T16:00:00+00:00");
    /* a reading that happens twice is refused, as pytz does */
    cr_assert_eq(mn_obj_set(p, &product_model, "updated_at", mn_value_cstr("2024-11-03 01:30:00"), A, &err),
                 MN_EINVAL);
    mn_tz_set_default(NULL, NULL);
}

Test(qs, ipv6_values_are_normalized)
{
    mn_err err = { 0 };
    sample *s = mn_model_create(&sample_model, A, &err, "ip", mn_value_cstr("2001:0DB8:0:0::0001"), NULL);
    cr_assert_not_null(s, "%s", err.msg);
    mn_value text;
    cr_assert_eq(mn_db_query_value(DB, "SELECT ip FROM samples", NULL, 0, A, &text, &err), MN_OK, "%s", err.msg);
    if (!is_pg()) /* PostgreSQL's inet writes its own normal form */
        cr_assert(mn_str_eq_cstr(text.u.s, "2001:db8::1"));
    mn_qs *samples = mn_qs_all(&sample_model, A);
    cr_assert_eq(count_or_err(mn_qs_filter(samples, "ip", mn_value_cstr("2001:db8:0000::1")), &err), 1, "%s", err.msg);
    mn_model_create(&sample_model, A, &err, "ip", mn_value_cstr("::ffff:0a00:0001"), NULL);
    cr_assert_eq(count_or_err(mn_qs_filter(samples, "ip", mn_value_cstr("::ffff:10.0.0.1")), &err), 1, "%s", err.msg);
}

Test(qs, avg_of_durations_and_aggregates_over_annotations)
{
    mn_err err = { 0 };
    mn_model_create(&sample_model, A, &err, "took", mn_value_duration((mn_duration){ 1000000 }), NULL);
    mn_model_create(&sample_model, A, &err, "took", mn_value_duration((mn_duration){ 2000002 }), NULL);
    mn_map *r = mn_qs_aggregate(mn_qs_all(&sample_model, A), &err, "a", mn_avg(A, "took"), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    mn_value a = mn_map_get_cstr(r, "a");
    cr_assert_eq(a.type, MN_VALUE_DURATION);
    cr_assert_eq(a.u.dur.us, 1500001);
    /* Max("n") over annotate(n=...): the annotated query is a subquery */
    mn_qs *qs = mn_qs_annotate(all(), "n", mn_expr_add(A, mn_f(A, "stock"), mn_value_int(1)), NULL);
    r = mn_qs_aggregate(qs, &err, "m", mn_max(A, "n"), "s", mn_sum(A, "n"), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "m").u.i, 13);
    cr_assert_eq(mn_map_get_cstr(r, "s").type, MN_VALUE_INT);
    cr_assert_eq(mn_map_get_cstr(r, "s").u.i, 3 + 0 + 2 + 5 + 12 + 1 + 6);
}

/* order_by("shelf") follows the related model's Meta.ordering. */
typedef struct shelf {
    mn_obj mn;
    int64_t id;
    mn_str name;
} shelf;
static const mn_field shelf_fields[] = {
    MN_FIELD_BIGAUTO(shelf, id),
    MN_FIELD_CHAR(shelf, name, .max_length = 20),
    MN_FIELD_END,
};
static mn_model shelf_model = MN_MODEL(shelf, "lab", "Shelf", shelf_fields, .meta = { .ordering = MN_NAMES("-name") });
typedef struct book {
    mn_obj mn;
    int64_t id;
    int64_t shelf;
} book;
static const mn_field book_fields[] = {
    MN_FIELD_BIGAUTO(book, id),
    MN_FIELD_FOREIGNKEY(book, shelf, shelf_model),
    MN_FIELD_END,
};
static mn_model book_model = MN_MODEL(book, "lab", "Book", book_fields);

Test(qs, ordering_by_a_foreign_key_uses_its_models_ordering)
{
    mn_err err = { 0 };
    mn_db_execute(DB, "DROP TABLE IF EXISTS lab_book", NULL, 0, NULL, &err);
    mn_db_execute(DB, "DROP TABLE IF EXISTS lab_shelf", NULL, 0, NULL, &err);
    cr_assert_eq(mn_model_create_table(&shelf_model, DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&book_model, DB, &err), MN_OK, "%s", err.msg);
    const char *names[] = { "b", "c", "a" };
    for (size_t i = 0; i < 3; i++) {
        shelf *s = mn_model_create(&shelf_model, A, &err, "name", mn_value_cstr(names[i]), NULL);
        cr_assert_not_null(s, "%s", err.msg);
        cr_assert_not_null(mn_model_create(&book_model, A, &err, "shelf", mn_value_int(s->id), NULL), "%s", err.msg);
    }
    /* shelves by -name: c (2), b (1), a (3); order_by("-shelf") flips it */
    mn_list *ids = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&book_model, A), "shelf", NULL), MN_QS_FLAT,
                                                "shelf_id", NULL));
    cr_assert_not_null(ids);
    cr_assert_eq(mn_list_get(ids, 0).u.i, 2);
    cr_assert_eq(mn_list_get(ids, 2).u.i, 3);
    ids = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&book_model, A), "-shelf", NULL), MN_QS_FLAT,
                                       "shelf_id", NULL));
    cr_assert_eq(mn_list_get(ids, 0).u.i, 3);
    /* the key itself orders by the key */
    ids = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&book_model, A), "shelf_id", NULL), MN_QS_FLAT,
                                       "shelf_id", NULL));
    cr_assert_eq(mn_list_get(ids, 0).u.i, 1);
    mn_db_execute(DB, "DROP TABLE IF EXISTS lab_book", NULL, 0, NULL, &err);
    mn_db_execute(DB, "DROP TABLE IF EXISTS lab_shelf", NULL, 0, NULL, &err);
}

Test(qs, bulk_create_ignore_conflicts_skips_rows_and_leaves_keys_unset)
{
    mn_err err = { 0 };
    product *a = mn_model_new(&product_model, A, &err);
    product *b = mn_model_new(&product_model, A, &err);
    cr_assert(a && b, "%s", err.msg);
    mn_obj_set(a, &product_model, "name", mn_value_cstr("Dup"), A, &err);
    mn_obj_set(a, &product_model, "slug", mn_value_cstr("chair"), A, &err); /* taken */
    mn_obj_set(b, &product_model, "name", mn_value_cstr("Fresh"), A, &err);
    mn_obj_set(b, &product_model, "slug", mn_value_cstr("fresh"), A, &err);
    void *objs[] = { a, b };
    cr_assert_eq(mn_model_bulk_create(&product_model, objs, 2, 0, NULL, &err), MN_EEXIST);
    cr_assert_eq(mn_model_bulk_create_opts(&product_model, objs, 2, 0, MN_BULK_IGNORE_CONFLICTS, NULL, &err), MN_OK,
                 "%s", err.msg);
    cr_assert_eq(a->id, 0);
    cr_assert_eq(b->id, 0);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "slug", mn_value_cstr("fresh")), &err), 1, "%s", err.msg);
    cr_assert_eq(count_or_err(mn_qs_filter(all(), "name", mn_value_cstr("Dup")), &err), 0, "%s", err.msg);
}

/* distinct() ordered by a column it does not select selects it too, as
 * Django does (and PostgreSQL requires). */
Test(qs, distinct_with_an_ordering_it_does_not_select)
{
    mn_err err = { 0 };
    /* statuses: all "draft" but one published */
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err, "status",
                              mn_value_cstr("published"), NULL),
                 1, "%s", err.msg);
    mn_list *rows = mn_qs_rows(mn_qs_order_by(mn_qs_distinct(mn_qs_values_list(all(), MN_QS_FLAT, "status", NULL)),
                                              "status", NULL));
    cr_assert_not_null(rows);
    cr_assert_eq(mn_list_len(rows), 2);
    /* ordered by price too: one row per (status, price), price not returned */
    mn_qs *by_price = mn_qs_order_by(mn_qs_distinct(mn_qs_values_list(all(), MN_QS_FLAT, "status", NULL)), "status",
                                     "-price", NULL);
    rows = mn_qs_rows(by_price);
    cr_assert_not_null(rows, "%s", mn_qs_error(by_price)->msg);
    cr_assert_eq(mn_list_len(rows), 6);
    cr_assert(mn_str_eq_cstr(mn_list_get(rows, 0).u.s, "draft"));
    cr_assert(mn_str_eq_cstr(mn_list_get(rows, 5).u.s, "published"));
    /* instances ordered across a relation */
    mn_qs *by_cat = mn_qs_order_by(mn_qs_distinct(all()), "category__name", "-pk", NULL);
    cr_assert_eq(mn_qs_len(by_cat), 6, "%s", mn_qs_error(by_cat)->msg);
    cr_assert_eq(mn_qs_count(by_cat, &err), 6, "%s", err.msg);
}

/* SQLite keeps a value of another storage class than its column's when it
 * cannot convert it (a REAL in an INTEGER column, a text in a REAL or
 * boolean one, a blob anywhere): rows are read by the driver straight into
 * the instance only when the storage class is the field's, the others take
 * the general conversion (sqlite3_column_int64 / _double / _text), so the
 * same values come out, in a plain query, get() and select_related. */
Test(qs, values_of_another_storage_class_take_the_general_path)
{
    mn_err err = { 0 };
    if (is_pg())
        return; /* PostgreSQL enforces its column types */
    category *cat = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Lighting"), NULL);
    cr_assert_not_null(cat, "%s", err.msg);
    const char *updates[] = {
        "PRAGMA ignore_check_constraints = ON", /* rating_range, for a text rating */
        "UPDATE shop_product SET stock = 2.5, available = 'yes', rating = 'abc', name = x'6869', category_id = NULL "
        "WHERE name = 'Chair'",
        "UPDATE shop_product SET stock = 'many', rating = 4, category_id = (SELECT id FROM shop_category) "
        "WHERE name = 'Oak Desk'",
        "UPDATE shop_category SET name = x'4c616d7073'",
        "PRAGMA ignore_check_constraints = OFF",
    };
    for (size_t i = 0; i < sizeof updates / sizeof *updates; i++)
        cr_assert_eq(mn_db_execute(DB, updates[i], NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    int64_t chair_id = 0, desk_id = 0;
    for (int way = 0; way < 3; way++) {
        mn_qs *base = mn_qs_order_by(all(), "id", NULL);
        if (way == 2)
            base = mn_qs_select_related(base, "category", NULL);
        product *chair = NULL, *desk = NULL;
        if (way == 1) {
            chair = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(chair_id)), &err);
            desk = mn_qs_get(mn_qs_filter(all(), "pk", mn_value_int(desk_id)), &err);
        } else {
            size_t n;
            void **items = mn_qs_items(base, &n);
            cr_assert_eq(n, 6, "%s", mn_qs_error(base)->msg);
            for (size_t i = 0; i < n; i++) {
                product *p = items[i];
                if (mn_str_eq_cstr(p->name, "hi"))
                    chair = p;
                else if (mn_str_eq_cstr(p->name, "Oak Desk"))
                    desk = p;
                else
                    cr_assert_gt(p->name.len, 3, "the other rows are as stored");
            }
        }
        cr_assert_not_null(chair, "way %d: %s", way, err.msg);
        cr_assert_not_null(desk, "way %d: %s", way, err.msg);
        chair_id = chair->id;
        desk_id = desk->id;
        cr_assert_eq(chair->stock, 2, "a REAL in an integer column, as sqlite3_column_int64");
        cr_assert_not(chair->available, "a text in a boolean column reads as 0");
        cr_assert_float_eq(chair->rating, 0.0, 1e-12, "a text in a REAL column reads as 0.0");
        cr_assert_eq(chair->name.ptr[chair->name.len], '\0', "a blob's text is NUL-terminated");
        cr_assert(mn_obj_is_null(chair, &product_model, "category"));
        cr_assert_eq(chair->category, 0);
        cr_assert_str_eq(decimal_text(chair->price), "45.00");
        cr_assert_eq(desk->stock, 0, "a text that is no number");
        cr_assert_float_eq(desk->rating, 4.0, 1e-12);
        cr_assert_not(mn_obj_is_null(desk, &product_model, "category"));
        cr_assert_eq(desk->category, cat->id);
        if (way == 2) {
            uint64_t before = mn_db_statement_count(DB);
            cr_assert_null(MN_REL(category, chair, &product_model, "category", A, &err), "no category: no row joined");
            category *c = MN_REL(category, desk, &product_model, "category", A, &err);
            cr_assert_not_null(c, "%s", err.msg);
            cr_assert(mn_str_eq_cstr(c->name, "Lamps"), "a blob in the joined row");
            cr_assert_eq(c->id, cat->id);
            cr_assert_eq(mn_db_statement_count(DB), before, "both from the join");
        }
    }
    /* the other integer widths and a decimal with more places than a
     * double carries exactly */
    sample *s = mn_model_create(&sample_model, A, &err, NULL);
    cr_assert_not_null(s, "%s", err.msg);
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE samples SET small = 'x', big = 2.75, pos = x'3132', amount = 3 WHERE id = %lld",
             (long long)s->id);
    cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    sample *t = mn_qs_get(mn_qs_filter(mn_qs_all(&sample_model, A), "pk", mn_value_int(s->id)), &err);
    cr_assert_not_null(t, "%s", err.msg);
    cr_assert_eq(t->small, 0);
    cr_assert_eq(t->big, 2);
    cr_assert_eq(t->pos, 12, "a blob of digits reads as its number");
    cr_assert_str_eq(decimal_text(t->amount), "3.0000000000");
    cr_assert(mn_obj_is_null(t, &sample_model, "uuid"));
}

/* A DecimalField's lookup value is compared as given (Django 3.2's
 * get_prep_value); only a saved value is rounded to decimal_places. */
Test(qs, decimal_lookup_values_are_not_rounded)
{
    mn_err err = { 0 };
    cr_assert_eq(count_where("price", dec("19.991")), 0);
    cr_assert_eq(count_where("price", dec("19.990")), 1);
    cr_assert_eq(count_where("price__lt", dec("19.994")), 1, "19.99 < 19.994");
    cr_assert_eq(count_where("price__gte", dec("19.995")), 5);
    cr_assert_eq(count_where("price__lt", mn_value_float(19.994)), 1);
    cr_assert_eq(count_where("price", mn_value_cstr("19.991")), 0);
    cr_assert_eq(count_where("price__lt", dec("123456789012.5")), 6, "beyond max_digits: no error");
    cr_assert_eq(count_where("price", dec("2.5E+2")), 1);
    cr_assert_eq(count_where("price__lt", mn_expr_add(A, mn_f(A, "price"), dec("0.001"))), 6);
    cr_assert_lt(mn_qs_count(mn_qs_filter(all(), "price", mn_value_cstr("abc")), &err), 0);
    cr_assert(strstr(err.msg, "must be a decimal number"), "%s", err.msg);
    /* update() rounds as a save does */
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err, "price", dec("9.999"), NULL), 1,
                 "%s", err.msg);
    cr_assert_eq(count_where("price", dec("10")), 1);
}

/* update_or_create() with expressions: Django's one save() of the found
 * instance, in a transaction. All fields go in one UPDATE, so an F() reads
 * the row as it was; the instance holds the results read back. */
Test(qs, update_or_create_expressions_in_one_update)
{
    mn_err err = { 0 };
    bool created = true;
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    product *p = mn_qs_update_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &created, &err, "stock",
                                        mn_expr_add(A, mn_f(A, "stock"), mn_value_int(1)), "rating",
                                        mn_expr_sub(A, mn_f(A, "stock"), mn_value_int(10)),
                                        "price", mn_expr_mul(A, mn_f(A, "price"), mn_value_int(2)), "description",
                                        mn_value_cstr("updated"), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert(!created);
    size_t updates = 0;
    for (size_t i = 0; i < mn_db_log_count(DB); i++)
        updates += strncmp(mn_db_log_entry(DB, i)->sql, "UPDATE", 6) == 0;
    mn_db_log_enable(DB, false);
    cr_assert_eq(updates, 1, "one UPDATE for values and expressions");
    cr_assert_eq(p->stock, 13);
    cr_assert_float_eq(p->rating, 2.0, 1e-9, "F(stock) before the UPDATE");
    cr_assert_str_eq(decimal_text(p->price), "90.00");
    cr_assert(mn_str_eq_cstr(p->description, "updated"));
    product *again = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(again, "%s", err.msg);
    cr_assert_eq(again->stock, 13);
    cr_assert_float_eq(again->rating, 2.0, 1e-9);
    cr_assert(mn_str_eq_cstr(again->description, "updated"));
    /* two fields reading each other see the old row */
    p = mn_qs_update_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &created, &err, "stock",
                               mn_f(A, "rating"), "rating", mn_expr_sub(A, mn_f(A, "stock"), mn_value_int(10)), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    cr_assert_eq(p->stock, 2);
    cr_assert_float_eq(p->rating, 3.0, 1e-9);
    /* a failing expression rolls the plain defaults back too */
    p = mn_qs_update_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &created, &err, "description",
                               mn_value_cstr("lost"), "stock", mn_f(A, "nope"), NULL);
    cr_assert_null(p);
    cr_assert(strstr(err.msg, "Cannot resolve keyword 'nope' into field"), "%s", err.msg);
    again = mn_qs_get(mn_qs_filter(all(), "name", mn_value_cstr("Chair")), &err);
    cr_assert_not_null(again, "%s", err.msg);
    cr_assert(mn_str_eq_cstr(again->description, "updated"));
    cr_assert_eq(mn_db_depth(DB), 0, "the transaction ended");
    /* creating with an expression is Django's error, and nothing is left */
    err = (mn_err){ 0 };
    cr_assert_null(mn_qs_update_or_create(mn_qs_filter(all(), "name", mn_value_cstr("Stool")), &created, &err, "stock",
                                          mn_expr_add(A, mn_f(A, "stock"), mn_value_int(1)), NULL));
    cr_assert(strstr(err.msg, "F() expressions can only be used to update, not to insert."), "%s", err.msg);
    cr_assert_eq(count_where("name", mn_value_cstr("Stool")), 0);
    cr_assert_eq(mn_db_depth(DB), 0);
}

/* Django 3.2's behaviours ported with the differential test: a QuerySet
 * as one value, exclude() of a nullable column on the right, F() ranges,
 * joins refused in update(), values().distinct() aggregates, and the types
 * of expressions over aggregates. */
Test(qs, ported_django_behaviours)
{
    mn_err err = { 0 };
    /* exact against a QuerySet sliced to one row; unsliced is an error */
    mn_qs *cheapest = mn_qs_slice(mn_qs_values(mn_qs_order_by(all(), "price", NULL), "stock", NULL), 0, 1);
    mn_value sub;
    cr_assert_eq(mn_qs_to_value(cheapest, &sub, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count_where("stock", sub), 1, "Blue Lamp's 3");
    cr_assert_eq(count_where("stock__gt", sub), 2);
    mn_value unsliced;
    cr_assert_eq(mn_qs_to_value(mn_qs_values(all(), "stock", NULL), &unsliced, &err), MN_OK);
    cr_assert_lt(mn_qs_count(mn_qs_filter(all(), "stock", unsliced), &err), 0);
    cr_assert_str_eq(err.msg, "The QuerySet value for an exact lookup must be limited to one result using slicing.");
    /* exclude() with a nullable column on the right keeps its NULL rows
     * (no product has a category) */
    err = (mn_err){ 0 };
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "stock__gt", mn_f(A, "category")), &err), 6, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_exclude(all(), "stock__gt", mn_f(A, "category__pk")), &err), 6, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(all(), "stock__gt", mn_f(A, "category")), &err), 0);
    /* range with expressions */
    cr_assert_eq(count_where("stock__range", list2(mn_f(A, "stock"), mn_expr_add(A, mn_f(A, "stock"), mn_value_int(1)))),
                 6);
    /* an F() across a join in update(); a ForeignKey's id needs none */
    cr_assert_lt(mn_qs_update(all(), &err, "name", mn_f(A, "category__name"), NULL), 0);
    cr_assert_str_eq(err.msg, "Joined field references are not permitted in this query");
    err = (mn_err){ 0 };
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "pk", mn_value_int(-1)), &err, "stock", mn_f(A, "category__id"), NULL),
                 0, "%s", err.msg);
    /* values().distinct().aggregate() counts the distinct values */
    mn_map *r = mn_qs_aggregate(mn_qs_distinct(mn_qs_values(all(), "available", NULL)), &err, "n",
                                mn_count(A, "available"), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_map_get_cstr(r, "n").u.i, 1);
    /* expressions of aggregates keep the fields' types */
    r = mn_qs_aggregate(all(), &err, "total", mn_expr_add(A, mn_sum(A, "stock"), mn_count(A, "pk")), "spread",
                        mn_expr_sub(A, mn_max(A, "price"), mn_min(A, "price")), NULL);
    cr_assert_not_null(r, "%s", err.msg);
    mn_value total = mn_map_get_cstr(r, "total"), spread = mn_map_get_cstr(r, "spread");
    cr_assert_eq(total.type, MN_VALUE_INT);
    cr_assert_eq(total.u.i, 23 + 6);
    cr_assert_eq(spread.type, MN_VALUE_DECIMAL);
    cr_assert_eq(mn_decimal_cmp(spread.u.d, mn_decimal_make(23001, 2)), 0, "%s", decimal_text(spread.u.d));
}

/* Sum(F("product__price") * F("product__stock")): an aggregate of an
 * expression over related rows, per category and over all of them. */
Test(qs, aggregate_of_an_expression_over_related_rows)
{
    mn_err err = { 0 };
    category *light = mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Lighting"), NULL);
    cr_assert_not_null(light, "%s", err.msg);
    cr_assert_not_null(mn_model_create(&category_model, A, &err, "name", mn_value_cstr("Empty"), NULL), "%s", err.msg);
    cr_assert_eq(mn_qs_update(mn_qs_filter(all(), "name__endswith", mn_value_cstr("Lamp")), &err, "category",
                              mn_value_int(light->id), NULL),
                 2, "%s", err.msg);
    mn_value total = mn_agg_of(A, MN_AGG_SUM, mn_expr_mul(A, mn_f(A, "product__price"), mn_f(A, "product__stock")));
    mn_qs *qs = mn_qs_order_by(mn_qs_annotate(mn_qs_all(&category_model, A), "value", total, NULL), "name", NULL);
    cr_assert_eq(mn_qs_len(qs), 2, "%s", mn_qs_error(qs)->msg);
    mn_value empty = mn_obj_annotation(mn_qs_at(qs, 0), &category_model, "value");
    mn_value lamps = mn_obj_annotation(mn_qs_at(qs, 1), &category_model, "value");
    cr_assert_eq(empty.type, MN_VALUE_NULL, "no related rows: NULL, as Django's SUM over none");
    cr_assert_eq(lamps.type, MN_VALUE_DECIMAL);
    /* 19.99 * 3 + 24.50 * 0 */
    cr_assert_eq(mn_decimal_cmp(lamps.u.d, mn_decimal_make(5997, 2)), 0, "%s", decimal_text(lamps.u.d));
    mn_map *r = mn_qs_aggregate(mn_qs_all(&category_model, A), &err, "all", total, "avg",
                                mn_agg_of(A, MN_AGG_AVG, mn_expr_add(A, mn_f(A, "product__stock"), mn_value_int(1))),
                                NULL);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(mn_decimal_cmp(mn_map_get_cstr(r, "all").u.d, mn_decimal_make(5997, 2)), 0);
    cr_assert_float_eq(mn_map_get_cstr(r, "avg").u.f, 2.5, 1e-9, "(4 + 1) / 2 related rows");
    /* F()s of two different relation paths stay refused */
    mn_qs *bad = mn_qs_annotate(mn_qs_all(&category_model, A), "x",
                                mn_agg_of(A, MN_AGG_SUM, mn_expr_mul(A, mn_f(A, "product__stock"), mn_f(A, "name"))),
                                NULL);
    cr_assert_eq(mn_qs_len(bad), 0);
    cr_assert_neq(mn_qs_error(bad)->code, MN_OK);
}

/* A ForeignKey takes the related lookups only (its id takes them all), and
 * text lookups on a UUIDField ignore the value's dashes where the column
 * keeps 32 hex digits (Django's UUIDTextMixin). */
Test(qs, related_field_lookups_and_uuid_text)
{
    mn_err err = { 0 };
    const char *bad[] = { "category__startswith", "category_id__iexact", "category__range", "category__year" };
    for (size_t i = 0; i < 4; i++) {
        err = (mn_err){ 0 };
        mn_value v = i == 2 ? list2(mn_value_int(1), mn_value_int(2)) : mn_value_int(1);
        cr_assert_lt(mn_qs_count(mn_qs_filter(all(), bad[i], v), &err), 0, "%s", bad[i]);
        cr_assert(strstr(err.msg, "Related Field got invalid lookup: "), "%s", err.msg);
    }
    cr_assert_eq(count_where("category__id__startswith", mn_value_int(1)), 0);
    cr_assert_eq(count_where("category__lte", mn_value_int(1)), 0);
    sample *s = mn_model_new(&sample_model, A, &err);
    cr_assert_not_null(s, "%s", err.msg);
    mn_obj_set(s, &sample_model, "uuid", mn_value_cstr("12345678-1234-5678-1234-567812345678"), A, &err);
    cr_assert_eq(mn_obj_save(s, &sample_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    mn_qs *samples = mn_qs_all(&sample_model, A);
    const char *lk[] = { "uuid__iexact", "uuid__contains", "uuid__istartswith", "uuid__endswith" };
    const char *val[] = { "12345678-1234-5678-1234-567812345678", "5678-1234", "12345678-12", "-567812345678" };
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(mn_qs_count(mn_qs_filter(samples, lk[i], mn_value_cstr(val[i])), &err), 1, "%s: %s", lk[i], err.msg);
}
