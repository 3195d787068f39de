/* docs/testing.md: the guide's ProductViewTest with the test client, and
 * assertNumQueries. Runs without a test framework: the assertions return
 * false with Django's message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <manouche.h>

typedef struct product {
    mn_obj mn;
    int64_t id;
    mn_str name;
    mn_str slug;
} product;
static const mn_field product_fields[] = {
    MN_FIELD_BIGAUTO(product, id),
    MN_FIELD_CHAR(product, name, .max_length = 200),
    MN_FIELD_SLUG(product, slug, .unique = true),
    MN_FIELD_END,
};
static mn_model product_model = MN_MODEL(product, "products", "Product", product_fields,
                                         .meta = { .ordering = MN_NAMES("name") });

static mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 1);
    mn_value products;
    if (mn_qs_to_value(mn_qs_all(&product_model, mn_request_arena(req)), &products, NULL))
        return NULL;
    mn_map_set_cstr(ctx, "products", products);
    return mn_render(req, "products/list.html", ctx);
}

static mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    mn_value slug = mn_url_arg(args, "slug");
    mn_response *resp;
    mn_qs *qs = mn_qs_filter(mn_qs_all(&product_model, mn_request_arena(req)), "slug", slug);
    product *p = mn_get_object_or_404(req, qs, &resp);
    if (!p)
        return resp;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 1);
    mn_map_set_cstr(ctx, "product", mn_obj_value(p, &product_model));
    return mn_render(req, "products/detail.html", ctx);
}

static const mn_url_pattern patterns[] = {
    MN_PATH("products/", product_list, "list"),
    MN_PATH("products/<slug:slug>/", product_detail, "detail"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static int failures;
#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "line %d: %s\n", __LINE__, err.msg);            \
            failures++;                                                     \
        }                                                                   \
    } while (0)

int main(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    mn_arena *a = mn_arena_new("example", 0);
    mn_err err = { 0 };
    /* the test database */
    mn_db_config cfg;
    mn_dburl_parse(MN_STR("sqlite://:memory:"), a, &cfg, &err);
    mn_db *db = mn_db_open(&cfg, &err);
    mn_orm_use(db);
    mn_model_create_table(&product_model, db, &err);
    /* templates (a project finds them in its apps' templates directories) */
    char dir[] = "/tmp/mn-doc-testing-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char path[128];
    snprintf(path, sizeof path, "%s/products", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/products/list.html", dir);
    FILE *f = fopen(path, "w");
    fputs("{% for p in products %}<li>{{ p.name }}</li>{% endfor %}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/products/detail.html", dir);
    f = fopen(path, "w");
    fputs("<h1>{{ product.name }}</h1>", f);
    fclose(f);
    mn_template_engine *engine = mn_template_engine_new(NULL);
    mn_template_engine_add_dir(engine, dir);
    mn_settings settings = mn_settings_defaults();
    mn_site_config sc = { .settings = &settings, .urlconf = &urls, .templates = engine };
    mn_site *site = mn_site_new(&sc, &err);

    /* setUp */
    product *p = mn_model_create(&product_model, a, &err, "name", mn_value_cstr("Test Product"), "slug",
                                 mn_value_cstr("test-product"), NULL);
    mn_test_client *client = mn_test_client_new(site);

    /* test_product_list_view */
    mn_test_response *r = mn_test_get(client, "/products/", NULL);
    CHECK(r->status == 200);
    CHECK(mn_test_assert_contains(r, "Test Product", -1, 200, &err));
    CHECK(mn_test_assert_template_used(r, "products/list.html", &err));
    CHECK(mn_test_assert_num_queries(r, 1, &err));

    /* test_product_detail_view: response.context['product'] == self.product */
    r = mn_test_get(client, "/products/test-product/", NULL);
    CHECK(r->status == 200);
    mn_value *shown = mn_test_context(r, "product");
    CHECK(shown && ((product *)mn_obj_from_value(*shown))->id == p->id);
    r = mn_test_get(client, "/products/nothing-here/", NULL);
    CHECK(r->status == 404);

    /* with self.assertNumQueries(1): */
    mn_test_queries *q = mn_test_queries_start(a);
    mn_qs_count(mn_qs_all(&product_model, a), &err);
    CHECK(mn_test_queries_assert(q, 1, &err));

    /* A failing assertion explains itself. */
    if (!mn_test_assert_contains(r, "Test Product", -1, 200, &err))
        printf("%s\n", err.msg);
    CHECK(strstr(err.msg, "Response code was 404 (expected 200)"));

    snprintf(path, sizeof path, "%s/products/list.html", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/products/detail.html", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/products", dir);
    rmdir(path);
    rmdir(dir);
    mn_test_client_free(client);
    mn_site_free(site);
    mn_template_engine_free(engine);
    mn_orm_use(NULL);
    mn_db_close(db);
    mn_arena_free(a);
    return failures ? 1 : 0;
}
