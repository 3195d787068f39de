/* docs/querysets.md: date and time transforms in values(), values_list(),
 * order_by(), F() and aggregates, read in the current time zone; dates() and
 * datetimes(). */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "manouche.h"

typedef struct order {
    mn_obj mn;
    int64_t id;
    mn_str customer;
    mn_datetime placed;
    mn_date shipped;
} order;

static const mn_field order_fields[] = {
    MN_FIELD_BIGAUTO(order, id),
    MN_FIELD_CHAR(order, customer, .max_length = 100),
    MN_FIELD_DATETIME(order, placed),
    MN_FIELD_DATE(order, shipped, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model order_model = MN_MODEL(order, "shop", "Order", order_fields);

static void add(mn_arena *a, const char *customer, const char *placed, const char *shipped)
{
    mn_err err = { 0 };
    order *o = mn_model_new(&order_model, a, &err);
    o->customer = mn_str_from(customer);
    assert(mn_obj_set(o, &order_model, "placed", mn_value_cstr(placed), a, &err) == MN_OK);
    if (shipped)
        assert(mn_obj_set(o, &order_model, "shipped", mn_value_cstr(shipped), a, &err) == MN_OK);
    assert(mn_obj_save(o, &order_model, NULL, NULL, &err) == MN_OK);
}

int main(void)
{
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    mn_model_create_table(&order_model, NULL, &err);
    add(a, "ada", "2024-01-01 03:00:00+00:00", "2024-01-03"); /* 2023-12-31 21:00 in Chicago */
    add(a, "bob", "2024-03-10 12:00:00+00:00", NULL);
    add(a, "ada", "2024-07-04 16:30:00+00:00", "2024-07-05");

    /* USE_TZ with TIME_ZONE = "America/Chicago": parts are read there */
    mn_tz_activate(mn_tz_get("America/Chicago", &err));

    /* Order.objects.order_by("pk").values("customer", "placed__year", "placed__date") */
    mn_qs *qs = mn_qs_values(mn_qs_order_by(mn_qs_all(&order_model, a), "pk", NULL), "customer", "placed__year",
                             "placed__date", NULL);
    mn_list *rows = mn_qs_rows(qs);
    assert(rows && mn_list_len(rows) == 3);
    mn_map *first = mn_list_get(rows, 0).u.map;
    mn_value year = mn_map_get_cstr(first, "placed__year");
    mn_value day = mn_map_get_cstr(first, "placed__date");
    assert(year.type == MN_VALUE_INT && year.u.i == 2023);                  /* an int */
    assert(day.type == MN_VALUE_DATE && day.u.date.month == 12 && day.u.date.day == 31); /* a date */
    printf("first order: %lld, %04d-%02d-%02d\n", (long long)year.u.i, day.u.date.year, day.u.date.month,
           day.u.date.day);

    /* values_list("shipped__month", flat=True): null where shipped is */
    rows = mn_qs_rows(mn_qs_values_list(mn_qs_order_by(mn_qs_all(&order_model, a), "pk", NULL), MN_QS_FLAT,
                                        "shipped__month", NULL));
    assert(rows && mn_list_get(rows, 0).u.i == 1 && mn_list_get(rows, 1).type == MN_VALUE_NULL);

    /* values("placed__year").annotate(n=Count("pk")).order_by("-placed__year") */
    qs = mn_qs_annotate(mn_qs_values(mn_qs_all(&order_model, a), "placed__year", NULL), "n", mn_count(a, "pk"), NULL);
    rows = mn_qs_rows(mn_qs_order_by(qs, "-placed__year", NULL));
    assert(rows && mn_list_len(rows) == 2);
    for (size_t i = 0; i < mn_list_len(rows); i++) {
        mn_map *r = mn_list_get(rows, i).u.map;
        printf("%lld: %lld orders\n", (long long)mn_map_get_cstr(r, "placed__year").u.i,
               (long long)mn_map_get_cstr(r, "n").u.i);
    }
    assert(mn_map_get_cstr(mn_list_get(rows, 0).u.map, "n").u.i == 2);

    /* annotate(hour=F("placed__hour")), aggregate(last=Max("shipped__month")) */
    order *o = mn_qs_first(mn_qs_annotate(mn_qs_all(&order_model, a), "hour", mn_f(a, "placed__hour"), NULL), &err);
    assert(o && mn_obj_annotation(o, &order_model, "hour").u.i == 21);
    mn_map *agg = mn_qs_aggregate(mn_qs_all(&order_model, a), &err, "last", mn_max(a, "shipped__month"), NULL);
    assert(agg && mn_map_get_cstr(agg, "last").u.i == 7);

    /* Order.objects.dates("placed", "month", order="DESC"): distinct first days */
    rows = mn_qs_rows(mn_qs_dates(mn_qs_all(&order_model, a), "placed", "month", "DESC"));
    assert(rows && mn_list_len(rows) == 3);
    mn_value m0 = mn_list_get(rows, 0), m2 = mn_list_get(rows, 2);
    assert(m0.type == MN_VALUE_DATE && m0.u.date.year == 2024 && m0.u.date.month == 7 && m0.u.date.day == 1);
    assert(m2.u.date.year == 2023 && m2.u.date.month == 12); /* Chicago's calendar */
    /* dates("shipped", "week"): Mondays; null dates are left out */
    rows = mn_qs_rows(mn_qs_dates(mn_qs_all(&order_model, a), "shipped", "week", NULL));
    assert(rows && mn_list_len(rows) == 2 && mn_list_get(rows, 0).u.date.day == 1); /* Monday 1 January 2024 */
    /* Order.objects.datetimes("placed", "hour"): aware, in Chicago */
    rows = mn_qs_rows(mn_qs_datetimes(mn_qs_all(&order_model, a), "placed", "hour", NULL));
    assert(rows && mn_list_len(rows) == 3);
    mn_date hd;
    mn_time ht;
    mn_datetime_fields(mn_list_get(rows, 2).u.dt, &hd, &ht); /* 16:30 UTC is 11:30 in Chicago */
    assert(hd.month == 7 && hd.day == 4 && ht.hour == 11 && ht.minute == 0);
    qs = mn_qs_dates(mn_qs_all(&order_model, a), "placed", "hour", NULL);
    assert(!mn_qs_rows(qs));
    assert(!strcmp(mn_qs_error(qs)->msg, "'kind' must be one of 'year', 'month', 'week', or 'day'."));

    /* a name that is no transform: Django's error */
    qs = mn_qs_values(mn_qs_all(&order_model, a), "placed__yaer", NULL);
    assert(!mn_qs_rows(qs));
    assert(!strcmp(mn_qs_error(qs)->msg, "Cannot resolve keyword 'yaer' into field. Join on 'placed' not permitted."));

    mn_tz_activate(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
