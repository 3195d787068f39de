/* Fuzz target: a fixture (Django's JSON serialization format) from
 * untrusted bytes: parsed, turned into instances, saved into an in-memory
 * SQLite database inside a transaction that is rolled back, and written
 * back out. Every step may refuse the input; none may crash, and what was
 * loaded must serialize again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

typedef struct box {
    mn_obj mn;
    int64_t id;
    mn_str name;
} box;
static const mn_field box_fields[] = {
    MN_FIELD_AUTO(box, id),
    MN_FIELD_CHAR(box, name, .max_length = 20),
    MN_FIELD_END,
};
static mn_model box_model = MN_MODEL(box, "fz", "Box", box_fields);

typedef struct part {
    mn_obj mn;
    int64_t id;
    int64_t box;
    mn_decimal price;
    bool ok;
    double w;
    mn_datetime at;
    mn_date day;
    mn_time t;
    mn_duration took;
    mn_value data;
    mn_str uid;
    mn_str raw;
} part;
static const mn_field part_fields[] = {
    MN_FIELD_AUTO(part, id),
    MN_FIELD_FOREIGNKEY(part, box, box_model, .null = true),
    MN_FIELD_DECIMAL(part, price, .max_digits = 8, .decimal_places = 2, .null = true),
    MN_FIELD_BOOL(part, ok, .default_value = "false"),
    MN_FIELD_FLOAT(part, w, .null = true),
    MN_FIELD_DATETIME(part, at, .null = true),
    MN_FIELD_DATE(part, day, .null = true),
    MN_FIELD_TIME(part, t, .null = true),
    MN_FIELD_DURATION(part, took, .null = true),
    MN_FIELD_JSON(part, data, .null = true),
    MN_FIELD_UUID(part, uid, .null = true),
    MN_FIELD_BINARY(part, raw, .null = true),
    MN_FIELD_END,
};
static mn_model part_model = MN_MODEL(part, "fz", "Part", part_fields);
static mn_model *const models[] = { &box_model, &part_model, NULL };

static mn_db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mn_err err = { 0 };
    if (!db) {
        mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = ":memory:" };
        db = mn_db_open(&cfg, &err);
        if (!db || mn_model_create_table(&box_model, db, &err) || mn_model_create_table(&part_model, db, &err))
            abort();
    }
    mn_arena *a = mn_arena_new("fuzz", 0);
    mn_fixture_object *objs;
    size_t n;
    if (mn_fixture_loads(mn_str_make((const char *)data, size), models, 0, a, &objs, &n, &err) == MN_OK) {
        if (mn_db_begin(db, &err))
            abort();
        for (size_t i = 0; i < n && i < 64; i++) {
            mn_err serr = { 0 };
            mn_fixture_save(&objs[i], db, a, &serr);
            mn_buf b;
            mn_buf_init(&b, a, 0);
            mn_err werr = { 0 };
            void *one[] = { objs[i].obj };
            /* Values that came in must go out (a value beyond the
             * field's digits may be refused, as Django does). */
            int rc = mn_fixture_dumps(objs[i].model, one, 1, 2, &b, &werr);
            if (rc != MN_OK && rc != MN_EINVAL && rc != MN_ERANGE)
                abort();
        }
        mn_db_rollback(db, &err);
    }
    mn_arena_free(a);
    return 0;
}
