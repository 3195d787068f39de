/* Shared by the migration unit tests: models and a parse helper. */
#ifndef MIG_TEST_H
#define MIG_TEST_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"
#include "manouche/relation.h"

static mn_arena *A;
static void mig_setup(void) { A = mn_arena_new("test", 0); }
static void mig_teardown(void) { mn_arena_free(A); }

/* A migration from JSON text (asserts it parses). */
static inline mn_migration *mig(const char *app, const char *name, const char *json)
{
    mn_err err = { 0 };
    mn_migration *m = NULL;
    cr_assert_eq(mn_migration_parse(A, app, name, name, mn_str_from(json), &m, &err), MN_OK, "%s", err.msg);
    return m;
}

/* The state after applying migrations in order. */
static inline mn_mig_state *replay(mn_migration *const *ms, size_t n)
{
    mn_err err = { 0 };
    mn_mig_state *st = mn_mig_state_new(A);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(mn_mig_state_apply_migration(st, ms[i], &err), MN_OK, "%s", err.msg);
    return st;
}

typedef struct t_category {
    mn_obj mn;
    int64_t id;
    mn_str name;
} t_category;

typedef struct t_product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
    mn_decimal price;
    int64_t category;
    bool available;
} t_product;

static const mn_field t_category_fields[] = {
    MN_FIELD_BIGAUTO(t_category, id),
    MN_FIELD_CHAR(t_category, name, .max_length = 100, .unique = true),
    MN_FIELD_END
};
static mn_model t_category_model __attribute__((unused)) = MN_MODEL(t_category, "shop", "Category", t_category_fields);

static const mn_field t_product_fields[] = {
    MN_FIELD_BIGAUTO(t_product, id),
    MN_FIELD_CHAR(t_product, name, .max_length = 200),
    MN_FIELD_SLUG(t_product, slug),
    MN_FIELD_DECIMAL(t_product, price, .max_digits = 10, .decimal_places = 2),
    MN_FIELD_FOREIGNKEY(t_product, category, t_category_model, .null = true, .on_delete = MN_SET_NULL),
    MN_FIELD_BOOL(t_product, available, .default_value = "true"),
    MN_FIELD_END
};
static const mn_index t_product_indexes[] = { { .fields = MN_NAMES("name", "-price") }, { 0 } };
static mn_model t_product_model __attribute__((unused)) = MN_MODEL(t_product, "shop", "Product", t_product_fields,
                                           .meta = { .ordering = MN_NAMES("name"), .indexes = t_product_indexes });

#endif
