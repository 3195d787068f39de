/* Migrations: loading files, the dependency graph, django_migrations and
 * the executor (on SQLite, or on MN_TEST_DATABASE_URL's PostgreSQL). */
#include <sys/stat.h>
#include <unistd.h>
#include "mig_test.h"

static char dir[64];
static mn_db *DB;

static void write_to(const char *app, const char *name, const char *json)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, app);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s.json", dir, app, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(json, f);
    fclose(f);
}

static void g_setup(void)
{
    mig_setup();
    snprintf(dir, sizeof dir, "/tmp/mn-migtest-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *url = getenv("MN_TEST_DATABASE_URL");
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(mn_str_from(url ? url : "sqlite://:memory:"), A, &cfg, &err), MN_OK, "%s", err.msg);
    DB = mn_db_open(&cfg, &err);
    cr_assert_not_null(DB, "%s", err.msg);
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        char sql[160];
        snprintf(sql, sizeof sql, "CREATE SCHEMA IF NOT EXISTS mig_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
        snprintf(sql, sizeof sql, "SET search_path TO mig_test_%d", (int)getpid());
        cr_assert_eq(mn_db_execute(DB, sql, NULL, 0, NULL, &err), MN_OK, "%s", err.msg);
    }
}

static void g_teardown(void)
{
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES) {
        char sql[160];
        snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS mig_test_%d CASCADE", (int)getpid());
        mn_db_execute(DB, sql, NULL, 0, NULL, &(mn_err){ 0 });
    }
    mn_db_close(DB);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    mig_teardown();
}

TestSuite(graph, .init = g_setup, .fini = g_teardown);

#define PK "{\"name\": \"id\", \"type\": \"BigAutoField\", \"primary_key\": true}"

static mn_mig_graph *load(int expect_rc, mn_err *err)
{
    char shop[128], orders[128];
    snprintf(shop, sizeof shop, "%s/shop", dir);
    snprintf(orders, sizeof orders, "%s/orders", dir);
    const char *apps[] = { "shop", "orders" };
    const char *dirs[] = { shop, orders };
    mn_mig_graph *g = NULL;
    int rc = mn_mig_graph_load(apps, dirs, 2, A, &g, err);
    cr_assert_eq(rc, expect_rc, "%s", err->msg);
    return g;
}

static void project(void)
{
    write_to("shop", "0001_initial",
             "{\"initial\": true, \"operations\": [{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [" PK
             ", {\"name\": \"name\", \"type\": \"CharField\", \"max_length\": 20}]}]}");
    write_to("shop", "0002_product_price",
             "{\"dependencies\": [[\"shop\", \"0001_initial\"]], \"operations\": [{\"op\": \"AddField\", "
             "\"model_name\": \"product\", \"name\": \"price\", \"field\": {\"type\": \"IntegerField\", \"default\": "
             "\"5\"}}]}");
    write_to("orders", "0001_initial",
             "{\"dependencies\": [[\"shop\", \"0001_initial\"]], \"operations\": [{\"op\": \"CreateModel\", \"name\": "
             "\"Order\", \"fields\": [" PK ", {\"name\": \"product\", \"type\": \"ForeignKey\", \"to\": "
             "\"shop.product\"}]}]}");
}

Test(graph, plans)
{
    project();
    mn_err err = { 0 };
    mn_mig_graph *g = load(MN_OK, &err);
    cr_assert_eq(g->n, 3);
    long s1 = mn_mig_graph_find(g, "shop", "0001_initial"), s2 = mn_mig_graph_find(g, "shop", "0002_product_price"),
         o1 = mn_mig_graph_find(g, "orders", "0001_initial");
    cr_assert(s1 >= 0 && s2 >= 0 && o1 >= 0);
    cr_assert_eq(mn_mig_graph_find(g, "shop", "0003"), -1);
    size_t *l;
    cr_assert_eq(mn_mig_graph_leaves(g, "shop", A, &l), 1);
    cr_assert_eq(l[0], (size_t)s2);
    cr_assert_eq(mn_mig_graph_leaves(g, "nothing", A, &l), 0);
    size_t *order;
    cr_assert_eq(mn_mig_graph_forwards(g, (size_t)o1, A, &order), 2);
    cr_assert_eq(order[0], (size_t)s1);
    cr_assert_eq(order[1], (size_t)o1);
    size_t n = mn_mig_graph_backwards(g, (size_t)s1, A, &order);
    cr_assert_eq(n, 3);
    cr_assert_eq(order[2], (size_t)s1, "dependants first, the node last");
    mn_mig_state *st = mn_mig_graph_full_state(g, A, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(st->nmodels, 2);
    mn_mig_state *before = mn_mig_graph_state(g, s2, false, A, &err);
    cr_assert_null(mn_mig_model_field(mn_mig_state_find(before, "shop", "product"), "price"));
}

Test(graph, bad_graphs)
{
    project();
    write_to("orders", "0002_x", "{\"dependencies\": [[\"shop\", \"0009_missing\"]], \"operations\": []}");
    mn_err err = { 0 };
    load(MN_EINVAL, &err);
    cr_assert_str_eq(err.msg, "Migration orders.0002_x dependencies reference nonexistent parent node ('shop', "
                              "'0009_missing')");
    write_to("orders", "0002_x", "{\"dependencies\": [[\"orders\", \"0003_y\"]], \"operations\": []}");
    write_to("orders", "0003_y", "{\"dependencies\": [[\"orders\", \"0002_x\"]], \"operations\": []}");
    load(MN_EINVAL, &err);
    cr_assert(strstr(err.msg, "Circular dependency"), "%s", err.msg);
    write_to("orders", "0002_x", "{\"operations\": [{\"op\": \"Nope\"}]}");
    load(MN_EPARSE, &err);
    cr_assert(strstr(err.msg, "orders/0002_x.json: operation 1 (Nope): unknown operation"), "%s", err.msg);
}

static int64_t count(const char *sql)
{
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_db_query_value(DB, sql, NULL, 0, A, &v, &err), MN_OK, "%s", err.msg);
    return v.u.i;
}

static bool has_table(const char *t)
{
    char sql[256];
    if (mn_db_engine_of(DB) == MN_DB_POSTGRES)
        snprintf(sql, sizeof sql, "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                  "current_schema() AND table_name = '%s'", t);
    else
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", t);
    return count(sql) > 0;
}

static int fill(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)arena;
    return mn_db_execute(db, "INSERT INTO \"shop_product\" (\"name\") VALUES ('from C')", NULL, 0, NULL,
                         err);
}

Test(graph, executes_records_and_rolls_back)
{
    project();
    mn_err err = { 0 };
    mn_mig_graph *g = load(MN_OK, &err);
    mn_map *applied;
    cr_assert_eq(mn_mig_recorder_applied(DB, A, &applied, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_map_len(applied), 0, "no table: nothing applied");
    cr_assert_eq(mn_mig_recorder_ensure(DB, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_mig_recorder_ensure(DB, &err), MN_OK, "twice is fine");
    long s1 = mn_mig_graph_find(g, "shop", "0001_initial"), s2 = mn_mig_graph_find(g, "shop", "0002_product_price"),
         o1 = mn_mig_graph_find(g, "orders", "0001_initial");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)s1, false, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert(mn_db_execute(DB, "INSERT INTO \"shop_product\" (\"name\") VALUES ('Lamp')", NULL, 0, NULL, &err) == MN_OK,
              "%s", err.msg);
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)s2, false, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count("SELECT price FROM shop_product"), 5, "the existing row got the default");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)o1, false, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert(has_table("orders_order"));
    cr_assert_eq(mn_mig_recorder_applied(DB, A, &applied, &err), MN_OK);
    cr_assert_eq(mn_map_len(applied), 3);
    cr_assert(mn_map_has(applied, mn_str_from("shop.0002_product_price")));

    /* A failing migration: schema, data and record stay as they were. */
    mn_migrate_register("test.fill", fill);
    write_to("shop", "0003_broken",
             "{\"dependencies\": [[\"shop\", \"0002_product_price\"]], \"operations\": ["
             "{\"op\": \"CreateModel\", \"name\": \"Tag\", \"fields\": [" PK "]},"
             "{\"op\": \"RemoveField\", \"model_name\": \"product\", \"name\": \"price\"},"
             "{\"op\": \"RunC\", \"code\": \"test.fill\"},"
             "{\"op\": \"RunSQL\", \"sql\": \"INSERT INTO no_such_table VALUES (1)\"}]}");
    g = load(MN_OK, &err);
    long s3 = mn_mig_graph_find(g, "shop", "0003_broken");
    cr_assert_neq(mn_mig_execute(DB, g, (size_t)s3, false, false, A, &err), MN_OK);
    cr_assert(strstr(err.msg, "shop.0003_broken: operation 4 (RunSQL): "), "%s", err.msg);
    cr_assert_not(has_table("shop_tag"));
    cr_assert_eq(count("SELECT count(*) FROM shop_product"), 1, "the data migration's row is gone");
    cr_assert_eq(count("SELECT price FROM shop_product"), 5, "the removed column is back");
    cr_assert_eq(count("SELECT count(*) FROM django_migrations"), 3);
    cr_assert_eq(mn_db_depth(DB), 0);
    if (mn_db_engine_of(DB) == MN_DB_SQLITE)
        cr_assert_eq(count("PRAGMA foreign_keys"), 1, "foreign keys are back on");

    /* An unregistered data migration function. */
    write_to("shop", "0003_broken",
             "{\"dependencies\": [[\"shop\", \"0002_product_price\"]], \"operations\": [{\"op\": \"RunC\", \"code\": "
             "\"test.unknown\"}]}");
    g = load(MN_OK, &err);
    cr_assert_neq(mn_mig_execute(DB, g, (size_t)s3, false, false, A, &err), MN_OK);
    cr_assert(strstr(err.msg, "no function registered as 'test.unknown'"), "%s", err.msg);

    /* Backwards, then faked. */
    o1 = mn_mig_graph_find(g, "orders", "0001_initial");
    s2 = mn_mig_graph_find(g, "shop", "0002_product_price");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)o1, true, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert_not(has_table("orders_order"));
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)s2, true, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count("SELECT count(*) FROM shop_product"), 1, "the rebuild kept the row");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)s2, false, true, A, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(count("SELECT count(*) FROM django_migrations WHERE name = '0002_product_price'"), 1);
    mn_str sql = mn_mig_sql_text(g, (size_t)s2, false, MN_DB_SQLITE, A, &err);
    cr_assert_not_null(sql.ptr, "%s", err.msg);
    cr_assert(!strncmp(sql.ptr, "BEGIN;\n--\n-- Add field price to product\n--\nCREATE TABLE \"new__shop_product\"", 70),
              "%s", sql.ptr);
    cr_assert(mn_str_ends_with(sql, mn_str_from("COMMIT;\n")), "%s", sql.ptr);
}

static mn_mig_graph *load_applied(mn_map *applied, unsigned flags, int expect_rc, mn_err *err)
{
    char shop[128], orders[128];
    snprintf(shop, sizeof shop, "%s/shop", dir);
    snprintf(orders, sizeof orders, "%s/orders", dir);
    const char *apps[] = { "shop", "orders" };
    const char *dirs[] = { shop, orders };
    mn_mig_graph *g = NULL;
    int rc = mn_mig_graph_load_applied(apps, dirs, 2, applied, flags, A, &g, err);
    cr_assert_eq(rc, expect_rc, "%s", err->msg);
    return g;
}

static bool parent_is(const mn_mig_graph *g, const char *app, const char *name, const char *papp, const char *pname)
{
    long i = mn_mig_graph_find(g, app, name), p = mn_mig_graph_find(g, papp, pname);
    cr_assert(i >= 0 && p >= 0, "%s.%s or %s.%s missing", app, name, papp, pname);
    for (size_t k = 0; k < g->nparents[i]; k++)
        if (g->parents[i][k] == (size_t)p)
            return true;
    return false;
}

static mn_map *applied_of(const char *const *keys)
{
    mn_map *m = mn_map_new(A, 4);
    for (size_t i = 0; keys[i]; i++)
        mn_map_set_cstr(m, keys[i], mn_value_cstr("2024-01-01 00:00:00"));
    return m;
}

/* shop 0001 <- 0002 <- 0003, orders 0001 -> shop 0002, and a squash of
 * shop 0001..0002. */
static void squash_project(void)
{
    write_to("shop", "0001_initial",
             "{\"initial\": true, \"operations\": [{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [" PK
             "]}]}");
    write_to("shop", "0002_product_name",
             "{\"dependencies\": [[\"shop\", \"0001_initial\"]], \"operations\": [{\"op\": \"AddField\", "
             "\"model_name\": \"product\", \"name\": \"name\", \"field\": {\"type\": \"CharField\", \"max_length\": "
             "20, \"default\": \"x\"}}]}");
    write_to("shop", "0003_product_code",
             "{\"dependencies\": [[\"shop\", \"0002_product_name\"]], \"operations\": [{\"op\": \"AddField\", "
             "\"model_name\": \"product\", \"name\": \"code\", \"field\": {\"type\": \"IntegerField\", \"null\": "
             "true}}]}");
    write_to("shop", "0001_squashed_0002_product_name",
             "{\"replaces\": [[\"shop\", \"0001_initial\"], [\"shop\", \"0002_product_name\"]], \"initial\": true, "
             "\"operations\": [{\"op\": \"CreateModel\", \"name\": \"Product\", \"fields\": [" PK ", {\"name\": "
             "\"name\", \"type\": \"CharField\", \"max_length\": 20, \"default\": \"x\"}]}]}");
    write_to("orders", "0001_initial",
             "{\"dependencies\": [[\"shop\", \"0002_product_name\"]], \"operations\": [{\"op\": \"CreateModel\", "
             "\"name\": \"Order\", \"fields\": [" PK ", {\"name\": \"product\", \"type\": \"ForeignKey\", \"to\": "
             "\"shop.product\"}]}]}");
}

Test(graph, squashed_migrations_replace_as_django)
{
    squash_project();
    mn_err err = { 0 };
    /* Nothing applied: the squash stands for 0001 and 0002. */
    mn_mig_graph *g = load_applied(NULL, 0, MN_OK, &err);
    cr_assert_eq(g->n, 3);
    cr_assert_eq(g->nreplacements, 1);
    cr_assert_eq(mn_mig_graph_find(g, "shop", "0001_initial"), -1);
    cr_assert_eq(mn_mig_graph_find(g, "shop", "0002_product_name"), -1);
    cr_assert(parent_is(g, "shop", "0003_product_code", "shop", "0001_squashed_0002_product_name"));
    cr_assert(parent_is(g, "orders", "0001_initial", "shop", "0001_squashed_0002_product_name"));
    size_t *leaves;
    cr_assert_eq(mn_mig_graph_leaves(g, "shop", A, &leaves), 1);
    cr_assert_str_eq(g->nodes[leaves[0]]->name, "0003_product_code");
    mn_mig_state *st = mn_mig_graph_full_state(g, A, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_not_null(mn_mig_model_field(mn_mig_state_find(st, "shop", "product"), "code"));

    /* All applied: the squash is used and counts as applied. */
    mn_map *applied = applied_of((const char *[]){ "shop.0001_initial", "shop.0002_product_name", NULL });
    g = load_applied(applied, 0, MN_OK, &err);
    cr_assert_eq(g->n, 3);
    cr_assert(mn_map_has(applied, mn_str_from("shop.0001_squashed_0002_product_name")));

    /* Some applied: the old ones are used, the squash is left out (and
     * not applied even when recorded). */
    applied = applied_of((const char *[]){ "shop.0001_initial", "shop.0001_squashed_0002_product_name", NULL });
    g = load_applied(applied, 0, MN_OK, &err);
    cr_assert_eq(g->n, 4);
    cr_assert_eq(mn_mig_graph_find(g, "shop", "0001_squashed_0002_product_name"), -1);
    cr_assert(parent_is(g, "orders", "0001_initial", "shop", "0002_product_name"));
    cr_assert_not(mn_map_has(applied, mn_str_from("shop.0001_squashed_0002_product_name")));

    /* sqlmigrate's view: everything side by side. */
    g = load_applied(NULL, MN_MIG_GRAPH_KEEP_REPLACED, MN_OK, &err);
    cr_assert_eq(g->n, 5);

    /* The old files deleted: the squash stands alone, dependencies on the
     * deleted names point to it. */
    char path[256];
    snprintf(path, sizeof path, "%s/shop/0001_initial.json", dir);
    cr_assert_eq(unlink(path), 0);
    snprintf(path, sizeof path, "%s/shop/0002_product_name.json", dir);
    cr_assert_eq(unlink(path), 0);
    g = load_applied(NULL, 0, MN_OK, &err);
    cr_assert_eq(g->n, 3);
    cr_assert(parent_is(g, "orders", "0001_initial", "shop", "0001_squashed_0002_product_name"));
    applied = applied_of((const char *[]){ "shop.0001_initial", "shop.0002_product_name", NULL });
    g = load_applied(applied, 0, MN_OK, &err);
    cr_assert(mn_map_has(applied, mn_str_from("shop.0001_squashed_0002_product_name")));
    /* ... but with only some applied the squash cannot be used. */
    applied = applied_of((const char *[]){ "shop.0001_initial", NULL });
    load_applied(applied, 0, MN_EINVAL, &err);
    cr_assert(strstr(err.msg, "tried to replace migration shop.0002_product_name with any of "
                              "[shop.0001_squashed_0002_product_name] but wasn't able to because some of the replaced "
                              "migrations are already applied"),
              "%s", err.msg);
}

Test(graph, squashed_migration_records_what_it_replaces)
{
    squash_project();
    mn_err err = { 0 };
    mn_mig_graph *g = load_applied(NULL, 0, MN_OK, &err);
    cr_assert_eq(mn_mig_recorder_ensure(DB, &err), MN_OK, "%s", err.msg);
    long sq = mn_mig_graph_find(g, "shop", "0001_squashed_0002_product_name");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)sq, false, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert(has_table("shop_product"));
    cr_assert_eq(count("SELECT count(*) FROM django_migrations WHERE app = 'shop' AND name IN ('0001_initial', "
                       "'0002_product_name')"), 2);
    cr_assert_eq(count("SELECT count(*) FROM django_migrations"), 2, "the squash's own row comes after");
    size_t n = 9;
    cr_assert_eq(mn_mig_recorder_check_replacements(DB, g, A, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(count("SELECT count(*) FROM django_migrations WHERE name = '0001_squashed_0002_product_name'"), 1);
    cr_assert_eq(mn_mig_recorder_check_replacements(DB, g, A, &n, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(n, 0, "recorded once");
    cr_assert_eq(mn_mig_execute(DB, g, (size_t)sq, true, false, A, &err), MN_OK, "%s", err.msg);
    cr_assert_not(has_table("shop_product"));
    cr_assert_eq(count("SELECT count(*) FROM django_migrations"), 0, "replaced rows and its own removed");
}
