/* Migrations through ./manage: makemigrations, migrate, showmigrations,
 * sqlmigrate, a data migration (RunC) and migrating back, as in
 * docs/migrations.md. Runs in a temporary directory with a SQLite file. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_decimal price;
    bool available;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_END
};
static mn_model product_model = MN_MODEL(product, "products", "Product", product_fields);
static mn_model *const products_models[] = { &product_model, NULL };

/* A data migration (Django's RunPython): registered by name in ready(). */
static int add_sample(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)arena;
    return mn_db_execute(db, "INSERT INTO products_product (name, price, available) VALUES ('Sample', 1.00, 1)",
                         NULL, 0, NULL, err);
}
static int remove_sample(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)arena;
    return mn_db_execute(db, "DELETE FROM products_product WHERE name = 'Sample'", NULL, 0, NULL, err);
}
static int products_ready(const mn_app *app, mn_err *err)
{
    (void)app;
    if (mn_migrate_register("products.add_sample", add_sample) ||
        mn_migrate_register("products.remove_sample", remove_sample))
        return mn_err_set(err, MN_ELIMIT, "cannot register data migrations");
    return MN_OK;
}

static const mn_app products_app = { .name = "shop.products", .label = "products", .models = products_models,
                                     .ready = products_ready };
static const mn_app *const apps[] = { &products_app, NULL };
static const mn_url_pattern patterns[] = { MN_URL_END };
static const mn_urlconf urls = { .patterns = patterns };
MN_SETTINGS_DEFINE(base, .SECRET_KEY = "docs-example-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                   .LOG_LEVEL = "CRITICAL", .ALLOWED_HOSTS = MN_STRLIST("localhost"));
static const mn_project shop = { .name = "shop", .apps = apps, .urlconf = &urls,
                                 .settings = { .base = &base, .env_file = "",
                                               .env = (const char *const[]){ "DATABASE_URL=sqlite:///db.sqlite3",
                                                                             NULL } } };

/* ./manage ARGS... */
static int manage(const char *args)
{
    char buf[256];
    snprintf(buf, sizeof buf, "manage %s", args);
    char *argv[16];
    int argc = 0;
    for (char *t = strtok(buf, " "); t && argc < 15; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    fflush(stdout);
    return mn_manage_main(&shop, argc, argv);
}

static int64_t count_rows(void)
{
    mn_err err = { 0 };
    mn_db_config cfg = { .engine = MN_DB_SQLITE, .name = "db.sqlite3" };
    mn_db *db = mn_db_open(&cfg, &err);
    assert(db);
    mn_arena *a = mn_arena_new("count", 0);
    mn_value v;
    int rc = mn_db_query_value(db, "SELECT count(*) FROM products_product", NULL, 0, a, &v, &err);
    int64_t n = rc == MN_OK ? v.u.i : -1;
    mn_arena_free(a);
    mn_db_close(db);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/mn-doc-migrations-XXXXXX";
    assert(mkdtemp(dir));
    assert(chdir(dir) == 0);

    /* python manage.py makemigrations / migrate */
    assert(manage("makemigrations") == 0);
    assert(access("products/migrations/0001_initial.json", F_OK) == 0);
    assert(manage("makemigrations --check") == 0); /* nothing missing: CI passes */
    assert(manage("migrate") == 0);
    assert(count_rows() == 0);

    /* An empty migration to hold a data migration, edited by hand. */
    assert(manage("makemigrations products --empty --name add_sample") == 0);
    FILE *f = fopen("products/migrations/0002_add_sample.json", "w");
    assert(f);
    fputs("{\n"
          "  \"dependencies\": [[\"products\", \"0001_initial\"]],\n"
          "  \"operations\": [\n"
          "    {\"op\": \"RunC\", \"code\": \"products.add_sample\", \"reverse_code\": \"products.remove_sample\"}\n"
          "  ]\n"
          "}\n",
          f);
    fclose(f);
    assert(manage("migrate") == 0);
    assert(count_rows() == 1);

    /* python manage.py showmigrations / sqlmigrate products 0001 */
    assert(manage("showmigrations") == 0);
    assert(manage("sqlmigrate products 0001") == 0);

    /* Back to 0001 (the data migration is undone), then to zero. */
    assert(manage("migrate products 0001") == 0);
    assert(count_rows() == 0);
    assert(manage("migrate products zero") == 0);
    assert(count_rows() == -1); /* the table is gone */

    assert(chdir("/") == 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert(system(cmd) == 0);
    puts("migrations_manage: ok");
    return 0;
}
