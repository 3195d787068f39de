/* The guide's shop models, shared by the ORM tests. Every test opens the
 * database of MN_TEST_DATABASE_URL (PostgreSQL in
 * tests/integration/db_postgres.sh) or SQLite in memory. */
#ifndef TEST_ORM_SHOP_H
#define TEST_ORM_SHOP_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
} category;

static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100, .unique = true),
    MN_FIELD_END,
};

static mn_model category_model = MN_MODEL(category, "shop", "Category", category_fields,
                                          .meta = { .verbose_name_plural = "categories" });

static const mn_choice status_choices[] = {
    { "draft", "Draft" }, { "published", "Published" }, { "archived", "Archived" }, { NULL, NULL },
};

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_str description;
    mn_decimal price;
    int32_t stock;
    bool available;
    double rating;
    mn_str status;
    int64_t category;
    mn_value metadata;
    mn_date publish_date;
    mn_datetime created_at;
    mn_datetime updated_at;
} product;

static int product_before_save(void *obj, bool adding, mn_err *err);

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200, .db_index = true),
    MN_FIELD_SLUG(product, slug, .unique = true, .blank = true),
    MN_FIELD_TEXT(product, description, .blank = true, .default_value = ""),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_FLOAT(product, rating, .default_value = "0"),
    MN_FIELD_CHAR(product, status, .max_length = 20, .choices = status_choices, .default_value = "draft"),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true, .blank = true, .on_delete = MN_SET_NULL),
    MN_FIELD_JSON(product, metadata, .null = true, .blank = true),
    MN_FIELD_DATE(product, publish_date, .null = true, .blank = true),
    MN_FIELD_DATETIME(product, created_at, .auto_now_add = true, .editable = MN_NO),
    MN_FIELD_DATETIME(product, updated_at, .auto_now = true),
    MN_FIELD_END,
};

static const mn_index product_indexes[] = {
    { .fields = MN_NAMES("price", "created_at") },
    { .fields = MN_NAMES("created_at", "-price") },
    { .fields = MN_NAMES("price"), .condition = "available", .name = "available_products_price_idx" },
    { .fields = NULL },
};

static const mn_constraint product_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_must_be_positive", .check = "price >= 0" },
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "unique_product_per_category", .fields = MN_NAMES("name", "category") },
    { 0 },
};

static int product_to_str(const void *obj, mn_buf *out)
{
    const product *p = obj;
    return mn_buf_put_str(out, p->name);
}

static mn_model product_model = MN_MODEL(product, "shop", "Product", product_fields,
                                         .meta = { .indexes = product_indexes, .constraints = product_constraints },
                                         .hooks = { .before_save = product_before_save, .to_str = product_to_str });

/* The guide's save() override: a slug from the name when it is empty. The
 * slug lives in the arena of the instance's name (tests use one arena). */
static mn_arena *SLUG_ARENA;
static int product_before_save(void *obj, bool adding, mn_err *err)
{
    product *p = obj;
    (void)adding;
    if (p->slug.len == 0) {
        mn_buf b;
        mn_buf_init(&b, SLUG_ARENA, 0);
        if (mn_text_slugify(&b, p->name, false) != MN_OK)
            return mn_err_set(err, MN_ENOMEM, "out of memory");
        p->slug = mn_buf_str(&b);
    }
    return MN_OK;
}

/* Abstract models: TimeStampedModel and SoftDeleteModel. */
typedef struct timestamped {
    mn_datetime created_at;
    mn_datetime updated_at;
} timestamped;
static const mn_field timestamped_fields[] = {
    MN_FIELD_DATETIME(timestamped, created_at, .auto_now_add = true),
    MN_FIELD_DATETIME(timestamped, updated_at, .auto_now = true),
    MN_FIELD_END,
};
static mn_model timestamped_model = MN_ABSTRACT_MODEL(timestamped, "TimeStampedModel", timestamped_fields);

typedef struct softdelete {
    mn_datetime deleted_at;
} softdelete;
static const mn_field softdelete_fields[] = {
    MN_FIELD_DATETIME(softdelete, deleted_at, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model softdelete_model = MN_ABSTRACT_MODEL(softdelete, "SoftDeleteModel", softdelete_fields);

typedef struct item {
    mn_obj mn;
    int64_t id;
    timestamped ts;
    softdelete sd;
    mn_str name;
} item;

static mn_model item_model;
static int item_soft_delete(void *obj, mn_err *err)
{
    item *it = obj;
    const char *const fields[] = { "deleted_at", NULL };
    it->sd.deleted_at = mn_datetime_now();
    mn_obj_set_null(it, &item_model, "deleted_at", false);
    return mn_obj_save(it, &item_model, NULL, fields, err);
}

static const mn_field item_fields[] = {
    MN_FIELD_BIGAUTO(item, id),
    MN_FIELD_INHERIT(item, ts, timestamped, timestamped_model),
    MN_FIELD_INHERIT(item, sd, softdelete, softdelete_model),
    MN_FIELD_CHAR(item, name, .max_length = 200),
    MN_FIELD_END,
};
static mn_model item_model = MN_MODEL(item, "shop", "Item", item_fields, .hooks = { .delete = item_soft_delete });

/* Every other field kind, for round trips. */
typedef struct sample {
    mn_obj mn;
    int64_t id; /* AutoField: a 32-bit column, an int64_t member like every key */
    int16_t small;
    int64_t big;
    int32_t pos;
    mn_str email;
    mn_str url;
    mn_str uuid;
    mn_str ip;
    mn_str file;
    mn_str image;
    mn_str blob;
    mn_time at;
    mn_duration took;
    mn_decimal amount;
    mn_value data;
} sample;

static const mn_field sample_fields[] = {
    MN_FIELD_AUTO(sample, id),
    MN_FIELD_SMALLINT(sample, small, .default_value = "0"),
    MN_FIELD_BIGINT(sample, big, .default_value = "0"),
    MN_FIELD_POSINT(sample, pos, .default_value = "0"),
    MN_FIELD_EMAIL(sample, email, .blank = true),
    MN_FIELD_URL(sample, url, .blank = true),
    MN_FIELD_UUID(sample, uuid, .null = true, .blank = true),
    MN_FIELD_IP(sample, ip, .null = true, .blank = true),
    MN_FIELD_FILE(sample, file, .blank = true),
    MN_FIELD_IMAGE(sample, image, .blank = true),
    MN_FIELD_BINARY(sample, blob, .null = true, .blank = true),
    MN_FIELD_TIME(sample, at, .null = true, .blank = true),
    MN_FIELD_DURATION(sample, took, .null = true, .blank = true),
    MN_FIELD_DECIMAL(sample, amount, .max_digits = 30, .decimal_places = 10, .default_value = "0"),
    MN_FIELD_JSON(sample, data, .null = true, .blank = true),
    MN_FIELD_END,
};
static mn_model sample_model = MN_MODEL(sample, "lab", "Sample", sample_fields, .meta = { .db_table = "samples" });

static mn_arena *A;
static mn_db *DB;

static void shop_setup(void)
{
    A = mn_arena_new("test", 0);
    SLUG_ARENA = A;
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(mn_str_from(url ? url : "sqlite://:memory:"), A, &cfg, &err), MN_OK, "%s", err.msg);
    DB = mn_db_open(&cfg, &err);
    cr_assert_not_null(DB, "%s", err.msg);
    mn_orm_use(DB);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        /* Criterion runs tests in parallel processes: each gets a schema. */
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE SCHEMA IF NOT EXISTS orm_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        snprintf(sql, sizeof sql, "SET search_path TO orm_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    }
    const char *drops[] = { "DROP TABLE IF EXISTS shop_product", "DROP TABLE IF EXISTS shop_category",
                            "DROP TABLE IF EXISTS shop_item", "DROP TABLE IF EXISTS samples" };
    for (size_t i = 0; i < 4; i++)
        mn_db_execute(DB, drops[i], NULL, 0, NULL, &err);
    mn_model *models[] = { &category_model, &product_model, &item_model, &sample_model };
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(mn_model_create_table(models[i], DB, &err), MN_OK, "%s", err.msg);
}

static void shop_teardown(void)
{
    mn_err err = { 0 };
    const char *drops[] = { "DROP TABLE IF EXISTS shop_product", "DROP TABLE IF EXISTS shop_category",
                            "DROP TABLE IF EXISTS shop_item", "DROP TABLE IF EXISTS samples" };
    for (size_t i = 0; i < 4; i++)
        mn_db_execute(DB, drops[i], NULL, 0, NULL, &err);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS orm_test_%d CASCADE", (int)getpid());
        mn_db_execute(DB, sql, NULL, 0, NULL, &err);
    }
    mn_orm_use(NULL);
    mn_db_close(DB);
    mn_arena_free(A);
    mn_signal_disconnect_all(&mn_pre_save);
    mn_signal_disconnect_all(&mn_post_save);
    mn_signal_disconnect_all(&mn_pre_delete);
    mn_signal_disconnect_all(&mn_post_delete);
    mn_signal_collect();
}

static inline bool is_pg(void) { return mn_db_engine_of(DB) == MN_DB_POSTGRES; }

static inline mn_value dec(const char *s)
{
    mn_decimal d;
    cr_assert_eq(mn_decimal_parse_cstr(s, &d, NULL), MN_OK);
    return mn_value_decimal(d);
}

static inline product *make_product(const char *name, const char *price, int32_t stock)
{
    mn_err err = { 0 };
    product *p = mn_model_create(&product_model, A, &err, "name", mn_value_cstr(name), "price", dec(price), "stock",
                                 mn_value_int(stock), NULL);
    cr_assert_not_null(p, "%s", err.msg);
    return p;
}

static inline char *decimal_text(mn_decimal d)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    mn_decimal_write(&b, d);
    return (char *)mn_buf_cstr(&b);
}

#endif
