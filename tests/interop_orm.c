/* Command-line helper of tests/integration/orm_django.sh: reads the rows
 * Django wrote into interop_item of the SQLite file argv[1], prints them one
 * per line, runs a few lookups, then inserts one row for Django to read. */
#include <stdio.h>
#include <stdlib.h>
#include "manouche.h"

typedef struct item {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    int32_t qty;
    bool active;
    mn_date born;
    mn_datetime at;
    mn_duration took;
    mn_str key;
    mn_value data;
} item;

static const mn_field item_fields[] = {
    MN_FIELD_AUTO(item, id),
    MN_FIELD_CHAR(item, name, .max_length = 50),
    MN_FIELD_DECIMAL(item, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(item, qty),
    MN_FIELD_BOOL(item, active),
    MN_FIELD_DATE(item, born),
    MN_FIELD_DATETIME(item, at),
    MN_FIELD_DURATION(item, took),
    MN_FIELD_UUID(item, key),
    MN_FIELD_JSON(item, data),
    MN_FIELD_END,
};
static mn_model item_model = MN_MODEL(item, "interop", "Item", item_fields);

static void fail(const char *what, const mn_err *err)
{
    fprintf(stderr, "interop_orm: %s: %s\n", what, err->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: interop_orm DB_FILE\n");
        return 2;
    }
    mn_arena *a = mn_arena_new("interop", 0);
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = argv[1] };
    mn_db *db = mn_db_open(&cfg, &err);
    if (!db)
        fail("open", &err);
    mn_orm_use(db);
    mn_qs *qs = mn_qs_order_by(mn_qs_all(&item_model, a), "id", NULL);
    if (mn_qs_eval(qs, &err) != MN_OK)
        fail("select", &err);
    for (size_t i = 0; i < mn_qs_len(qs); i++) {
        item *it = mn_qs_at(qs, i);
        mn_buf b;
        mn_buf_init(&b, a, 0);
        mn_buf_printf(&b, "row|%lld|%.*s|", (long long)it->id, MN_STR_FMT(it->name));
        mn_decimal_write(&b, it->price);
        mn_buf_printf(&b, "|%d|%s|", it->qty, it->active ? "True" : "False");
        mn_date_write(&b, it->born);
        mn_buf_putc(&b, '|');
        mn_datetime_write(&b, it->at, ' ');
        mn_buf_printf(&b, "|%lld|%.*s|", (long long)it->took.us, MN_STR_FMT(it->key));
        mn_str json = mn_json_dumps(a, it->data, MN_JSON_SORT_KEYS, &err);
        mn_buf_put_str(&b, json);
        puts(mn_buf_cstr(&b));
    }
    printf("count_year_2024|%lld\n",
           (long long)mn_qs_count(mn_qs_filter(mn_qs_all(&item_model, a), "at__year", mn_value_int(2024)), &err));
    printf("count_price_gte_10|%lld\n",
           (long long)mn_qs_count(mn_qs_filter(mn_qs_all(&item_model, a), "price__gte", mn_value_cstr("10")), &err));
    printf("count_json_color_red|%lld\n",
           (long long)mn_qs_count(mn_qs_filter(mn_qs_all(&item_model, a), "data__color", mn_value_cstr("red")), &err));
    printf("count_took_gt_1h|%lld\n",
           (long long)mn_qs_count(mn_qs_filter(mn_qs_all(&item_model, a), "took__gt",
                                               mn_value_duration((mn_duration){ INT64_C(3600000000) })),
                                  &err));
    printf("count_active|%lld\n",
           (long long)mn_qs_count(mn_qs_filter(mn_qs_all(&item_model, a), "active", mn_value_bool(true)), &err));
    /* a row for Django to read back */
    mn_value data;
    if (mn_json_loads(a, MN_STR("{\"color\": \"blue\", \"sizes\": [1, 2.5], \"ok\": null}"), NULL, &data, &err) != MN_OK)
        fail("json", &err);
    item *n = mn_model_create(&item_model, a, &err, "name", mn_value_cstr("from C \xc3\xa9"), "price",
                              mn_value_cstr("1234.50"), "qty", mn_value_int(-3), "active", mn_value_bool(false), "born",
                              mn_value_cstr("1999-12-31"), "at", mn_value_cstr("2024-06-01T12:34:56.789+02:00"), "took",
                              mn_value_cstr("1 day, 0:00:01.5"), "key",
                              mn_value_cstr("0f8fad5b-d9cb-469f-a165-70867728950e"), "data", data, NULL);
    if (!n)
        fail("create", &err);
    printf("created|%lld\n", (long long)n->id);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return 0;
}
