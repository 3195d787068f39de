/* The guide's ProductViewTest for the shop, through the test client and the
 * whole project (settings, middleware, URLs, templates). */
#include "shop_test.h"

static mn_test_client *client;

static void setup(void)
{
    shop_db_setup();
    mn_err err = { 0 };
    client = mn_test_client_for_project(&shop_project, shop_test_settings, &err);
    cr_assert(client, "%s", err.msg);
}

static void teardown(void)
{
    mn_test_client_free(client);
    shop_db_teardown();
}

TestSuite(product_views, .init = setup, .fini = teardown);

#define OK(x) cr_expect((x), "%s", err.msg)

Test(product_views, home_leads_to_the_list)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/", NULL);
    OK(mn_test_assert_redirects(client, r, "/products/", 302, 200, &err));
}

Test(product_views, product_list_view)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    cr_assert(r);
    cr_expect_eq(r->status, 200);
    OK(mn_test_assert_contains(r, "Test Product", -1, 200, &err));
    OK(mn_test_assert_template_used(r, "products/product_list.html", &err));
    OK(mn_test_assert_template_used(r, "products/base.html", &err));
    mn_value *total = mn_test_context(r, "total_products");
    cr_assert(total);
    cr_expect_eq(total->u.i, 1);
    /* the middleware ran */
    cr_expect_str_eq(mn_test_header(r, "X-Custom-Header"), "My Value");
    OK(mn_test_assert_no_nplus1(r, &err));
}

Test(product_views, product_detail_view)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/products/test-product/", NULL);
    cr_expect_eq(r->status, 200);
    mn_value *p = mn_test_context(r, "product");
    cr_assert(p);
    product *shown = mn_obj_from_value(*p);
    cr_assert(shown);
    cr_expect_eq(shown->id, test_product->id, "response.context['product'] == self.product");
    OK(mn_test_assert_contains(r, "<h1>Test Product</h1>", 1, 200, &err));
    OK(mn_test_assert_contains(r, "$100.00", -1, 200, &err));
    OK(mn_test_assert_template_used(r, "products/product_detail.html", &err));
    r = mn_test_get(client, "/products/no-such-thing/", NULL);
    cr_expect_eq(r->status, 404);
}

Test(product_views, reviews_on_the_detail_page)
{
    mn_err err = { 0 };
    for (int i = 1; i <= 4; i++)
        cr_assert(mn_model_create(&review_model, arena, &err, "product", mn_value_int(test_product->id), "author",
                                  mn_value_cstr("Ana"), "rating", mn_value_int(i + 1), "comment",
                                  mn_value_cstr("Works <well>"), NULL), "%s", err.msg);
    mn_test_response *r = mn_test_get(client, "/products/test-product/", NULL);
    OK(mn_test_assert_contains(r, "3.5 / 5</span> from 4 reviews", 1, 200, &err));
    OK(mn_test_assert_contains(r, "Works &lt;well&gt;", 4, 200, &err));
}

Test(product_views, search_and_category_filter)
{
    mn_err err = { 0 };
    category *tea = mn_model_create(&category_model, arena, &err, "name", mn_value_cstr("Tea"), "slug",
                                    mn_value_cstr("tea"), NULL);
    cr_assert(mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Green Tea"), "price",
                              mn_value_cstr("5.00"), "status", mn_value_cstr("published"), "category",
                              mn_value_int(tea->id), NULL), "%s", err.msg);
    cr_assert(mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Draft Tea"), "price",
                              mn_value_cstr("5.00"), "category", mn_value_int(tea->id), NULL), "%s", err.msg);
    mn_map *q = mn_map_new(arena, 2);
    mn_map_set_cstr(q, "q", mn_value_cstr("tea"));
    mn_test_response *r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "Green Tea", -1, 200, &err));
    OK(mn_test_assert_not_contains(r, "Test Product</span>", 200, &err));
    OK(mn_test_assert_not_contains(r, "Draft Tea", 200, &err)); /* drafts are not listed */
    mn_map_set_cstr(q, "q", mn_value_cstr(""));
    mn_map_set_cstr(q, "category", mn_value_cstr("electronics"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "Test Product", -1, 200, &err));
    OK(mn_test_assert_not_contains(r, "Green Tea", 200, &err));
    mn_map_set_cstr(q, "category", mn_value_cstr("nope"));
    r = mn_test_get(client, "/products/", q);
    cr_expect_eq(r->status, 404);
}

Test(product_views, pagination_by_25)
{
    mn_err err = { 0 };
    for (int i = 0; i < 59; i++)
        cr_assert(mn_model_create(&product_model, arena, &err, "name",
                                  mn_value_cstr(mn_arena_sprintf(arena, "Gadget %02d", i)), "price",
                                  mn_value_cstr("9.99"), "status", mn_value_cstr("published"), "category",
                                  mn_value_int(electronics->id), NULL), "%s", err.msg);
    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    OK(mn_test_assert_contains(r, "href=\"?page=2\"", -1, 200, &err));
    OK(mn_test_assert_contains(r, "showing 1&ndash;25 of 60", 1, 200, &err));
    OK(mn_test_assert_contains(r, "class=\"card\"", 25, 200, &err));
    mn_value *page = mn_test_context(r, "page_obj");
    cr_assert(page);
    mn_map *q = mn_map_new(arena, 1);
    mn_map_set_cstr(q, "page", mn_value_cstr("3"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "showing 51&ndash;60 of 60", 1, 200, &err));
    OK(mn_test_assert_contains(r, "class=\"card\"", 10, 200, &err));
    /* The guide's Pagination Deep Dive: not an integer -> first page, out of range -> last. */
    mn_map_set_cstr(q, "page", mn_value_cstr("abc"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "aria-current=\"page\">1<", 1, 200, &err));
    mn_map_set_cstr(q, "page", mn_value_cstr("99"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "aria-current=\"page\">3<", 1, 200, &err));
    mn_map_set_cstr(q, "page", mn_value_cstr("0"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "aria-current=\"page\">3<", 1, 200, &err));
}

Test(product_views, list_queries_do_not_grow_with_the_page)
{
    /* No N+1: the list runs the same queries for 1 product or 25. */
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    size_t one = r->nqueries;
    for (int i = 0; i < 30; i++)
        mn_model_create(&product_model, arena, &err, "name", mn_value_cstr(mn_arena_sprintf(arena, "P%d", i)), "price",
                        mn_value_cstr("1.00"), "status", mn_value_cstr("published"), "category",
                        mn_value_int(electronics->id), NULL);
    r = mn_test_get(client, "/products/", NULL);
    OK(mn_test_assert_num_queries(r, one, &err));
    OK(mn_test_assert_no_nplus1(r, &err));
}

Test(product_views, delete_requires_post)
{
    mn_err err = { 0 };
    const char *url = mn_arena_sprintf(arena, "/products/%lld/delete/", (long long)test_product->id);
    mn_test_response *r = mn_test_get(client, url, NULL);
    cr_expect_eq(r->status, 405);
    cr_expect_str_eq(mn_test_header(r, "Allow"), "POST");
    cr_expect_eq(mn_qs_count(mn_qs_all(&product_model, arena), &err), 1);
    r = mn_test_post(client, url, NULL);
    OK(mn_test_assert_redirects(client, r, "/products/", 302, 200, &err));
    cr_expect_eq(mn_qs_count(mn_qs_all(&product_model, arena), &err), 0);
    r = mn_test_post(client, url, NULL);
    cr_expect_eq(r->status, 404);
}

Test(product_views, ordered_products_are_protected)
{
    mn_err err = { 0 };
    order *o = mn_model_create(&order_model, arena, &err, "customer_name", mn_value_cstr("Ana"), "email",
                               mn_value_cstr("ana@example.com"), NULL);
    cr_assert(o, "%s", err.msg);
    cr_assert(mn_model_create(&order_item_model, arena, &err, "order", mn_value_int(o->id), "product",
                              mn_value_int(test_product->id), "quantity", mn_value_int(2), "price",
                              mn_value_cstr("100.00"), NULL), "%s", err.msg);
    mn_test_response *r = mn_test_post(client, mn_arena_sprintf(arena, "/products/%lld/delete/",
                                                                 (long long)test_product->id), NULL);
    cr_expect_eq(r->status, 409);
    OK(mn_test_assert_contains(r, "has been ordered", 1, 409, &err));
    OK(mn_test_assert_contains(r, "protected", -1, 409, &err));
    cr_expect_eq(mn_qs_count(mn_qs_all(&product_model, arena), &err), 1);
}

Test(product_views, json_api_from_values)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/api/products/", NULL);
    cr_expect_eq(r->status, 200);
    mn_value v;
    cr_assert_eq(mn_json_loads(arena, r->content, NULL, &v, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(v.type, MN_VALUE_LIST);
    cr_assert_eq(mn_list_len(v.u.list), 1);
    mn_map *p = mn_list_get(v.u.list, 0).u.map;
    cr_expect_eq(mn_map_len(p), 5);
    cr_expect(mn_str_eq_cstr(mn_map_get_cstr(p, "price").u.s, "100.00"), "decimals as strings");
    cr_expect(mn_str_eq_cstr(mn_map_get_cstr(p, "slug").u.s, "test-product"));
    r = mn_test_get(client, mn_arena_sprintf(arena, "/api/products/%lld/", (long long)test_product->id), NULL);
    OK(mn_test_assert_contains(r, "\"category\": 1", 1, 200, &err));
    r = mn_test_get(client, "/api/products/999/", NULL);
    OK(mn_test_assert_contains(r, "{\"detail\": \"Not found.\"}", 1, 404, &err));
    OK(mn_test_assert_num_queries(r, 1, &err));
}

Test(product_views, tags_many_to_many)
{
    mn_err err = { 0 };
    tag *featured = mn_model_create(&tag_model, arena, &err, "name", mn_value_cstr("Featured"), "slug",
                                    mn_value_cstr("featured"), NULL);
    tag *fresh = mn_model_create(&tag_model, arena, &err, "name", mn_value_cstr("New"), "slug", mn_value_cstr("new"),
                                 NULL);
    cr_assert(featured && fresh, "%s", err.msg);
    product *other = mn_model_create(&product_model, arena, &err, "name", mn_value_cstr("Other Thing"), "price",
                                     mn_value_cstr("3.00"), "status", mn_value_cstr("published"), "category",
                                     mn_value_int(electronics->id), NULL);
    cr_assert(other, "%s", err.msg);
    /* product.tags.add(tag1, tag2) */
    void *both[] = { featured, fresh };
    cr_assert_eq(mn_rel_add(test_product, &product_model, "tags", both, 2, &err), MN_OK, "%s", err.msg);
    cr_assert_eq(mn_rel_add(other, &product_model, "tags", both + 1, 1, &err), MN_OK, "%s", err.msg);
    cr_expect_eq(mn_qs_count(mn_rel_all(featured, &tag_model, "products", arena), &err), 1, "tag.products.all()");

    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    /* the sidebar lists every tag once, the cards their own */
    OK(mn_test_assert_contains(r, "<a class=\"tag\" href=\"?tag=featured\">Featured</a>", 2, 200, &err));
    OK(mn_test_assert_contains(r, "<a class=\"tag\" href=\"?tag=new\">New</a>", 3, 200, &err));
    size_t queries = r->nqueries;
    mn_map *q = mn_map_new(arena, 1);
    mn_map_set_cstr(q, "tag", mn_value_cstr("featured"));
    r = mn_test_get(client, "/products/", q);
    OK(mn_test_assert_contains(r, "Test Product", -1, 200, &err));
    OK(mn_test_assert_not_contains(r, "Other Thing", 200, &err));
    OK(mn_test_assert_num_queries(r, queries + 1, &err)); /* + the tag lookup */
    mn_map_set_cstr(q, "tag", mn_value_cstr("missing"));
    r = mn_test_get(client, "/products/", q);
    cr_expect_eq(r->status, 404);

    r = mn_test_get(client, "/products/test-product/", NULL);
    OK(mn_test_assert_contains(r, ">Featured</a>", 1, 200, &err));
    /* product.tags.remove(tag1): gone from the page */
    cr_assert_eq(mn_rel_remove(test_product, &product_model, "tags", both, 1, &err), MN_OK, "%s", err.msg);
    r = mn_test_get(client, "/products/test-product/", NULL);
    OK(mn_test_assert_not_contains(r, ">Featured</a>", 200, &err));
    OK(mn_test_assert_no_nplus1(r, &err));
}

/* The guide's cache invalidation: the JSON API keeps 'all_products' and
 * 'product_<id>' in the cache; the post_save receiver deletes them. */
Test(product_views, json_api_cached_and_invalidated)
{
    mn_err err = { 0 };
    mn_test_response *r = mn_test_get(client, "/api/products/", NULL);
    OK(mn_test_assert_contains(r, "\"Test Product\"", 1, 200, &err));
    r = mn_test_get(client, "/api/products/", NULL);
    OK(mn_test_assert_contains(r, "\"Test Product\"", 1, 200, &err));
    OK(mn_test_assert_num_queries(r, 0, &err)); /* from the cache */
    const char *detail = mn_arena_sprintf(arena, "/api/products/%lld/", (long long)test_product->id);
    mn_test_get(client, detail, NULL);
    r = mn_test_get(client, detail, NULL);
    OK(mn_test_assert_num_queries(r, 0, &err));
    test_product->name = MN_STR("Renamed Product");
    cr_assert_eq(mn_obj_save(test_product, &product_model, NULL, NULL, &err), MN_OK, "%s", err.msg);
    r = mn_test_get(client, "/api/products/", NULL);
    OK(mn_test_assert_contains(r, "\"Renamed Product\"", 1, 200, &err));
    r = mn_test_get(client, detail, NULL);
    OK(mn_test_assert_contains(r, "\"Renamed Product\"", 1, 200, &err));
    /* a search is never served from the cache */
    r = mn_test_get(client, "/api/products/?q=nothing", NULL);
    OK(mn_test_assert_contains(r, "[]", 1, 200, &err));
}
