/* inspectdb's code generation over SQLite tables with awkward shapes. */
#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>
#include "../../src/web/web_internal.h"

static mn_arena *arena;
static mn_db *db;

static void setup(void)
{
    arena = mn_arena_new("test", 0);
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = ":memory:" };
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    static const char *const ddl[] = {
        "CREATE TABLE \"shop_category\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
        "\"name\" varchar(80) NOT NULL UNIQUE, \"parent_id\" integer NULL REFERENCES \"shop_category\" (\"id\"))",
        "CREATE TABLE \"shop item\" (\"code\" varchar(12) NOT NULL PRIMARY KEY, \"Price\" decimal NOT NULL, "
        "\"static\" bool NOT NULL, \"2nd name\" text NULL, \"category_id\" bigint NOT NULL REFERENCES "
        "\"shop_category\" (\"id\"), \"owner\" integer NULL REFERENCES \"users\" (\"id\"), \"mn\" real NULL, "
        "\"data\" text NULL CHECK ((JSON_VALID(\"data\") OR \"data\" IS NULL)), \"raw\" blob NULL, "
        "\"day\" date NULL, \"at\" datetime NULL, \"t\" time NULL, \"n\" smallint unsigned NULL, \"x\" mystery NULL)",
        "CREATE TABLE \"pairs\" (\"a\" integer NOT NULL, \"b\" integer NOT NULL, PRIMARY KEY (\"a\", \"b\"))",
        "CREATE TABLE \"users\" (\"id\" integer NOT NULL PRIMARY KEY)",
        "CREATE TABLE \"tags\" (\"id\" integer NOT NULL PRIMARY KEY, \"item\" varchar(12) NOT NULL REFERENCES \"shop item\" (\"code\"))",
    };
    for (size_t i = 0; i < sizeof ddl / sizeof ddl[0]; i++)
        cr_assert_eq(mn_db_execute(db, ddl[i], NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
}

static void teardown(void)
{
    mn_db_close(db);
    mn_arena_free(arena);
}

TestSuite(inspectdb, .init = setup, .fini = teardown);

static const char *inspect(const char *const *only, size_t n)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn__inspectdb(db, only, n, "legacy", "test.db", arena, &b, &err), MN_OK, "%s", err.msg);
    return mn_buf_cstr(&b);
}

#define HAS(text, needle) cr_assert(strstr((text), (needle)), "missing: %s\n---\n%s", (needle), (text))

Test(inspectdb, every_table)
{
    const char *c = inspect(NULL, 0);
    HAS(c, "from the SQLite database test.db");
    HAS(c, "typedef struct shop_category {\n    mn_obj mn;\n    int64_t id;\n    mn_str name;\n    int64_t parent;\n} shop_category;");
    HAS(c, "MN_FIELD_AUTO(shop_category, id),");
    HAS(c, "MN_FIELD_CHAR(shop_category, name, .max_length = 80, .unique = true),");
    /* A self reference. */
    HAS(c, "MN_FIELD_FOREIGNKEY(shop_category, parent, shop_category_model, .null = true, .blank = true, "
           ".on_delete = MN_DO_NOTHING),");
    /* Table and column names that are not C identifiers. */
    HAS(c, "typedef struct shop_item {");
    HAS(c, "MN_FIELD_CHAR(shop_item, code, .primary_key = true, .max_length = 12),");
    HAS(c, "MN_FIELD_DECIMAL(shop_item, price, .db_column = \"Price\", .max_digits = 10, .decimal_places = 5), "
           "/* max_digits and decimal_places have been guessed");
    HAS(c, "MN_FIELD_BOOL(shop_item, static_field, .db_column = \"static\"),");
    HAS(c, "MN_FIELD_TEXT(shop_item, number_2nd_name, .db_column = \"2nd name\", .null = true, .blank = true),");
    HAS(c, "MN_FIELD_FOREIGNKEY(shop_item, category, shop_category_model, .on_delete = MN_DO_NOTHING),");
    HAS(c, "MN_FIELD_FOREIGNKEY(shop_item, owner, users_model, .db_column = \"owner\"");
    HAS(c, "MN_FIELD_FLOAT(shop_item, mn_field, .db_column = \"mn\", .null = true, .blank = true),");
    HAS(c, "MN_FIELD_JSON(shop_item, data, .null = true, .blank = true),");
    HAS(c, "MN_FIELD_BINARY(shop_item, raw,");
    HAS(c, "MN_FIELD_DATE(shop_item, day,");
    HAS(c, "MN_FIELD_DATETIME(shop_item, at,");
    HAS(c, "MN_FIELD_TIME(shop_item, t,");
    HAS(c, "MN_FIELD_POSSMALLINT(shop_item, n,");
    HAS(c, "MN_FIELD_TEXT(shop_item, x, .null = true, .blank = true), /* This field type is a guess. */");
    HAS(c, "MN_MODEL(shop_item, \"legacy\", \"ShopItem\", shop_item_fields,");
    HAS(c, ".meta = { .db_table = \"shop item\" }");
    /* No single-column primary key: left out, said so. */
    HAS(c, "/* Table \"pairs\" is left out: it has a composite primary key");
    cr_assert_null(strstr(c, "pairs_model"));
    cr_assert_null(strstr(c, "sqlite_sequence"));
    /* A foreign key to a text key stays a plain column. */
    HAS(c, "MN_FIELD_CHAR(tags, item, .max_length = 12), /* References table \"shop item\", which is not inspected or has no integer key. */");
    /* In the database's order of names (' ' sorts before '_'). */
    HAS(c, "mn_model *const legacy_models[] = {\n    &shop_item_model,\n    &shop_category_model,\n    &tags_model,\n    &users_model,\n    NULL,\n};");
}

Test(inspectdb, some_tables)
{
    const char *const only[] = { "shop item" };
    const char *c = inspect(only, 1);
    /* The referenced tables are not inspected: plain columns, with a note. */
    HAS(c, "MN_FIELD_BIGINT(shop_item, category_id), /* References table \"shop_category\", which is not inspected or has no integer key. */");
    cr_assert_null(strstr(c, "typedef struct shop_category"));
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_err err = { 0 };
    const char *const missing[] = { "nope" };
    cr_assert_eq(mn__inspectdb(db, missing, 1, "legacy", "test.db", arena, &b, &err), MN_ENOTFOUND);
    cr_assert(strstr(err.msg, "Unable to inspect table 'nope'"), "%s", err.msg);
}

Test(inspectdb, table_names)
{
    mn_list *names;
    mn_err err = { 0 };
    cr_assert_eq(mn__db_table_names(db, arena, &names, &err), MN_OK);
    cr_assert_geq(mn_list_len(names), 4);
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn__sql_quote(&b, "a\"b%c");
    cr_assert_str_eq(mn_buf_cstr(&b), "\"a\"\"b%%c\"");
}
