/* The guide's ProductModelTest for the shop's models, and the models'
 * methods: unique slugs, discounted price, constraints, signals. */
#include "shop_test.h"

TestSuite(product_model, .init = shop_db_setup, .fini = shop_db_teardown);

Test(product_model, product_creation)
{
    cr_expect(mn_str_eq_cstr(test_product->name, "Test Product"));
    mn_decimal hundred;
    mn_decimal_parse_cstr("100.00", &hundred, NULL);
    cr_expect_eq(mn_decimal_cmp(test_product->price, hundred), 0);
    cr_expect_eq(mn_obj_header(&product_model, test_product)->model, &product_model);
    /* defaults and auto fields */
    cr_expect_eq(test_product->discount, 0);
    cr_expect(test_product->available);
    cr_expect(mn_str_eq_cstr(test_product->sku, ""));
    cr_expect(memcmp(&test_product->ts.created_at, &(mn_datetime){ 0 }, sizeof(mn_datetime)),
              "created_at is set by auto_now_add");
    mn_err err = { 0 };
    product *fresh = mn_qs_get(mn_qs_filter(mn_qs_all(&product_model, arena), "slug", mn_value_cstr("test-product")),
                               &err);
    cr_assert(fresh, "%s", err.msg);
    cr_expect_eq(fresh->id, test_product->id);
    cr_expect_eq(fresh->metadata.type, MN_VALUE_MAP, "metadata defaults to {}");
}

Test(product_model, str_method)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    mn_value_to_str(mn_obj_value(test_product, &product_model), &b);
    cr_expect_str_eq(mn_buf_cstr(&b), "Test Product");
    mn_buf_reset(&b);
    mn_value_to_str(mn_obj_value(electronics, &category_model), &b);
    cr_expect_str_eq(mn_buf_cstr(&b), "Electronics");
}

Test(product_model, absolute_url)
{
    cr_expect_str_eq(product_absolute_url(test_product, arena), "/products/test-product/");
}

Test(product_model, is_in_stock)
{
    cr_expect(product_is_in_stock(test_product));
    test_product->stock = 0;
    cr_expect_not(product_is_in_stock(test_product));
}

Test(product_model, product_needs_a_category)
{
    /* Product.category is a required ForeignKey (on_delete=CASCADE): the
     * database refuses a product without one. */
    mn_err err = { 0 };
    cr_expect_null(mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("No Category Product"),
                                   "slug", mn_value_cstr("no-category"), "price", mn_value_cstr("50.00"), NULL));
    cr_expect_neq(err.code, 0);
}

Test(product_model, unique_slug_from_the_name)
{
    mn_err err = { 0 };
    product *a = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Test Product"), "price",
                                 mn_value_cstr("1.00"), "category", mn_value_int(electronics->id), NULL);
    cr_expect_null(a, "unique_product_per_category refuses the same name twice in a category");
    cr_expect_eq(err.code, MN_EEXIST, "%s", err.msg);
    category *other = mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("Gifts"), "slug",
                                      mn_value_cstr("gifts"), NULL);
    mn_err_clear(&err);
    a = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Test Product"), "price",
                        mn_value_cstr("1.00"), "category", mn_value_int(other->id), NULL);
    cr_assert(a, "%s", err.msg);
    cr_expect(mn_str_eq_cstr(a->slug, "test-product-1"), "%.*s", MN_STR_FMT(a->slug));
    category *third = mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("Toys"), "slug",
                                      mn_value_cstr("toys"), NULL);
    product *b = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Test Product"), "price",
                                 mn_value_cstr("1.00"), "category", mn_value_int(third->id), NULL);
    cr_assert(b, "%s", err.msg);
    cr_expect(mn_str_eq_cstr(b->slug, "test-product-2"), "%.*s", MN_STR_FMT(b->slug));
    /* Saving again keeps the slug; a name that slugifies to nothing still gets one. */
    cr_expect_eq(mn_obj_save(b, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_expect(mn_str_eq_cstr(b->slug, "test-product-2"));
    product *c = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("!!!"), "price",
                                 mn_value_cstr("1.00"), "category", mn_value_int(electronics->id), NULL);
    cr_assert(c, "%s", err.msg);
    cr_expect(mn_str_eq_cstr(c->slug, "product"), "%.*s", MN_STR_FMT(c->slug));
}

Test(product_model, discounted_price)
{
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    test_product->discount = 15;
    mn_decimal_format_fixed(&b, product_discounted_price(test_product), 2);
    cr_expect_str_eq(mn_buf_cstr(&b), "85.00");
    mn_buf_reset(&b);
    mn_decimal_parse_cstr("19.99", &test_product->price, NULL);
    test_product->discount = 33;
    mn_decimal_format_fixed(&b, product_discounted_price(test_product), 2);
    cr_expect_str_eq(mn_buf_cstr(&b), "13.39"); /* 19.99 * 0.67 = 13.3933 */
}

Test(product_model, constraints_and_validation)
{
    mn_err err = { 0 };
    cr_expect_null(mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Negative"), "price",
                                   mn_value_cstr("-1.00"), "category", mn_value_int(electronics->id), NULL));
    cr_expect_eq(err.code, MN_EPERM, "price_must_be_positive: %s", err.msg);
    mn_err_clear(&err);
    test_product->status = MN_STR("sold");
    test_product->discount = 120;
    mn_map *errors = NULL;
    cr_expect_eq(mn_obj_full_clean(test_product, &product_model, arena, &errors, &err), MN_EINVAL);
    cr_assert(errors);
    cr_expect(mn_map_has(errors, MN_STR("status")), "choices are checked");
    cr_expect(mn_map_has(errors, MN_STR("discount")), "the discount validator runs");
    mn_err_clear(&err);
    cr_expect_null(mn_model_create(&review_model, arena, &err, "product", mn_value_int(test_product->id), "author",
                                   mn_value_cstr("x"), "rating", mn_value_int(6), NULL));
    cr_expect_eq(err.code, MN_EPERM, "rating_between_1_and_5: %s", err.msg);
}

Test(product_model, display_and_ordering)
{
    mn_err err = { 0 };
    cr_expect(mn_str_eq_cstr(mn_obj_display(test_product, &product_model, "status", arena), "Published"));
    product *newer = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Newer"), "price",
                                     mn_value_cstr("2.00"), "category", mn_value_int(electronics->id), NULL);
    cr_assert(newer, "%s", err.msg);
    product *first = mn_qs_first(mn_qs_all(&product_model, arena), &err);
    cr_expect_eq(first->id, newer->id, "ordering = ['-created_at']");
    cr_expect_str_eq(mn_model_table(&product_model), "products_product");
    cr_expect_str_eq(mn_model_verbose_name_plural(&category_model), "categories");
}

static int saved, deleted;
static int count_saved(const mn_signal_call *call, mn_value *response, mn_err *err)
{
    (void)call, (void)response, (void)err;
    saved++;
    return MN_OK;
}

Test(product_model, cache_invalidation_receivers)
{
    mn_err err = { 0 };
    cr_assert_eq(products_app.ready(&products_app, &err), MN_OK, "%s", err.msg);
    mn_signal_connect(&mn_post_save, count_saved, &(mn_receiver_opts){ .sender = &product_model });
    uint64_t g = products_cache_generation();
    test_product->stock = 3;
    cr_expect_eq(mn_obj_save(test_product, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    cr_expect_eq(products_cache_generation(), g + 1, "post_save invalidates");
    cr_expect_eq(mn_obj_delete(test_product, &product_model, NULL, &err), 1, "%s", err.msg);
    cr_expect_eq(products_cache_generation(), g + 2, "post_delete invalidates");
    mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("X"), "slug", mn_value_cstr("x"), NULL);
    cr_expect_eq(products_cache_generation(), g + 2, "other models do not");
    cr_expect_eq(saved, 1);
    (void)deleted;
}

Test(product_model, seed_data)
{
    mn_err err = { 0 };
    mn_db *fresh;
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), arena, &cfg, &err);
    fresh = mn_db_open(&cfg, &err);
    mn_orm_use(fresh);
    cr_assert_eq(products_create_tables(fresh, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(products_seed(fresh, arena, 200, &err), MN_OK, "%s", err.msg);
    cr_expect_eq(mn_qs_count(mn_qs_all(&category_model, arena), &err), 6);
    cr_expect_eq(mn_qs_count(mn_qs_all(&product_model, arena), &err), 200);
    cr_expect_gt(mn_qs_count(mn_qs_all(&review_model, arena), &err), 50);
    cr_expect_eq(mn_qs_count(mn_qs_all(&order_model, arena), &err), 5);
    cr_expect_eq(mn_qs_count(mn_qs_filter(mn_qs_all(&product_model, arena), "slug", mn_value_cstr("moka-pot-3-cup")),
                             &err), 1);
    /* fixed timestamps, not the clock: the committed fixture is seed's dumpdata */
    mn_datetime when;
    cr_assert_eq(mn_datetime_parse(MN_STR("2026-01-05T09:30:00Z"), &when, &err), MN_OK);
    cr_expect_eq(mn_qs_count(mn_qs_exclude(mn_qs_all(&product_model, arena), "created_at", mn_value_datetime(when)), &err), 0);
    cr_expect_eq(mn_qs_count(mn_qs_exclude(mn_qs_all(&product_model, arena), "updated_at", mn_value_datetime(when)), &err), 0);
    cr_expect_eq(mn_qs_count(mn_qs_exclude(mn_qs_all(&review_model, arena), "created_at", mn_value_datetime(when)), &err), 0);
    cr_expect_eq(mn_qs_count(mn_qs_exclude(mn_qs_all(&order_model, arena), "created_at", mn_value_datetime(when)), &err), 0);
    /* every product valid by full_clean */
    mn_qs *all = mn_qs_all(&product_model, arena);
    for (size_t i = 0; i < mn_qs_len(all); i++)
        cr_expect_eq(mn_obj_full_clean(mn_qs_at(all, i), &product_model, arena, NULL, &err), MN_OK, "%s", err.msg);
    mn_orm_use(db);
    mn_db_close(fresh);
}

/* The guide's N+1 example on the shop's models, seen by the detection:
 * product.category in a loop without select_related, then with it. */
Test(product_model, nplus1_detected_and_cured)
{
    mn_err err = { 0 };
    for (int i = 0; i < 6; i++) {
        category *c = mn_model_create(&category_model, arena, &err, "name",
                                      mn_value_cstr(mn_arena_sprintf(arena, "C%d", i)), "slug",
                                      mn_value_cstr(mn_arena_sprintf(arena, "c%d", i)), NULL);
        cr_assert(c, "%s", err.msg);
        cr_assert(mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Thing"), "price",
                                  mn_value_cstr("1.00"), "category", mn_value_int(c->id), NULL), "%s", err.msg);
    }
    mn_nplus1_tracker *t = mn_nplus1_start(arena, 0);
    mn_qs *products = mn_qs_all(&product_model, arena);
    for (size_t i = 0; i < mn_qs_len(products); i++) /* print(product.category.name) */
        cr_assert(MN_REL(category, mn_qs_at(products, i), &product_model, "category", arena, &err), "%s", err.msg);
    mn_nplus1_stop(t);
    const char *msg = mn_nplus1_message(t);
    cr_assert(msg, "7 products, 7 lazy loads");
    cr_expect(strstr(msg, "7 runs of one query on \"products_category\" while loading product.category lazily"),
              "the relations layer names the relation: %s", msg);
    cr_expect(strstr(msg, ".select_related(\"category\")"), "%s", msg);

    t = mn_nplus1_start(arena, 0);
    products = mn_qs_select_related(mn_qs_all(&product_model, arena), "category", NULL);
    for (size_t i = 0; i < mn_qs_len(products); i++)
        cr_assert(MN_REL(category, mn_qs_at(products, i), &product_model, "category", arena, &err), "%s", err.msg);
    mn_nplus1_stop(t);
    cr_expect_null(mn_nplus1_message(t));
    cr_expect_eq(mn_nplus1_queries(t), 1, "one query with a JOIN");
}
