/* Field descriptors and conversions (src/orm/field.c). */
#include <ctype.h>
#include <math.h>
#include "shop.h"

TestSuite(field, .init = shop_setup, .fini = shop_teardown);

typedef struct order_item {
    mn_obj mn;
    mn_str code;
    int32_t qty;
    mn_value extra;
    mn_datetime at;
    mn_duration took;
    double ratio;
    mn_time when;
} order_item;

static int default_qty(mn_arena *arena, mn_value *out)
{
    *out = mn_value_int(7);
    return MN_OK;
}

static const mn_field order_item_fields[] = {
    MN_FIELD_CHAR(order_item, code, .max_length = 12, .primary_key = true),
    MN_FIELD_INT(order_item, qty, .default_fn = default_qty),
    MN_FIELD_JSON(order_item, extra, .null = true),
    MN_FIELD_DATETIME(order_item, at, .null = true),
    MN_FIELD_DURATION(order_item, took, .null = true),
    MN_FIELD_FLOAT(order_item, ratio, .default_value = "0.5"),
    MN_FIELD_TIME(order_item, when, .null = true),
    MN_FIELD_END,
};
static mn_model order_item_model = MN_MODEL(order_item, "Shop", "OrderItem", order_item_fields);

Test(field, names_defaults_and_custom_primary_keys)
{
    mn_err err = { 0 };
    cr_assert_str_eq(mn_model_table(&order_item_model), "shop_orderitem");
    cr_assert_str_eq(mn_model_verbose_name(&order_item_model), "order item");
    cr_assert_str_eq(mn_model_verbose_name_plural(&order_item_model), "order items");
    cr_assert_str_eq(mn_model_pk(&order_item_model)->name, "code");
    cr_assert_eq(mn_model_field_index(&order_item_model, mn_model_field_by_name(&order_item_model, "ratio")), 5);
    order_item *o = mn_model_new(&order_item_model, A, &err);
    cr_assert_not_null(o, "%s", err.msg);
    cr_assert_eq(o->qty, 7, "default_fn");
    cr_assert_float_eq(o->ratio, 0.5, 1e-12);
    cr_assert(mn_obj_is_null(o, &order_item_model, "at"), "nullable fields without a default start NULL");
    cr_assert_eq(mn_model_create_table(&order_item_model, NULL, &err), MN_OK, "%s", err.msg);
    o->code = mn_str_from("A-1");
    cr_assert_eq(mn_obj_save(o, &order_item_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    order_item *r = mn_qs_get(mn_qs_filter(mn_qs_all(&order_item_model, A), "pk", mn_value_cstr("A-1")), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(r->qty, 7);
    /* saving again updates (the pk is set, the row exists) */
    r->qty = 8;
    cr_assert_eq(mn_obj_save(r, &order_item_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&order_item_model, A), &err), 1);
    /* a new instance given an existing key updates that row, as Django's
     * save() does (UPDATE first, INSERT when nothing matched) */
    order_item *same = mn_model_new(&order_item_model, A, &err);
    same->code = mn_str_from("A-1");
    same->qty = 99;
    cr_assert_eq(mn_obj_save(same, &order_item_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&order_item_model, A), &err), 1);
    cr_assert_eq(((order_item *)mn_qs_first(mn_qs_all(&order_item_model, A), &err))->qty, 99);
    order_item *other = mn_model_new(&order_item_model, A, &err);
    other->code = mn_str_from("B-2");
    cr_assert_eq(mn_obj_save(other, &order_item_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&order_item_model, A), &err), 2);
    /* create() forces an INSERT: a duplicate key is a unique violation */
    cr_assert_null(mn_model_create(&order_item_model, A, &err, "code", mn_value_cstr("B-2"), NULL));
    cr_assert_eq(err.code, MN_EEXIST);
    mn_db_execute(DB, "DROP TABLE shop_orderitem", NULL, 0, NULL, &err);
}

Test(field, conversions_like_to_python)
{
    mn_err err = { 0 };
    order_item *o = mn_model_new(&order_item_model, A, &err);
    cr_assert_eq(mn_obj_set(o, &order_item_model, "at", mn_value_cstr("2024-01-05T10:30:00+02:00"), A, &err), MN_OK);
    mn_date d;
    mn_time t;
    mn_datetime_fields(o->at, &d, &t);
    cr_assert_eq(t.hour, 8, "aware values are kept as the same instant, shown in UTC");
    cr_assert_str_eq(mn_tz_name(o->at.tz), "UTC");
    cr_assert_eq(mn_obj_set(o, &order_item_model, "took", mn_value_cstr("1 day, 2:00:00"), A, &err), MN_OK);
    cr_assert_eq(o->took.us, INT64_C(93600000000));
    cr_assert_eq(mn_obj_set(o, &order_item_model, "took", mn_value_cstr("soon"), A, &err), MN_EINVAL);
    cr_assert_eq(mn_obj_set(o, &order_item_model, "ratio", mn_value_cstr("2.25"), A, &err), MN_OK);
    cr_assert_float_eq(o->ratio, 2.25, 1e-12);
    cr_assert_eq(mn_obj_set(o, &order_item_model, "ratio", mn_value_cstr("x"), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\xe2\x80\x9cx\xe2\x80\x9d value must be a float.");
    cr_assert_eq(mn_obj_set(o, &order_item_model, "when", mn_value_cstr("25:00"), A, &err), MN_EINVAL);
    cr_assert_eq(mn_obj_set(o, &order_item_model, "when", mn_value_cstr("07:05:09.5"), A, &err), MN_OK);
    cr_assert_eq(o->when.usec, 500000);
    /* IntegerField.to_python is int(value): a float is truncated, NaN refused */
    cr_assert_eq(mn_obj_set(o, &order_item_model, "qty", mn_value_float(-1.5), A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(o->qty, -1);
    cr_assert_eq(mn_obj_set(o, &order_item_model, "qty", mn_value_float(NAN), A, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "\xe2\x80\x9cnan\xe2\x80\x9d value must be an integer.");
    /* strings are copied: the source may go away */
    char buf[8] = "abc";
    cr_assert_eq(mn_obj_set(o, &order_item_model, "code", mn_value_cstr(buf), A, &err), MN_OK);
    buf[0] = 'z';
    cr_assert(mn_str_eq_cstr(o->code, "abc"));
    /* a JSON field holds any value, deep-copied */
    mn_list *l = mn_list_new(A, 2);
    mn_list_push(l, mn_value_int(1));
    cr_assert_eq(mn_obj_set(o, &order_item_model, "extra", mn_value_list(l), A, &err), MN_OK);
    mn_list_push(l, mn_value_int(2));
    cr_assert_eq(mn_list_len(o->extra.u.list), 1);
    mn_value v;
    cr_assert_eq(mn_obj_get(o, &order_item_model, "extra", &v), MN_OK);
    cr_assert_eq(v.type, MN_VALUE_LIST);
    cr_assert_eq(mn_obj_get(o, &order_item_model, "nope", &v), MN_ENOTFOUND);
}

Test(field, foreign_key_attname)
{
    mn_err err = { 0 };
    product *p = mn_model_new(&product_model, A, &err);
    cr_assert_eq(mn_obj_set(p, &product_model, "category", mn_value_int(3), A, &err), MN_OK);
    mn_value v;
    cr_assert_eq(mn_obj_get(p, &product_model, "category_id", &v), MN_OK);
    cr_assert_eq(v.u.i, 3);
    cr_assert_eq(mn_model_field_by_name(&product_model, "category")->related, &category_model);
    cr_assert_eq(mn_model_field_by_name(&product_model, "category")->kind, MN_KIND_FOREIGNKEY);
}

Test(field, display_of_choices)
{
    mn_err err = { 0 };
    product *p = mn_model_new(&product_model, A, &err);
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "status", A), "Draft"));
    p->status = mn_str_from("archived");
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "status", A), "Archived"));
    p->status = mn_str_from("other");
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "status", A), "other"), "unknown values show as is");
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "stock", A), "0"));
    cr_assert(mn_str_eq_cstr(mn_obj_display(p, &product_model, "publish_date", A), "None"));
}

typedef struct wide {
    mn_obj mn;
    int64_t id;
    int32_t f[70];
} wide;
#define W(i) { .name = "f" #i, .kind = MN_KIND_INT, .offset = offsetof(wide, f) + (i) * sizeof(int32_t) }
static const mn_field wide_fields[] = {
    MN_FIELD_BIGAUTO(wide, id), W(0), W(1), W(2), W(3), W(4), W(5), W(6), W(7), W(8), W(9), W(10), W(11), W(12),
    W(13), W(14), W(15), W(16), W(17), W(18), W(19), W(20), W(21), W(22), W(23), W(24), W(25), W(26), W(27), W(28),
    W(29), W(30), W(31), W(32), W(33), W(34), W(35), W(36), W(37), W(38), W(39), W(40), W(41), W(42), W(43), W(44),
    W(45), W(46), W(47), W(48), W(49), W(50), W(51), W(52), W(53), W(54), W(55), W(56), W(57), W(58), W(59), W(60),
    W(61), W(62), W(63), W(64), MN_FIELD_END,
};
static mn_model wide_model = MN_MODEL(wide, "lab", "Wide", wide_fields);

typedef struct twice {
    mn_obj mn;
    int64_t id;
    mn_str a;
} twice;
static const mn_field twice_fields[] = {
    MN_FIELD_BIGAUTO(twice, id), MN_FIELD_CHAR(twice, a, .max_length = 3), MN_FIELD_CHAR(twice, a, .max_length = 4),
    MN_FIELD_END,
};
static mn_model twice_model = MN_MODEL(twice, "lab", "Twice", twice_fields);
static const mn_field two_pk_fields[] = {
    MN_FIELD_BIGAUTO(twice, id), MN_FIELD_CHAR(twice, a, .max_length = 3, .primary_key = true), MN_FIELD_END,
};
static mn_model two_pk_model = MN_MODEL(twice, "lab", "TwoPk", two_pk_fields);
typedef struct money {
    mn_obj mn;
    int64_t id;
    mn_decimal amount;
} money;
static const mn_field money_fields[] = {
    MN_FIELD_BIGAUTO(money, id), MN_FIELD_DECIMAL(money, amount, .max_digits = 2, .decimal_places = 3), MN_FIELD_END,
};
static mn_model money_model = MN_MODEL(money, "lab", "Money", money_fields);
static const mn_field concrete_parent_fields[] = {
    MN_FIELD_BIGAUTO(twice, id), MN_FIELD_INHERIT(twice, a, mn_str, category_model), MN_FIELD_END,
};
static mn_model concrete_parent_model = MN_MODEL(twice, "lab", "Bad", concrete_parent_fields);

Test(field, bad_descriptors)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_check(&wide_model, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "more than 64 fields");
    cr_assert_eq(mn_model_nfields(&wide_model), 0);
    cr_assert_eq(mn_model_check(&twice_model, &err), MN_EINVAL);
    cr_assert_str_eq(err.msg, "field 'a' is declared twice");
    cr_assert_eq(mn_model_check(&two_pk_model, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "more than one primary key"));
    cr_assert_eq(mn_model_check(&money_model, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "decimal_places <= max_digits"));
    cr_assert_eq(mn_model_check(&concrete_parent_model, &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "needs an abstract model"));
    cr_assert_eq(mn_qs_count(mn_qs_all(&money_model, A), &err), MN_EINVAL);
    cr_assert_eq(mn_model_create_table(&money_model, NULL, &err), MN_EINVAL);
}

typedef struct token {
    mn_obj mn;
    mn_str key;
    mn_datetime issued;
} token;
static const mn_field token_fields[] = {
    MN_FIELD_UUID(token, key, .primary_key = true, .default_fn = mn_default_uuid4, .editable = MN_NO),
    MN_FIELD_DATETIME(token, issued, .default_fn = mn_default_now),
    MN_FIELD_END,
};
static mn_model token_model = MN_MODEL(token, "lab", "Token", token_fields);

Test(field, uuid_primary_key_default)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_create_table(&token_model, NULL, &err), MN_OK, "%s", err.msg);
    token *a = mn_model_new(&token_model, A, &err), *b = mn_model_new(&token_model, A, &err);
    cr_assert_eq(a->key.len, 36);
    cr_assert_eq(a->key.ptr[14], '4', "version 4");
    cr_assert(!mn_str_eq(a->key, b->key));
    cr_assert_gt(a->issued.us, 0);
    /* a default key means "new": save() inserts without trying an UPDATE */
    mn_db_log_enable(DB, true);
    mn_db_log_clear(DB);
    cr_assert_eq(mn_obj_save(a, &token_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_db_log_count(DB), 1);
    mn_db_log_enable(DB, false);
    cr_assert_eq(mn_obj_save(b, &token_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    token *r = mn_qs_get(mn_qs_filter(mn_qs_all(&token_model, A), "pk", mn_value_str(a->key)), &err);
    cr_assert_not_null(r, "%s", err.msg);
    cr_assert_eq(r->issued.us, a->issued.us);
    cr_assert_eq(mn_obj_full_clean(r, &token_model, A, NULL, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_str_eq(r->key, a->key), "loaded in the 8-4-4-4-12 form");
    /* stored as Django stores it: 32 hex digits on SQLite */
    mn_value stored;
    cr_assert_eq(mn_db_query_value(DB, "SELECT key FROM lab_token LIMIT 1", NULL, 0, A, &stored, &err), MN_OK);
    cr_assert_eq(stored.u.s.len, is_pg() ? 36 : 32);
    /* any spelling finds it */
    char upper[40];
    snprintf(upper, sizeof upper, "%.*s", MN_STR_FMT(a->key));
    for (char *c = upper; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&token_model, A), "key", mn_value_cstr(upper)), &err), 1, "%s", err.msg);
    mn_db_execute(DB, "DROP TABLE lab_token", NULL, 0, NULL, &err);
}

Test(field, exhausted_arena_is_an_error_not_a_crash)
{
    mn_err err = { 0 };
    make_product("Lamp", "1", 1);
    for (size_t cap = 256; cap <= 65536; cap *= 2) {
        mn_arena *tiny = mn_arena_new("tiny", cap);
        mn_qs *qs = mn_qs_order_by(mn_qs_filter(mn_qs_all(&product_model, tiny), "name__icontains", mn_value_cstr("la")),
                                   "-price", NULL);
        size_t n = mn_qs_len(qs);
        cr_assert(n == 0 || n == 1);
        if (n == 0)
            cr_assert_neq(mn_qs_error(qs)->code, MN_OK);
        int64_t c = mn_qs_count(qs, &err);
        cr_assert(c == 1 || c < 0);
        mn_qs_aggregate(qs, &err, "s", mn_sum(tiny, "price"), NULL);
        mn_arena_free(tiny);
    }
}

/* Reading decimals and integers back, whatever their form in the database:
 * the row decoder's fast paths (PostgreSQL's numeric text, SQLite's
 * numbers) give what parsing the text and quantizing to the field's places
 * gives, and hand the rest (more digits, more places) to that path. */
typedef struct measure {
    mn_obj mn;
    int64_t id;
    mn_decimal wide;  /* max_digits 30, 2 places */
    mn_decimal whole; /* 0 places */
    int16_t small;
    int64_t big;
} measure;

static const mn_field measure_fields[] = {
    MN_FIELD_BIGAUTO(measure, id),
    MN_FIELD_DECIMAL(measure, wide, .max_digits = 30, .decimal_places = 2),
    MN_FIELD_DECIMAL(measure, whole, .max_digits = 20, .decimal_places = 0, .null = true),
    MN_FIELD_SMALLINT(measure, small, .null = true),
    MN_FIELD_BIGINT(measure, big, .null = true),
    MN_FIELD_END,
};
static mn_model measure_model = MN_MODEL(measure, "shop", "Measure", measure_fields);

Test(field, decimals_and_integers_read_back_in_every_form)
{
    mn_err err = { 0 };
    cr_assert_eq(mn_model_create_table(&measure_model, NULL, &err), MN_OK, "%s", err.msg);
    static const struct {
        const char *wide, *whole, *want_wide, *want_whole;
        int64_t big;
        bool lossy; /* more digits than SQLite's REAL keeps (its NUMERIC affinity) */
    } rows[] = {
        { "12.50", "7", "12.50", "7", 1, false },
        { "-0.05", "-3", "-0.05", "-3", -1, false },
        { "0", "0", "0.00", "0", 0, false },
        { "-0.00", "100", "0.00", "100", INT64_C(999999999999999999), false },
        { "3.1", "123456789012345678", "3.10", "123456789012345678", INT64_C(-999999999999999999), false },
        { "1234567890123456.78", "1234567890123456789", "1234567890123456.78", "1234567890123456789",
          INT64_C(9223372036854775807), true },
        { "-99999999999999999999.99", "-12345678901234567890", "-99999999999999999999.99", "-12345678901234567890",
          INT64_C(-9223372036854775807) - 1, true },
    };
    size_t n = sizeof rows / sizeof *rows;
    for (size_t i = 0; i < n; i++) {
        measure *m = mn_model_new(&measure_model, A, &err);
        cr_assert_not_null(m, "%s", err.msg);
        cr_assert_eq(mn_decimal_parse(mn_str_from(rows[i].wide), &m->wide, NULL), MN_OK);
        cr_assert_eq(mn_decimal_parse(mn_str_from(rows[i].whole), &m->whole, NULL), MN_OK);
        m->small = (int16_t)(i * 1000 - 3000);
        m->big = rows[i].big;
        mn_obj_set_null(m, &measure_model, "whole", false);
        mn_obj_set_null(m, &measure_model, "small", false);
        mn_obj_set_null(m, &measure_model, "big", false);
        cr_assert_eq(mn_obj_save(m, &measure_model, NULL, NULL, &err), MN_OK, "row %zu: %s", i, err.msg);
    }
    measure *empty = mn_model_new(&measure_model, A, &err);
    empty->wide = mn_decimal_from_i64(1);
    cr_assert_eq(mn_obj_save(empty, &measure_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    size_t got;
    void **items = mn_qs_items(mn_qs_order_by(mn_qs_all(&measure_model, A), "id", NULL), &got);
    cr_assert_eq(got, n + 1, "%s", mn_qs_error(mn_qs_all(&measure_model, A))->msg);
    for (size_t i = 0; i < n; i++) {
        measure *m = items[i];
        if (is_pg() || !rows[i].lossy) {
            cr_assert_str_eq(mn_decimal_to_cstr(A, m->wide), rows[i].want_wide, "row %zu", i);
            cr_assert_str_eq(mn_decimal_to_cstr(A, m->whole), rows[i].want_whole, "row %zu", i);
        }
        cr_assert_eq(m->small, (int16_t)(i * 1000 - 3000), "row %zu", i);
        cr_assert_eq(m->big, rows[i].big, "row %zu", i);
        cr_assert_not(mn_obj_is_null(m, &measure_model, "big"));
        /* get() reads the same row the same way */
        measure *one = mn_qs_get(mn_qs_filter(mn_qs_all(&measure_model, A), "pk", mn_value_int(m->id)), &err);
        cr_assert_not_null(one, "%s", err.msg);
        cr_assert_eq(mn_decimal_cmp(one->wide, m->wide), 0);
        cr_assert_eq(one->big, m->big);
    }
    measure *last = items[n];
    cr_assert(mn_obj_is_null(last, &measure_model, "whole"));
    cr_assert(mn_obj_is_null(last, &measure_model, "small"));
    cr_assert(mn_obj_is_null(last, &measure_model, "big"));
    cr_assert_eq(last->big, 0);
    cr_assert_str_eq(mn_decimal_to_cstr(A, last->wide), "1.00");
}

Test(field, a_zero_decimal_is_zero_bytes)
{
    /* fresh instances from queries are zeroed with memset (mn__obj_alloc_many) */
    mn_decimal z = mn_decimal_from_i64(0), bytes;
    memset(&bytes, 0, sizeof bytes);
    cr_assert_eq(z.lo, bytes.lo);
    cr_assert_eq(z.hi, bytes.hi);
    cr_assert_eq(z.scale, bytes.scale);
    cr_assert_eq(mn_decimal_cmp(bytes, z), 0);
}

/* What a save sends, as Django's get_db_prep_value: a UUID in any of
 * uuid.UUID()'s spellings is stored in the one form of each backend, text
 * that is no UUID is refused; an empty IP address is NULL. */
Test(field, uuid_and_ip_values_prepared_for_the_database)
{
    mn_err err = { 0 };
    const char *forms[] = { "urn:uuid:12345678-1234-5678-1234-567812345678", "{12345678-1234-5678-1234-567812345678}",
                            "12345678123456781234567812345678", "12345678-1234-5678-1234-567812345678" };
    for (size_t i = 0; i < 4; i++) {
        sample *s = mn_model_new(&sample_model, A, &err);
        cr_assert_not_null(s, "%s", err.msg);
        cr_assert_eq(mn_obj_set(s, &sample_model, "uuid", mn_value_cstr(forms[i]), A, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(mn_obj_set(s, &sample_model, "ip", mn_value_cstr(""), A, &err), MN_OK, "%s", err.msg);
        cr_assert_eq(mn_obj_save(s, &sample_model, NULL, NULL, &err), MN_OK, "%s: %s", forms[i], err.msg);
        sample *r = mn_qs_get(mn_qs_filter(mn_qs_all(&sample_model, A), "pk", mn_value_int(s->id)), &err);
        cr_assert_not_null(r, "%s", err.msg);
        cr_assert(mn_str_eq_cstr(r->uuid, "12345678-1234-5678-1234-567812345678"), "%s", forms[i]);
        cr_assert(mn_obj_is_null(r, &sample_model, "ip"), "'' is stored as NULL");
    }
    mn_value stored;
    cr_assert_eq(mn_db_query_value(DB, "SELECT uuid FROM samples LIMIT 1", NULL, 0, A, &stored, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(stored.u.s.len, is_pg() ? 36 : 32);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&sample_model, A), "uuid",
                                          mn_value_cstr("urn:uuid:12345678-1234-5678-1234-567812345678")),
                             &err),
                 4, "%s", err.msg);
    const char *bad[] = { "nope", "12345678-1234-5678-1234-5678123456789", "" };
    for (size_t i = 0; i < 3; i++) {
        sample *s = mn_model_new(&sample_model, A, &err);
        cr_assert_eq(mn_obj_set(s, &sample_model, "uuid", mn_value_cstr(bad[i]), A, &err), MN_OK, "%s", err.msg);
        err = (mn_err){ 0 };
        cr_assert_neq(mn_obj_save(s, &sample_model, NULL, NULL, &err), MN_OK, "%s", bad[i]);
        cr_assert(strstr(err.msg, "is not a valid UUID."), "%s", err.msg);
    }
    err = (mn_err){ 0 };
    cr_assert_lt(mn_qs_update(mn_qs_all(&sample_model, A), &err, "uuid", mn_value_cstr("nope"), NULL), 0);
    cr_assert(strstr(err.msg, "\xe2\x80\x9cnope\xe2\x80\x9d is not a valid UUID."), "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&sample_model, A), "uuid__isnull", mn_value_bool(false)), &err), 4);
}
