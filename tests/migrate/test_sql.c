/* Migrations: the SQL of each operation on SQLite and PostgreSQL. */
#include "mig_test.h"

TestSuite(migsql, .init = mig_setup, .fini = mig_teardown);

#define PK "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true}"
static const char *BASE =
    "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Category\", \"fields\": [" PK
    ", {\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 50, \"unique\": true}]},"
    "{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [" PK
    ", {\"name\": \"title\", \"type\": \"CharField\", \"max_length\": 200}, {\"name\": \"stock\", \"type\": "
    "\"PositiveIntegerField\", \"default\": \"0\"}, {\"name\": \"category\", \"type\": \"ForeignKey\", \"to\": "
    "\"shop.category\"}], \"options\": {\"unique_together\": [[\"title\", \"category\"]]}}]}";

/* The SQL of the single operation of json, forwards or backwards, after
 * BASE, joined with ";\n". */
static const char *sql_of(const char *json, mn_db_engine eng, bool back)
{
    mn_migration *base = mig("shop", "0001_initial", BASE);
    mn_migration *m = mig("shop", "0002", json);
    mn_mig_state *before = replay(&base, 1);
    mn_mig_state *after = mn_mig_state_clone(before);
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_state_apply(after, "shop", &m->ops[0], &err), MN_OK, "%s", err.msg);
    mn_list *out = mn_list_new(A, 4);
    int rc = back ? mn_mig_op_sql(&m->ops[0], "shop", after, before, eng, true, A, out, &err)
                  : mn_mig_op_sql(&m->ops[0], "shop", before, after, eng, false, A, out, &err);
    if (rc != MN_OK)
        return mn_arena_sprintf(A, "ERROR %s", err.msg);
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < mn_list_len(out); i++)
        mn_buf_printf(&b, "%s%.*s", i ? ";\n" : "", MN_STR_FMT(mn_list_get(out, i).u.s));
    return mn_buf_cstr(&b);
}

#define HAS(s, needle) cr_assert(strstr((s), (needle)), "%s\n--- lacks ---\n%s", (s), (needle))
#define LACKS(s, needle) cr_assert_null(strstr((s), (needle)), "%s\n--- has ---\n%s", (s), (needle))

Test(migsql, index_names_are_djangos)
{
    const char *cols[] = { "category_id", NULL };
    cr_assert_str_eq(mn_mig_index_name("products_product", cols, "", MN_DB_SQLITE, A),
                     "products_product_category_id_9b594869");
    const char *two[] = { "category_id", "title", NULL };
    cr_assert_str_eq(mn_mig_index_name("products_product", two, "_uniq", MN_DB_POSTGRES, A),
                     "products_product_category_id_title_6c1f1832_uniq");
    const char *longc[] = { "category_identifier_column", "other", NULL };
    cr_assert_str_eq(mn_mig_index_name("a_very_long_application_name_products_product_table", longc, "_uniq",
                                       MN_DB_POSTGRES, A),
                     "a_very_long_application__category_identifier_colu_47a16cde_uniq");
    char x80[81];
    memset(x80, 'x', 80);
    x80[80] = 0;
    const char *digit[] = { x80, NULL };
    cr_assert_str_eq(mn_mig_index_name("1abc", digit, "", MN_DB_POSTGRES, A), "D1abc_xxxxxxxxxxxxxxxxxxxxxxxxxx_cbe2a20");
}

Test(migsql, create_model)
{
    mn_migration *base = mig("shop", "0001_initial", BASE);
    mn_mig_state *st = replay(&base, 1);
    mn_list *out = mn_list_new(A, 4);
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_create_model_sql(mn_mig_state_find(st, "shop", "product"), st, MN_DB_SQLITE, A, out, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(mn_list_len(out), 3);
    cr_assert_str_eq(mn_list_get(out, 0).u.s.ptr,
                     "CREATE TABLE \"shop_product\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"title\" "
                     "varchar(200) NOT NULL, \"stock\" integer unsigned NOT NULL CHECK (\"stock\" >= 0), "
                     "\"category_id\" bigint NOT NULL REFERENCES \"shop_category\" (\"id\") DEFERRABLE INITIALLY "
                     "DEFERRED)");
    HAS(mn_list_get(out, 1).u.s.ptr, "CREATE INDEX \"shop_product_category_id_");
    HAS(mn_list_get(out, 2).u.s.ptr, "CREATE UNIQUE INDEX \"shop_product_title_category_id_");
    mn_list *pg = mn_list_new(A, 4);
    cr_assert_eq(mn_mig_create_model_sql(mn_mig_state_find(st, "shop", "product"), st, MN_DB_POSTGRES, A, pg, &err),
                 MN_OK, "%s", err.msg);
    cr_assert_eq(mn_list_len(pg), 2, "PostgreSQL keeps unique_together in the table");
    HAS(mn_list_get(pg, 0).u.s.ptr, "\"id\" bigserial NOT NULL PRIMARY KEY");
    HAS(mn_list_get(pg, 0).u.s.ptr, "CONSTRAINT \"shop_product_category_id_");
    HAS(mn_list_get(pg, 0).u.s.ptr, "_uniq\" UNIQUE (\"title\", \"category_id\")");
    const char *back = sql_of("{\"operations\": [{\"op\": \"DeleteModel\", \"name\": \"Product\"}]}", MN_DB_POSTGRES,
                              false);
    cr_assert_str_eq(back, "DROP TABLE \"shop_product\" CASCADE");
    const char *undo = sql_of("{\"operations\": [{\"op\": \"DeleteModel\", \"name\": \"Product\"}]}", MN_DB_SQLITE, true);
    HAS(undo, "CREATE TABLE \"shop_product\"");
}

Test(migsql, add_field)
{
    const char *nullable = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"note\", "
                           "\"field\": {\"type\": \"TextField\", \"null\": true}}]}";
    cr_assert_str_eq(sql_of(nullable, MN_DB_SQLITE, false),
                     "ALTER TABLE \"shop_product\" ADD COLUMN \"note\" text NULL");
    const char *dflt = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"code\", "
                       "\"field\": {\"type\": \"SlugField\", \"default\": \"it's\"}, \"preserve_default\": false}]}";
    const char *s = sql_of(dflt, MN_DB_SQLITE, false);
    HAS(s, "CREATE TABLE \"new__shop_product\"");
    HAS(s, "INSERT INTO \"new__shop_product\" (\"id\", \"title\", \"stock\", \"category_id\", \"code\") SELECT \"id\", "
           "\"title\", \"stock\", \"category_id\", 'it''s' FROM \"shop_product\"");
    HAS(s, "DROP TABLE \"shop_product\";\nALTER TABLE \"new__shop_product\" RENAME TO \"shop_product\"");
    HAS(s, "CREATE UNIQUE INDEX \"shop_product_title_category_id_");
    HAS(s, "CREATE INDEX \"shop_product_code_");
    const char *p = sql_of(dflt, MN_DB_POSTGRES, false);
    HAS(p, "ALTER TABLE \"shop_product\" ADD COLUMN \"code\" varchar(50) DEFAULT 'it''s' NOT NULL;\n"
           "ALTER TABLE \"shop_product\" ALTER COLUMN \"code\" DROP DEFAULT;\nCREATE INDEX \"shop_product_code_");
    const char *bad = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"n\", "
                      "\"field\": {\"type\": \"IntegerField\", \"default\": \"1; DROP TABLE x\"}}]}";
    HAS(sql_of(bad, MN_DB_POSTGRES, false), "ERROR AddField: '1; DROP TABLE x' is not an integer");
    const char *b = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"on\", "
                    "\"field\": {\"type\": \"BooleanField\", \"default\": \"true\"}}]}";
    HAS(sql_of(b, MN_DB_POSTGRES, false), "DEFAULT true NOT NULL");
    HAS(sql_of(b, MN_DB_SQLITE, false), "\"category_id\", 1 FROM");
    cr_assert_str_eq(sql_of(nullable, MN_DB_POSTGRES, true), "ALTER TABLE \"shop_product\" DROP COLUMN \"note\" CASCADE");
}

Test(migsql, alter_rename_remove)
{
    const char *alter = "{\"operations\": [{\"op\": \"AlterField\", \"model_name\": \"product\", \"name\": \"title\", "
                        "\"field\": {\"type\": \"CharField\", \"max_length\": 300, \"null\": true, \"unique\": true}}]}";
    const char *p = sql_of(alter, MN_DB_POSTGRES, false);
    HAS(p, "ALTER TABLE \"shop_product\" ALTER COLUMN \"title\" TYPE varchar(300) USING \"title\"::varchar(300)");
    HAS(p, "ALTER TABLE \"shop_product\" ALTER COLUMN \"title\" DROP NOT NULL");
    HAS(p, "ALTER TABLE \"shop_product\" ADD CONSTRAINT \"shop_product_title_");
    const char *back = sql_of(alter, MN_DB_POSTGRES, true);
    HAS(back, "contype = 'u'");
    HAS(back, "SET NOT NULL");
    HAS(sql_of(alter, MN_DB_SQLITE, false), "\"title\" varchar(300) NULL UNIQUE");
    const char *label = "{\"operations\": [{\"op\": \"AlterField\", \"model_name\": \"product\", \"name\": \"title\", "
                        "\"field\": {\"type\": \"CharField\", \"max_length\": 200, \"verbose_name\": \"Title\"}}]}";
    cr_assert_str_eq(sql_of(label, MN_DB_SQLITE, false), "", "nothing the database sees");
    cr_assert_str_eq(sql_of(label, MN_DB_POSTGRES, false), "");
    const char *ren = "{\"operations\": [{\"op\": \"RenameField\", \"model_name\": \"product\", \"old_name\": "
                      "\"title\", \"new_name\": \"name\"}]}";
    cr_assert_str_eq(sql_of(ren, MN_DB_SQLITE, false), "ALTER TABLE \"shop_product\" RENAME COLUMN \"title\" TO \"name\"");
    cr_assert_str_eq(sql_of(ren, MN_DB_POSTGRES, true), "ALTER TABLE \"shop_product\" RENAME COLUMN \"name\" TO \"title\"");
    const char *rm = "{\"operations\": [{\"op\": \"RemoveField\", \"model_name\": \"product\", \"name\": \"stock\"}]}";
    const char *s = sql_of(rm, MN_DB_SQLITE, false);
    HAS(s, "SELECT \"id\", \"title\", \"category_id\" FROM \"shop_product\"");
    LACKS(s, "\"stock\"");
    HAS(sql_of(rm, MN_DB_SQLITE, true), "SELECT \"id\", \"title\", 0, \"category_id\" FROM");
    const char *rmodel = "{\"operations\": [{\"op\": \"RenameModel\", \"old_name\": \"Category\", \"new_name\": "
                         "\"Section\"}]}";
    cr_assert_str_eq(sql_of(rmodel, MN_DB_SQLITE, false), "ALTER TABLE \"shop_category\" RENAME TO \"shop_section\"");
    cr_assert_str_eq(sql_of(rmodel, MN_DB_POSTGRES, true), "ALTER TABLE \"shop_section\" RENAME TO \"shop_category\"");
}

Test(migsql, indexes_constraints_sql)
{
    const char *ix = "{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                     "\"in_stock\", \"fields\": [\"-stock\", \"title\"], \"q\": [[\"stock__gt\", \"0\"], "
                     "[\"title__isnull\", \"false\"]]}}]}";
    cr_assert_str_eq(sql_of(ix, MN_DB_SQLITE, false),
                     "CREATE INDEX \"in_stock\" ON \"shop_product\" (\"stock\" DESC, \"title\") WHERE \"stock\" > 0 "
                     "AND \"title\" IS NOT NULL");
    cr_assert_str_eq(sql_of(ix, MN_DB_POSTGRES, true), "DROP INDEX \"in_stock\"");
    const char *badq = "{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                       "\"x\", \"fields\": [\"stock\"], \"q\": [[\"stock__regex\", \"0\"]]}}]}";
    HAS(sql_of(badq, MN_DB_SQLITE, false), "unsupported lookup 'regex'");
    const char *chk = "{\"operations\": [{\"op\": \"AddConstraint\", \"model_name\": \"product\", \"constraint\": "
                      "{\"type\": \"check\", \"name\": \"few\", \"q\": [[\"stock__lte\", \"100\"]]}}]}";
    cr_assert_str_eq(sql_of(chk, MN_DB_POSTGRES, false),
                     "ALTER TABLE \"shop_product\" ADD CONSTRAINT \"few\" CHECK (\"stock\" <= 100)");
    cr_assert_str_eq(sql_of(chk, MN_DB_POSTGRES, true), "ALTER TABLE \"shop_product\" DROP CONSTRAINT \"few\"");
    HAS(sql_of(chk, MN_DB_SQLITE, false), "CONSTRAINT \"few\" CHECK (\"stock\" <= 100))");
    const char *pu = "{\"operations\": [{\"op\": \"AddConstraint\", \"model_name\": \"product\", \"constraint\": "
                     "{\"type\": \"unique\", \"name\": \"one\", \"fields\": [\"title\"], \"condition\": \"stock > 0\"}}]}";
    cr_assert_str_eq(sql_of(pu, MN_DB_SQLITE, false),
                     "CREATE UNIQUE INDEX \"one\" ON \"shop_product\" (\"title\") WHERE stock > 0");
    const char *ut = "{\"operations\": [{\"op\": \"AlterUniqueTogether\", \"name\": \"product\", \"unique_together\": "
                     "[[\"stock\", \"title\"]]}]}";
    const char *s = sql_of(ut, MN_DB_SQLITE, false);
    HAS(s, "DROP INDEX \"shop_product_title_category_id_");
    HAS(s, "CREATE UNIQUE INDEX \"shop_product_stock_title_");
    const char *p = sql_of(ut, MN_DB_POSTGRES, false);
    HAS(p, "ALTER TABLE \"shop_product\" DROP CONSTRAINT \"shop_product_title_category_id_");
    HAS(p, "ALTER TABLE \"shop_product\" ADD CONSTRAINT \"shop_product_stock_title_");
}

Test(migsql, raw_sql_and_irreversible)
{
    const char *run = "{\"operations\": [{\"op\": \"RunSQL\", \"sql\": [\"UPDATE a SET b = 1;\", \"  \"], "
                      "\"reverse_sql\": []}]}";
    cr_assert_str_eq(sql_of(run, MN_DB_SQLITE, false), "UPDATE a SET b = 1");
    cr_assert_str_eq(sql_of(run, MN_DB_SQLITE, true), "");
    const char *oneway = "{\"operations\": [{\"op\": \"RunSQL\", \"sql\": \"UPDATE a SET b = 1\"}]}";
    HAS(sql_of(oneway, MN_DB_SQLITE, true), "ERROR RunSQL is irreversible");
    const char *c = "{\"operations\": [{\"op\": \"RunC\", \"code\": \"x.y\"}]}";
    cr_assert_str_eq(sql_of(c, MN_DB_POSTGRES, false), "");
}

Test(migsql, relations_one_to_one_and_many_to_many)
{
    const char *o2o = "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Profile\", \"fields\": [" PK
                      ", {\"name\": \"product\", \"type\": \"OneToOneField\", \"to\": \"shop.product\", \"on_delete\": "
                      "\"PROTECT\", \"related_name\": \"profile\"}]}]}";
    const char *s = sql_of(o2o, MN_DB_SQLITE, false);
    cr_assert_str_eq(s, "CREATE TABLE \"shop_profile\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                        "\"product_id\" bigint NOT NULL UNIQUE REFERENCES \"shop_product\" (\"id\") DEFERRABLE "
                        "INITIALLY DEFERRED)",
                     "a one-to-one key is unique and needs no other index");
    const char *m2m = "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Tag\", \"fields\": [" PK
                      ", {\"name\": \"products\", \"type\": \"ManyToManyField\", \"to\": \"shop.product\"}, "
                      "{\"name\": \"related\", \"type\": \"ManyToManyField\", \"to\": \"shop.tag\", \"db_table\": \"tag_links\"}]}]}";
    s = sql_of(m2m, MN_DB_SQLITE, false);
    HAS(s, "CREATE TABLE \"shop_tag\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT)");
    HAS(s, "CREATE TABLE \"shop_tag_products\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"tag_id\" bigint "
           "NOT NULL REFERENCES \"shop_tag\" (\"id\") DEFERRABLE INITIALLY DEFERRED, \"product_id\" bigint NOT NULL "
           "REFERENCES \"shop_product\" (\"id\") DEFERRABLE INITIALLY DEFERRED)");
    HAS(s, "CREATE UNIQUE INDEX \"shop_tag_products_tag_id_product_id_");
    HAS(s, "CREATE TABLE \"tag_links\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"from_tag_id\" bigint");
    HAS(s, "\"to_tag_id\" bigint NOT NULL REFERENCES \"shop_tag\"");
    const char *drop = sql_of(m2m, MN_DB_POSTGRES, true);
    cr_assert_str_eq(drop, "DROP TABLE \"shop_tag_products\" CASCADE;\nDROP TABLE \"tag_links\" CASCADE;\nDROP TABLE "
                           "\"shop_tag\" CASCADE");
    const char *add = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"similar\", "
                      "\"field\": {\"type\": \"ManyToManyField\", \"to\": \"shop.category\"}}]}";
    s = sql_of(add, MN_DB_SQLITE, false);
    HAS(s, "CREATE TABLE \"shop_product_similar\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, \"product_id\"");
    LACKS(s, "new__shop_product");
    cr_assert_str_eq(sql_of(add, MN_DB_SQLITE, true), "DROP TABLE \"shop_product_similar\"");
    const char *custom = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"cats\", "
                         "\"field\": {\"type\": \"ManyToManyField\", \"to\": \"shop.category\", \"through\": \"shop.Link\"}}]}";
    cr_assert_str_eq(sql_of(custom, MN_DB_POSTGRES, false), "", "a custom through model has its own CreateModel");
    const char *alter = "{\"operations\": [{\"op\": \"AddField\", \"model_name\": \"product\", \"name\": \"price\", "
                        "\"field\": {\"type\": \"IntegerField\", \"null\": true}}]}";
    cr_assert_str_eq(sql_of(alter, MN_DB_SQLITE, false), "ALTER TABLE \"shop_product\" ADD COLUMN \"price\" integer NULL");
}

Test(migsql, renamed_model_takes_its_through_tables)
{
    mn_migration *base = mig("shop", "0001_initial",
                             "{\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Tag\", \"fields\": [" PK "]},"
                             "{\"op\": \"CreateModel\", \"name\": \"Item\", \"fields\": [" PK
                             ", {\"name\": \"tags\", \"type\": \"ManyToManyField\", \"to\": \"shop.tag\"},"
                             "{\"name\": \"similar\", \"type\": \"ManyToManyField\", \"to\": \"shop.item\"}]},"
                             "{\"op\": \"CreateModel\", \"name\": \"Box\", \"fields\": [" PK
                             ", {\"name\": \"items\", \"type\": \"ManyToManyField\", \"to\": \"shop.item\"}]}]}");
    mn_migration *ren = mig("shop", "0002",
                            "{\"operations\": [{\"op\": \"RenameModel\", \"old_name\": \"Item\", \"new_name\": "
                            "\"Article\"}]}");
    mn_mig_state *before = replay(&base, 1);
    mn_mig_state *after = mn_mig_state_clone(before);
    mn_err err = { 0 };
    cr_assert_eq(mn_mig_state_apply(after, "shop", &ren->ops[0], &err), MN_OK, "%s", err.msg);
    mn_list *out = mn_list_new(A, 4);
    cr_assert_eq(mn_mig_op_sql(&ren->ops[0], "shop", before, after, MN_DB_SQLITE, false, A, out, &err), MN_OK, "%s",
                 err.msg);
    const char *want[] = {
        "ALTER TABLE \"shop_item\" RENAME TO \"shop_article\"",
        "ALTER TABLE \"shop_item_tags\" RENAME TO \"shop_article_tags\"",
        "ALTER TABLE \"shop_article_tags\" RENAME COLUMN \"item_id\" TO \"article_id\"",
        "ALTER TABLE \"shop_item_similar\" RENAME TO \"shop_article_similar\"",
        "ALTER TABLE \"shop_article_similar\" RENAME COLUMN \"from_item_id\" TO \"from_article_id\"",
        "ALTER TABLE \"shop_article_similar\" RENAME COLUMN \"to_item_id\" TO \"to_article_id\"",
        "ALTER TABLE \"shop_box_items\" RENAME COLUMN \"item_id\" TO \"article_id\"",
    };
    cr_assert_eq(mn_list_len(out), sizeof want / sizeof *want);
    for (size_t i = 0; i < mn_list_len(out); i++)
        cr_assert_str_eq(mn_list_get(out, i).u.s.ptr, want[i]);
    mn_list *back = mn_list_new(A, 4);
    cr_assert_eq(mn_mig_op_sql(&ren->ops[0], "shop", after, before, MN_DB_POSTGRES, true, A, back, &err), MN_OK,
                 "%s", err.msg);
    cr_assert_eq(mn_list_len(back), 7);
    cr_assert_str_eq(mn_list_get(back, 6).u.s.ptr,
                     "ALTER TABLE \"shop_box_items\" RENAME COLUMN \"article_id\" TO \"item_id\"");
}

/* Conditions as Q trees (OR, NOT, F()) go through a migration file and
 * come out as the ORM's own SQL on both engines. */
typedef struct t_offer {
    mn_obj mn;
    int64_t id;
    mn_decimal price;
    mn_decimal discount;
    mn_str status;
    mn_date starts;
    mn_date ends;
} t_offer;

static const mn_field t_offer_fields[] = {
    MN_FIELD_BIGAUTO(t_offer, id),
    MN_FIELD_DECIMAL(t_offer, price, .max_digits = 8, .decimal_places = 2),
    MN_FIELD_DECIMAL(t_offer, discount, .max_digits = 8, .decimal_places = 2, .null = true),
    MN_FIELD_CHAR(t_offer, status, .max_length = 20, .default_value = "draft"),
    MN_FIELD_DATE(t_offer, starts),
    MN_FIELD_DATE(t_offer, ends),
    MN_FIELD_END,
};

static const mn_cond t_offer_positive[] = { { "price__gte", "0" }, { NULL, NULL } };
static const mn_constraint t_offer_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "discount_valid",
      .qc = MN_QC_OR(MN_QC("discount__isnull", "true"),
                     MN_QC_AND(MN_QC("discount__gte", "0"), MN_QC_F("discount__lte", "price"))) },
    { .kind = MN_CONSTRAINT_CHECK, .name = "ends_after_start", .qc = MN_QC_F("ends__gte", "starts") },
    { .kind = MN_CONSTRAINT_CHECK, .name = "published_not_free",
      .qc = MN_QC_NOT(MN_QC("price", "0"), MN_QC("status", "published")) },
    { .kind = MN_CONSTRAINT_UNIQUE, .name = "one_live_offer_per_day", .fields = MN_NAMES("starts"),
      .qc = MN_QC_OR(MN_QC("status", "published"), MN_QC("status", "scheduled"), MN_QC("status", "live")) },
    { .kind = MN_CONSTRAINT_CHECK, .name = "both", .q = t_offer_positive,
      .qc = MN_QC_NOT(MN_QC_OR(MN_QC("status", "x"), MN_QC_F("discount__gt", "price"), MN_QC("discount__isnull", "true"))) },
    { 0 },
};

static const mn_index t_offer_indexes[] = {
    { .fields = MN_NAMES("ends"), .name = "offer_open_ends_idx", .qc = MN_QC_NOT(MN_QC("status", "archived")) },
    { .fields = NULL },
};

static mn_model t_offer_model = MN_MODEL(t_offer, "shop", "Offer", t_offer_fields,
                                         .meta = { .constraints = t_offer_constraints, .indexes = t_offer_indexes });

/* The statements of the model's CREATE, one string joined with ";\n". */
static const char *joined(mn_list *l)
{
    mn_buf b;
    mn_buf_init(&b, A, 0);
    for (size_t i = 0; i < mn_list_len(l); i++)
        mn_buf_printf(&b, "%s%.*s", i ? ";\n" : "", MN_STR_FMT(mn_list_get(l, i).u.s));
    return mn_buf_cstr(&b);
}

Test(migsql, q_trees_round_trip_to_the_orms_sql)
{
    mn_err err = { 0 };
    mn_model *models[] = { &t_offer_model, NULL };
    mn_mig_state *to = mn_mig_state_new(A);
    cr_assert_eq(mn_mig_state_add_models(to, models, &err), MN_OK, "%s", err.msg);
    mn_mig_state *from = mn_mig_state_new(A);
    mn_mig_op *ops;
    size_t n, nd;
    mn_mig_key *deps;
    cr_assert_eq(mn_mig_autodetect(from, to, "shop", NULL, A, &ops, &n, &deps, &nd, &err), MN_OK, "%s", err.msg);
    cr_assert_gt(n, 0);
    mn_migration m = { .app = "shop", .name = "0001_initial", .ops = ops, .nops = n, .initial = true, .atomic = true };
    mn_str text = mn_migration_write(A, &m, &err);
    cr_assert_not_null(text.ptr, "%s", err.msg);
    cr_assert(strstr(text.ptr, "\"connector\": \"OR\""), "%s", text.ptr);
    cr_assert(strstr(text.ptr, "\"negated\": true"), "%s", text.ptr);
    cr_assert(strstr(text.ptr, "\"F\": \"price\""), "%s", text.ptr);
    mn_migration *back = mig("shop", "0001_initial", text.ptr);
    mn_str again = mn_migration_write(A, back, &err);
    cr_assert_str_eq(again.ptr, text.ptr, "the written file reads back to the same file");
    mn_mig_state *replayed = replay(&back, 1);
    mn_mig_op *more;
    cr_assert_eq(mn_mig_autodetect(replayed, to, "shop", NULL, A, &more, &n, &deps, &nd, &err), MN_OK, "%s",
                 err.msg);
    cr_assert_eq(n, 0, "no changes after the migration (first: %s)", n ? mn_mig_op_name(more[0].kind) : "");

    mn_mig_model *mm = mn_mig_state_find(replayed, "shop", "offer");
    cr_assert_not_null(mm);
    mn_db_engine engines[] = { MN_DB_SQLITE, MN_DB_POSTGRES };
    for (size_t e = 0; e < 2; e++) {
        mn_list *mine = mn_list_new(A, 4);
        cr_assert_eq(mn_mig_create_model_sql(mm, replayed, engines[e], A, mine, &err), MN_OK, "%s", err.msg);
        mn_list *orm = mn_model_schema_sql(&t_offer_model, engines[e], A, &err);
        cr_assert_not_null(orm, "%s", err.msg);
        const char *s = joined(mine), *o = joined(orm);
        static const char *const parts[] = {
            "CONSTRAINT \"discount_valid\" CHECK ((\"discount\" IS NULL OR (\"discount\" >= '0.00' AND \"discount\" <= "
            "\"price\")))",
            "CONSTRAINT \"ends_after_start\" CHECK (\"ends\" >= \"starts\")",
            "CONSTRAINT \"published_not_free\" CHECK (NOT ((\"price\" = '0.00' AND \"status\" = 'published')))",
            "CONSTRAINT \"both\" CHECK ((\"price\" >= '0.00' AND NOT (((\"status\" = 'x' OR (\"discount\" > \"price\" AND "
            "\"discount\" IS NOT NULL)) OR \"discount\" IS NULL))))",
            "CREATE UNIQUE INDEX \"one_live_offer_per_day\" ON \"shop_offer\" (\"starts\") WHERE ((\"status\" = "
            "'published' OR \"status\" = 'scheduled') OR \"status\" = 'live')",
            "CREATE INDEX \"offer_open_ends_idx\" ON \"shop_offer\" (\"ends\") WHERE NOT (\"status\" = 'archived')",
        };
        for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
            HAS(o, parts[i]);
            HAS(s, parts[i]);
        }
    }
}

Test(migsql, q_tree_errors)
{
    const char *fx = "{\"operations\": [{\"op\": \"AddConstraint\", \"model_name\": \"product\", \"constraint\": "
                     "{\"type\": \"check\", \"name\": \"c\", \"q\": {\"connector\": \"AND\", \"negated\": false, "
                     "\"children\": [[\"stock__gt\", {\"F\": \"nope\"}]]}}}]}";
    HAS(sql_of(fx, MN_DB_SQLITE, false), "has no field 'nope'");
    const char *lk = "{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                     "\"x\", \"fields\": [\"stock\"], \"q\": {\"connector\": \"OR\", \"negated\": true, \"children\": "
                     "[[\"stock__isnull\", {\"F\": \"title\"}], [\"stock\", \"1\"]]}}}]}";
    HAS(sql_of(lk, MN_DB_POSTGRES, false), "cannot compare with F()");
    const char *ok = "{\"operations\": [{\"op\": \"AddIndex\", \"model_name\": \"product\", \"index\": {\"name\": "
                     "\"x\", \"fields\": [\"stock\"], \"q\": {\"connector\": \"OR\", \"negated\": true, \"children\": "
                     "[[\"stock__lt\", {\"F\": \"category\"}], [\"title\", null]]}}}]}";
    cr_assert_str_eq(sql_of(ok, MN_DB_POSTGRES, false),
                     "CREATE INDEX \"x\" ON \"shop_product\" (\"stock\") WHERE NOT ((\"stock\" < \"category_id\" OR "
                     "\"title\" IS NULL))");
}
