/* ./manage of a small project with models, for the integration tests of
 * dumpdata, loaddata, flush, dbshell and inspectdb
 * (tests/integration/project_commands.sh, fixtures_django.sh). Its models
 * mirror tests/integration/django_catalog/models.py so that Django and
 * Manouche share one database. The database comes from DATABASE_URL. */
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
} category;

static const mn_field category_fields[] = {
    MN_FIELD_AUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100),
    MN_FIELD_SLUG(category, slug, .max_length = 50, .unique = true),
    MN_FIELD_END
};
static mn_model category_model = MN_MODEL(category, "catalog", "Category", category_fields);

typedef struct tag {
    mn_obj mn;
    int64_t id;
    mn_str name;
} tag;

static const mn_field tag_fields[] = {
    MN_FIELD_AUTO(tag, id),
    MN_FIELD_CHAR(tag, name, .max_length = 30),
    MN_FIELD_END
};
static mn_model tag_model = MN_MODEL(tag, "catalog", "Tag", tag_fields);

typedef struct product {
    mn_obj mn;
    int64_t id;
    int64_t category;
    mn_str name;
    mn_decimal price;
    int32_t stock;
    bool available;
    double weight;
    mn_datetime created;
    mn_date released;
    mn_time opens;
    mn_duration took;
    mn_value data;
    mn_str uid;
    mn_str notes;
} product;

static const mn_field product_fields[] = {
    MN_FIELD_AUTO(product, id),
    MN_FIELD_FOREIGNKEY(product, category, category_model, .null = true),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_INT(product, stock, .default_value = "0"),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_FLOAT(product, weight, .null = true),
    MN_FIELD_DATETIME(product, created),
    MN_FIELD_DATE(product, released, .null = true),
    MN_FIELD_TIME(product, opens, .null = true),
    MN_FIELD_DURATION(product, took, .null = true),
    MN_FIELD_JSON(product, data, .null = true),
    MN_FIELD_UUID(product, uid, .null = true),
    MN_FIELD_TEXT(product, notes, .blank = true),
    MN_FIELD_END
};
static const mn_m2m product_m2m[] = {
    MN_M2M("tags", tag_model, .related_name = "products"),
    MN_M2M_END,
};
static mn_model product_model = MN_MODEL(product, "catalog", "Product", product_fields,
                                         .many_to_many = product_m2m);

static mn_model *const catalog_models[] = { &category_model, &tag_model, &product_model, NULL };

/* The tables, until migrations exist on this branch: CREATE TABLE for each
 * model that has none. */
static int create_tables(mn_command_ctx *ctx)
{
    mn_err err = { 0 };
    for (size_t i = 0; catalog_models[i]; i++)
        if (mn_model_create_table(catalog_models[i], NULL, &err))
            return mn_command_error(ctx, "%s", err.msg);
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Created the tables of %zu models",
                   sizeof catalog_models / sizeof *catalog_models - 1);
    return 0;
}
static const mn_command create_tables_command = { .name = "create_tables", .help = "Creates the tables",
                                                  .handle = create_tables };

/* Creates a few rows through the ORM. */
static int seed(mn_command_ctx *ctx)
{
    mn_arena *a = mn_command_arena(ctx);
    mn_err err = { 0 };
    category *c = mn_model_create(&category_model, a, &err, "name", mn_value_cstr("Chairs é"), "slug",
                                  mn_value_cstr("chairs"), NULL);
    if (!c)
        return mn_command_error(ctx, "%s", err.msg);
    if (!mn_model_create(&product_model, a, &err, "category", mn_value_int(c->id), "name", mn_value_cstr("Chair \"x\""),
                         "price", mn_value_cstr("12.50"), "stock", mn_value_int(3), "created",
                         mn_value_cstr("2024-01-05T10:30:15.123456Z"), NULL))
        return mn_command_error(ctx, "%s", err.msg);
    mn_command_out(ctx, MN_STYLE_SUCCESS, "Seeded");
    return 0;
}
static const mn_command seed_command = { .name = "seed", .help = "Creates rows", .handle = seed };

static const mn_command *const catalog_commands[] = { &create_tables_command, &seed_command, NULL };

static const mn_app catalog_app = {
    .name = "catalog",
    .label = "catalog",
    .commands = catalog_commands,
    .models = catalog_models,
};

static const mn_url_pattern patterns[] = { MN_URL_END };
static const mn_urlconf urls = { .patterns = patterns };

MN_SETTINGS_DEFINE(base, .SECRET_KEY = "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                   .DEBUG = true, .TIME_ZONE = "UTC", .LOG_LEVEL = "WARNING");

static const mn_app *const apps[] = { &catalog_app, NULL };

static const mn_project project = {
    .name = "catalog_project",
    .apps = apps,
    .urlconf = &urls,
    .settings = { .base = &base, .env_file = "" },
};

int main(int argc, char **argv)
{
    return mn_manage_main(&project, argc, argv);
}
