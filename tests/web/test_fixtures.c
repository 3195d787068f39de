/* Django's JSON fixture format: writing, reading, saving, on SQLite. */
#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>

typedef struct shelf {
    mn_obj mn;
    int64_t id;
    mn_str label;
} shelf;
static const mn_field shelf_fields[] = {
    MN_FIELD_AUTO(shelf, id),
    MN_FIELD_CHAR(shelf, label, .max_length = 40),
    MN_FIELD_END
};
static mn_model shelf_model = MN_MODEL(shelf, "store", "Shelf", shelf_fields);

typedef struct item {
    mn_obj mn;
    int64_t id;
    int64_t shelf;
    mn_str name;
    mn_decimal price;
    bool sold;
    double weight;
    mn_datetime at;
    mn_date day;
    mn_time opens;
    mn_duration took;
    mn_value extra;
    mn_str uid;
    mn_str blob;
    mn_datetime stamp;
} item;
static const mn_field item_fields[] = {
    MN_FIELD_AUTO(item, id),
    MN_FIELD_FOREIGNKEY(item, shelf, shelf_model, .null = true),
    MN_FIELD_CHAR(item, name, .max_length = 50),
    MN_FIELD_DECIMAL(item, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_BOOL(item, sold, .default_value = "false"),
    MN_FIELD_FLOAT(item, weight, .null = true),
    MN_FIELD_DATETIME(item, at, .null = true),
    MN_FIELD_DATE(item, day, .null = true),
    MN_FIELD_TIME(item, opens, .null = true),
    MN_FIELD_DURATION(item, took, .null = true),
    MN_FIELD_JSON(item, extra, .null = true),
    MN_FIELD_UUID(item, uid, .null = true),
    MN_FIELD_BINARY(item, blob, .null = true),
    /* auto_now is not applied by a fixture load (Django's raw save). */
    MN_FIELD_DATETIME(item, stamp, .null = true, .auto_now = true),
    MN_FIELD_END
};
static mn_model item_model = MN_MODEL(item, "store", "Item", item_fields);
typedef struct mark {
    mn_obj mn;
    int64_t id;
    mn_str name;
} mark;
static const mn_field mark_fields[] = {
    MN_FIELD_AUTO(mark, id),
    MN_FIELD_CHAR(mark, name, .max_length = 10),
    MN_FIELD_END
};
static mn_model mark_model = MN_MODEL(mark, "store", "Mark", mark_fields);

typedef struct crate {
    mn_obj mn;
    int64_t id;
} crate;
static const mn_field crate_fields[] = {
    MN_FIELD_AUTO(crate, id),
    MN_FIELD_END
};
static const mn_m2m crate_m2m[] = { MN_M2M("marks", mark_model), MN_M2M_END };
static mn_model crate_model = MN_MODEL(crate, "store", "Crate", crate_fields, .many_to_many = crate_m2m);

static mn_model *const models[] = { &shelf_model, &item_model, &mark_model, &crate_model, NULL };

static mn_arena *arena;
static mn_db *db;

static void setup(void)
{
    arena = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(mn_model_create_table(&shelf_model, db, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&item_model, db, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&mark_model, db, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_model_create_table(&crate_model, db, &err), MN_OK, "%s", err.msg);
}

static void teardown(void)
{
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
}

TestSuite(fixtures, .init = setup, .fini = teardown);

static const char *dumps(mn_model *m, void *const *objs, size_t n, unsigned indent)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_fixture_dumps(m, objs, n, indent, &b, &err), MN_OK, "%s", err.msg);
    return mn_buf_cstr(&b);
}

static item *full_item(void)
{
    mn_err err = { 0 };
    item *it = mn_model_new(&item_model, arena, &err);
    cr_assert(it);
    struct { const char *f, *v; } vals[] = {
        { "id", "7" }, { "name", "Lamp \"Ö\"\n" }, { "price", "3.5" }, { "weight", "0.25" },
        { "at", "2024-01-05T10:30:15.123456+01:00" }, { "day", "2024-02-29" }, { "opens", "09:30:00.500000" },
        { "took", "1 02:03:04.000005" }, { "uid", "12345678123456781234567812345678" },
    };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        cr_assert_eq(mn_obj_set(it, &item_model, vals[i].f, mn_value_cstr(vals[i].v), arena, &err), MN_OK,
                     "%s: %s", vals[i].f, err.msg);
    mn_value extra;
    cr_assert_eq(mn_json_loads(arena, MN_STR("{\"a\": [1, 2.5, null], \"b\": \"x\"}"), NULL, &extra, &err), MN_OK);
    cr_assert_eq(mn_obj_set(it, &item_model, "extra", extra, arena, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_obj_set(it, &item_model, "blob", mn_value_str(MN_STR("\x01\x02\xff")), arena, &err), MN_OK);
    return it;
}

Test(fixtures, writes_values_as_django)
{
    item *it = full_item();
    void *objs[] = { it };
    const char *out = dumps(&item_model, objs, 1, 0);
    cr_assert_str_eq(out,
                     "[{\"model\": \"store.item\", \"pk\": 7, \"fields\": {\"shelf\": null, \"name\": \"Lamp \\\"Ö\\\"\\n\", "
                     "\"price\": \"3.50\", \"sold\": false, \"weight\": 0.25, \"at\": \"2024-01-05T09:30:15.123Z\", "
                     "\"day\": \"2024-02-29\", \"opens\": \"09:30:00.500\", \"took\": \"1 02:03:04.000005\", "
                     "\"extra\": {\"a\": [1, 2.5, null], \"b\": \"x\"}, "
                     "\"uid\": \"12345678-1234-5678-1234-567812345678\", \"blob\": \"AQL/\", \"stamp\": null}}]");
}

Test(fixtures, indent_and_empty_lists)
{
    cr_assert_str_eq(dumps(&item_model, NULL, 0, 0), "[]");
    cr_assert_str_eq(dumps(&item_model, NULL, 0, 2), "[\n]\n");
    mn_err err = { 0 };
    shelf *a = mn_model_new(&shelf_model, arena, &err), *b = mn_model_new(&shelf_model, arena, &err);
    a->id = 1;
    a->label = MN_STR("A");
    b->id = 2;
    b->label = MN_STR("B");
    void *objs[] = { a, b };
    cr_assert_str_eq(dumps(&shelf_model, objs, 2, 2),
                     "[\n{\n  \"model\": \"store.shelf\",\n  \"pk\": 1,\n  \"fields\": {\n    \"label\": \"A\"\n  }\n},"
                     "\n{\n  \"model\": \"store.shelf\",\n  \"pk\": 2,\n  \"fields\": {\n    \"label\": \"B\"\n  }\n}\n]\n");
    cr_assert_str_eq(dumps(&shelf_model, objs, 2, 0),
                     "[{\"model\": \"store.shelf\", \"pk\": 1, \"fields\": {\"label\": \"A\"}}, "
                     "{\"model\": \"store.shelf\", \"pk\": 2, \"fields\": {\"label\": \"B\"}}]");
}

Test(fixtures, naive_and_whole_second_datetimes)
{
    mn_err err = { 0 };
    item *it = mn_model_new(&item_model, arena, &err);
    it->id = 1;
    cr_assert_eq(mn_obj_set(it, &item_model, "at", mn_value_cstr("2024-01-05T10:30:15Z"), arena, &err), MN_OK);
    cr_assert_eq(mn_obj_set(it, &item_model, "opens", mn_value_cstr("09:30:00"), arena, &err), MN_OK);
    cr_assert_eq(mn_obj_set(it, &item_model, "took", mn_value_cstr("-00:00:01"), arena, &err), MN_OK);
    void *objs[] = { it };
    const char *out = dumps(&item_model, objs, 1, 0);
    cr_assert(strstr(out, "\"at\": \"2024-01-05T10:30:15Z\""), "%s", out);
    cr_assert(strstr(out, "\"opens\": \"09:30:00\""), "%s", out);
    cr_assert(strstr(out, "\"took\": \"-1 23:59:59\""), "%s", out);
}

Test(fixtures, round_trip_through_the_database)
{
    item *it = full_item();
    mn_err err = { 0 };
    shelf *s = mn_model_create(&shelf_model, arena, &err, "label", mn_value_cstr("Top"), NULL);
    cr_assert(s, "%s", err.msg);
    it->shelf = s->id;
    mn_obj_set_null(it, &item_model, "shelf", false);
    void *objs[] = { it };
    const char *text = dumps(&item_model, objs, 1, 0);
    mn_fixture_object *loaded;
    size_t n;
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, 0, arena, &loaded, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert(loaded[0].has_pk);
    cr_assert_eq(loaded[0].model, &item_model);
    cr_assert_eq(mn_fixture_save(&loaded[0], NULL, arena, &err), MN_OK, "%s", err.msg);
    item *back = mn_qs_get(mn_qs_filter(mn_qs_all(&item_model, arena), "pk", mn_value_int(7)), &err);
    cr_assert(back, "%s", err.msg);
    cr_assert(mn_obj_is_null(back, &item_model, "stamp"), "auto_now must not apply to a fixture load");
    void *again[] = { back };
    cr_assert_str_eq(dumps(&item_model, again, 1, 0), text);
    /* Saving again updates the row instead of inserting a second one. */
    cr_assert_eq(mn_fixture_save(&loaded[0], NULL, arena, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_qs_count(mn_qs_all(&item_model, arena), &err), 1);
}

Test(fixtures, objects_without_pk_get_one)
{
    mn_err err = { 0 };
    mn_fixture_object *objs;
    size_t n;
    const char *text = "[{\"model\": \"STORE.Shelf\", \"fields\": {\"label\": \"x\"}},"
                       " {\"model\": \"store.shelf\", \"pk\": null, \"fields\": {\"label\": \"y\"}}]";
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, 0, arena, &objs, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_not(objs[0].has_pk);
    cr_assert_eq(objs[1].index, 2);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(mn_fixture_save(&objs[i], NULL, arena, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(((shelf *)objs[0].obj)->id, 1);
    cr_assert_eq(((shelf *)objs[1].obj)->id, 2);
    cr_assert_eq(mn_fixture_reset_sequences((mn_model *const[]){ &shelf_model }, 1, NULL, &err), MN_OK);
}

Test(fixtures, missing_fields_keep_defaults)
{
    mn_err err = { 0 };
    mn_fixture_object *objs;
    size_t n;
    cr_assert_eq(mn_fixture_loads(MN_STR("[{\"model\": \"store.item\", \"pk\": 3, \"fields\": {\"name\": \"n\", "
                                         "\"price\": 2}}]"),
                                  models, 0, arena, &objs, &n, &err),
                 MN_OK, "%s", err.msg);
    item *it = objs[0].obj;
    cr_assert_eq(it->id, 3);
    cr_assert_not(it->sold);
    cr_assert(mn_obj_is_null(it, &item_model, "weight"));
}

static void expect_error(const char *text, int code, const char *msg)
{
    mn_err err = { 0 };
    mn_fixture_object *objs = (void *)1;
    size_t n = 99;
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, 0, arena, &objs, &n, &err), code, "%s -> %d %s", text,
                 err.code, err.msg);
    cr_assert(strstr(err.msg, msg), "expected '%s' in '%s'", msg, err.msg);
    cr_assert_null(objs);
    cr_assert_eq(n, 0);
}

Test(fixtures, bad_input_names_the_object)
{
    expect_error("", MN_EPARSE, "JSON parse error");
    expect_error("[{\"model\": ", MN_EPARSE, "JSON parse error");
    expect_error("{}", MN_EPARSE, "a fixture is a JSON list of objects, not a JSON object");
    expect_error("3", MN_EPARSE, "not a JSON scalar");
    expect_error("[1]", MN_EPARSE, "object 1: expected a JSON object");
    expect_error("[{\"pk\": 1}]", MN_EPARSE, "object 1: \"model\" is missing");
    expect_error("[{\"model\": 5}]", MN_EPARSE, "\"model\" is missing or not a string");
    expect_error("[{\"model\": \"store.shelf\", \"fields\": {}}, {\"model\": \"store.nope\"}]", MN_ENOTFOUND,
                 "object 2: Invalid model identifier: 'store.nope'");
    expect_error("[{\"model\": \"storeshelf\"}]", MN_ENOTFOUND, "Invalid model identifier");
    expect_error("[{\"model\": \"store.shelf\", \"pk\": 1, \"fields\": []}]", MN_EPARSE,
                 "object 1 (store.shelf:pk=1): \"fields\" is not a JSON object");
    expect_error("[{\"model\": \"store.shelf\", \"pk\": 1, \"fields\": {\"lable\": \"x\"}}]", MN_ENOTFOUND,
                 "object 1 (store.shelf:pk=1): Shelf has no field named 'lable'");
    expect_error("[{\"model\": \"store.item\", \"pk\": 4, \"fields\": {\"price\": \"abc\"}}]", MN_EINVAL,
                 "object 1 (store.item:pk=4): field 'price': ");
    expect_error("[{\"model\": \"store.item\", \"pk\": \"x\", \"fields\": {}}]", MN_EINVAL,
                 "object 1 (store.item:pk=x): pk: ");
    expect_error("[{\"model\": \"store.item\", \"pk\": 4, \"fields\": {\"day\": \"2024-02-30\"}}]", MN_EINVAL,
                 "field 'day'");
    expect_error("[{\"model\": \"store.item\", \"pk\": 4, \"fields\": {\"blob\": \"@@@\"}}]", MN_EINVAL,
                 "field 'blob': '@@@' is not valid base64");
}

Test(fixtures, save_reports_integrity_errors)
{
    mn_err err = { 0 };
    mn_fixture_object *objs;
    size_t n;
    /* The foreign key is deferred: it fails at the commit. */
    cr_assert_eq(mn_db_begin(db, &err), MN_OK);
    cr_assert_eq(mn_fixture_loads(MN_STR("[{\"model\": \"store.item\", \"pk\": 1, \"fields\": {\"shelf\": 99, "
                                         "\"name\": \"n\", \"price\": \"1\"}}]"),
                                  models, 0, arena, &objs, &n, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(mn_fixture_save(&objs[0], db, arena, &err), MN_OK, "%s", err.msg);
    cr_assert_neq(mn_db_commit(db, &err), MN_OK);
    if (mn_db_depth(db))
        mn_db_rollback(db, &err);
    cr_assert_eq(mn_qs_count(mn_qs_all(&item_model, arena), &err), 0);
}

Test(fixtures, ignore_nonexistent)
{
    mn_err err = { 0 };
    mn_fixture_object *objs;
    size_t n;
    const char *text = "[{\"model\": \"store.gone\", \"pk\": 1, \"fields\": {}},"
                       " {\"model\": \"store.shelf\", \"pk\": 4, \"fields\": {\"label\": \"x\", \"old\": 1}}]";
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, 0, arena, &objs, &n, &err), MN_ENOTFOUND);
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, MN_FIXTURE_IGNORE_NONEXISTENT, arena, &objs, &n, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(objs[0].index, 2);
    cr_assert_eq(((shelf *)objs[0].obj)->id, 4);
    cr_assert(mn_str_eq_cstr(((shelf *)objs[0].obj)->label, "x"));
}

Test(fixtures, many_to_many)
{
    mn_err err = { 0 };
    mn_fixture_object *objs;
    size_t n;
    const char *text = "[{\"model\": \"store.mark\", \"pk\": 1, \"fields\": {\"name\": \"a\"}},"
                       " {\"model\": \"store.mark\", \"pk\": 2, \"fields\": {\"name\": \"b\"}},"
                       " {\"model\": \"store.crate\", \"pk\": 5, \"fields\": {\"marks\": [2, \"1\"]}},"
                       " {\"model\": \"store.crate\", \"pk\": 6, \"fields\": {\"marks\": []}}]";
    cr_assert_eq(mn_fixture_loads(mn_str_from(text), models, 0, arena, &objs, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 4);
    cr_assert(objs[2].m2m);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(mn_fixture_save(&objs[i], NULL, arena, &err), MN_OK, "%s", err.msg);
    void *crates[] = { objs[2].obj, objs[3].obj };
    cr_assert_str_eq(dumps(&crate_model, crates, 2, 0),
                     "[{\"model\": \"store.crate\", \"pk\": 5, \"fields\": {\"marks\": [1, 2]}}, "
                     "{\"model\": \"store.crate\", \"pk\": 6, \"fields\": {\"marks\": []}}]");
    /* Loading again sets the relations to the fixture's (set(), not add()). */
    cr_assert_eq(mn_fixture_loads(MN_STR("[{\"model\": \"store.crate\", \"pk\": 5, \"fields\": {\"marks\": [2]}}]"),
                                  models, 0, arena, &objs, &n, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(mn_fixture_save(&objs[0], NULL, arena, &err), MN_OK, "%s", err.msg);
    void *again[] = { objs[0].obj };
    cr_assert_str_eq(dumps(&crate_model, again, 1, 0),
                     "[{\"model\": \"store.crate\", \"pk\": 5, \"fields\": {\"marks\": [2]}}]");
    expect_error("[{\"model\": \"store.crate\", \"pk\": 7, \"fields\": {\"marks\": 3}}]", MN_EINVAL,
                 "object 1 (store.crate:pk=7): field 'marks': expected a list of keys");
    expect_error("[{\"model\": \"store.crate\", \"pk\": 7, \"fields\": {\"marks\": [1, \"x\"]}}]", MN_EINVAL,
                 "field 'marks': item 2 is not a key");
}
