/* Helpers of the shop's tests: a test database with the guide's fixtures
 * (setUp / setUpTestData) and a test client for the shop project. */
#ifndef SHOP_TEST_H
#define SHOP_TEST_H

#include <criterion/criterion.h>
#include <string.h>
#include <manouche.h>
#include "products/products.h"
#include "shop/shop.h"

static mn_arena *arena;
static mn_db *db;
static category *electronics;
static product *test_product;

/* setUp: an in-memory database with the app's tables, the category
 * Electronics and the product Test Product. */
static inline void shop_db_setup(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    arena = mn_arena_new("shop test", 0);
    mn_err err = { 0 };
    mn_db_config cfg;
    cr_assert_eq(mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err), MN_OK);
    db = mn_db_open(&cfg, &err);
    cr_assert(db, "%s", err.msg);
    mn_orm_use(db);
    cr_assert_eq(products_create_tables(db, &err), MN_OK, "%s", err.msg);
    electronics = mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("Electronics"), "slug",
                                  mn_value_cstr("electronics"), NULL);
    cr_assert(electronics, "%s", err.msg);
    test_product = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Test Product"), "slug",
                                   mn_value_cstr("test-product"), "price", mn_value_cstr("100.00"), "stock",
                                   mn_value_int(10), "status", mn_value_cstr("published"), "category",
                                   mn_value_int(electronics->id), NULL);
    cr_assert(test_product, "%s", err.msg);
}

static inline void shop_db_teardown(void)
{
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(arena);
}

/* Django runs tests with DEBUG off. */
static inline void shop_test_settings(mn_settings *s) { s->DEBUG = false; }

#endif
