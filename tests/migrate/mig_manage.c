/* A small project for the migration integration tests
 * (tests/integration/migrate_*.sh): apps products and orders whose models
 * change with MN_MIG_VARIANT (1..6), as a developer edits them between
 * makemigrations runs. The database is DATABASE_URL; BASE_DIR is the
 * working directory. */
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

typedef struct category {
    mn_obj mn;
    int64_t id;
    mn_str name;
} category;

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str title;
    mn_str slug;
    mn_decimal price;
    int64_t category;
    bool available;
    mn_datetime created;
} product;

typedef struct tag {
    mn_obj mn;
    int64_t id;
    mn_str name;
    int64_t product;
} tag;

typedef struct order {
    mn_obj mn;
    int64_t id;
    int64_t product;
    int32_t qty;
} order;

static const mn_field category_fields[] = {
    MN_FIELD_BIGAUTO(category, id),
    MN_FIELD_CHAR(category, name, .max_length = 100, .unique = true),
    MN_FIELD_END
};
mn_model category_model = MN_MODEL(category, "products", "Category", category_fields,
                                   .meta = { .verbose_name_plural = "categories" });

/* Variant 1: the initial models. */
static const mn_field product_v1[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(product, category, category_model),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_DATETIME(product, created, .auto_now_add = true),
    MN_FIELD_END
};
/* Variant 2: a slug (NOT NULL, no default: makemigrations asks). */
static const mn_field product_v2[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_SLUG(product, slug),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(product, category, category_model),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_DATETIME(product, created, .auto_now_add = true),
    MN_FIELD_END
};
/* Variant 3: name renamed to title, an index, a check constraint and
 * unique_together. */
static const mn_field product_v3[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, title, .max_length = 200),
    MN_FIELD_SLUG(product, slug),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(product, category, category_model),
    MN_FIELD_BOOL(product, available, .default_value = "true"),
    MN_FIELD_DATETIME(product, created, .auto_now_add = true),
    MN_FIELD_END
};
/* Variant 4: available removed. */
static const mn_field product_v4[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, title, .max_length = 200),
    MN_FIELD_SLUG(product, slug),
    MN_FIELD_DECIMAL(product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(product, category, category_model),
    MN_FIELD_DATETIME(product, created, .auto_now_add = true),
    MN_FIELD_END
};

static const mn_index v3_indexes[] = { { .fields = MN_NAMES("title", "-price"), .name = "product_title_idx" }, { 0 } };
static const mn_constraint v3_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_gte_0", .q = (const mn_cond[]){ { "price__gte", "0" }, { NULL, NULL } } },
    { 0 }
};
/* Variant 6: conditions as Q trees (OR, NOT) in a check constraint and a
 * partial index. */
static const mn_constraint v6_constraints[] = {
    { .kind = MN_CONSTRAINT_CHECK, .name = "price_gte_0", .q = (const mn_cond[]){ { "price__gte", "0" }, { NULL, NULL } } },
    { .kind = MN_CONSTRAINT_CHECK, .name = "free_not_paid",
      .qc = MN_QC_OR(MN_QC("price__gt", "0"), MN_QC_NOT(MN_QC("slug", "paid"))) },
    { 0 }
};
static const mn_index v6_indexes[] = {
    { .fields = MN_NAMES("title", "-price"), .name = "product_title_idx" },
    { .fields = MN_NAMES("slug"), .name = "product_priced_slug_idx", .qc = MN_QC_NOT(MN_QC("price", "0")) },
    { 0 }
};
static const char *const *const v3_unique[] = { MN_NAMES("category", "title"), NULL };

mn_model product_model = MN_MODEL(product, "products", "Product", product_v1, .meta = { .ordering = MN_NAMES("-created") });

static const mn_field order_fields[] = {
    MN_FIELD_BIGAUTO(order, id),
    MN_FIELD_FOREIGNKEY(order, product, product_model),
    MN_FIELD_INT(order, qty, .default_value = "1"),
    MN_FIELD_END
};
mn_model order_model = MN_MODEL(order, "orders", "Order", order_fields);

/* Variant 5: tags (a ManyToManyField from Product, an automatic through
 * table) and a featured product per tag (a OneToOneField). */
static const mn_field tag_fields[] = {
    MN_FIELD_BIGAUTO(tag, id),
    MN_FIELD_CHAR(tag, name, .max_length = 50),
    MN_FIELD_ONETOONE(tag, product, product_model, .null = true, .on_delete = MN_SET_NULL, .related_name = "featured_tag"),
    MN_FIELD_END
};
mn_model tag_model = MN_MODEL(tag, "products", "Tag", tag_fields);
static const mn_m2m product_m2m[] = { MN_M2M("tags", tag_model, .related_name = "products"), MN_M2M_END };

static mn_model *products_models[] = { &category_model, &product_model, NULL, NULL };
static mn_model *const orders_models[] = { &order_model, NULL };

/* A data migration: every product without a slug gets "p<id>". */
static int fill_slugs(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)arena;
    return mn_db_execute(db, "UPDATE \"products_product\" SET \"slug\" = 'p' || \"id\" WHERE \"slug\" = 'x'", NULL, 0,
                         NULL, err);
}
static int unfill_slugs(mn_db *db, mn_arena *arena, mn_err *err)
{
    (void)arena;
    return mn_db_execute(db, "UPDATE \"products_product\" SET \"slug\" = 'x'", NULL, 0, NULL, err);
}

static int products_ready(const mn_app *app, mn_err *err)
{
    (void)app;
    if (mn_migrate_register("products.fill_slugs", fill_slugs) || mn_migrate_register("products.unfill_slugs", unfill_slugs))
        return mn_err_set(err, MN_ELIMIT, "cannot register the data migrations");
    return MN_OK;
}

static const mn_app products_app = { .name = "shop.products", .label = "products", .models = products_models,
                                     .ready = products_ready };
static const mn_app orders_app = { .name = "shop.orders", .label = "orders", .models = orders_models };
static const mn_app *const apps[] = { &products_app, &orders_app, NULL };

static const mn_url_pattern patterns[] = { MN_URL_END };
static const mn_urlconf urls = { .patterns = patterns };

MN_SETTINGS_DEFINE(base, .SECRET_KEY = "migration-tests-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                   .DEBUG = true, .LOG_LEVEL = "CRITICAL");

static const mn_project project = { .name = "shop", .apps = apps, .urlconf = &urls,
                                    .settings = { .base = &base, .env_file = "" } };

int main(int argc, char **argv)
{
    const char *v = getenv("MN_MIG_VARIANT");
    int variant = v ? atoi(v) : 1;
    if (variant == 2)
        product_model.fields = product_v2;
    if (variant >= 5) {
        products_models[2] = &tag_model;
        product_model.many_to_many = product_m2m;
    }
    if (variant >= 3) {
        product_model.fields = variant == 3 ? product_v3 : product_v4;
        product_model.meta.indexes = v3_indexes;
        product_model.meta.constraints = v3_constraints;
        product_model.meta.unique_together = v3_unique;
    }
    if (variant >= 6) {
        product_model.meta.indexes = v6_indexes;
        product_model.meta.constraints = v6_constraints;
    }
    return mn_manage_main(&project, argc, argv);
}
