/* docs/project.md: a whole project (apps, URLs, middleware, settings) and
 * its ./manage main, driven here with fixed command lines. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

/* ---- products/views.c ---- */
static mn_response *product_list(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, NULL, MN_STR("<h1>Products</h1>"));
}

/* ---- products/urls.c ---- */
static const mn_url_pattern product_patterns[] = {
    MN_PATH("", product_list, "list"),
    MN_URL_END
};
static const mn_urlconf products_urls = { .app_name = "products", .patterns = product_patterns };

/* ---- products/management/commands/count_products.c ---- */
static int count_products(mn_command_ctx *ctx)
{
    mn_command_out(ctx, MN_STYLE_SUCCESS, "3 products");
    return 0;
}
static const mn_command count_command = { .name = "count_products", .help = "Counts the products",
                                          .handle = count_products };
static const mn_command *const product_commands[] = { &count_command, NULL };

/* ---- products/apps.c ---- */
static int ready_called;
static int products_ready(const mn_app *app, mn_err *err)
{
    (void)app;
    (void)err;
    ready_called = 1; /* connect signal receivers, mark views */
    return MN_OK;
}
static const mn_app products_app = {
    .name = "shop.products",
    .label = "products",
    .urls = &products_urls,
    .commands = product_commands,
    .static_dir = "products/static",
    .ready = products_ready,
};

/* ---- shop/urls.c ---- */
static const mn_url_pattern root_patterns[] = {
    MN_INCLUDE("products/", &products_urls, NULL),
    MN_URL_END
};
static const mn_urlconf root_urls = { .patterns = root_patterns };

/* ---- shop/settings.c ---- */
MN_SETTINGS_DEFINE(base, .ALLOWED_HOSTS = MN_STRLIST("localhost"), .LOG_LEVEL = "WARNING");
static void development(mn_settings *s)
{
    s->DEBUG = true;
    s->SECRET_KEY = "django-insecure-development-only-0123456789-abcdefghijklmnop";
}
static const mn_settings_variant variants[] = { { .name = "development", .apply = development } };
static const mn_app *const installed_apps[] = { &products_app, NULL };
static const mn_middleware *const middleware[] = {
    &mn_security_middleware, &mn_common_middleware, &mn_xframe_options_middleware, NULL,
};

static const mn_project shop_project = {
    .name = "shop",
    .apps = installed_apps,
    .urlconf = &root_urls,
    .middleware = middleware,
    .settings = { .base = &base, .variants = variants, .n_variants = 1,
                  .default_variant = "development", .env_file = "" },
};

/* ---- manage.c: int main(int argc, char **argv) { return mn_manage_main(&shop_project, argc, argv); } */
int main(void)
{
    char *check[] = { "manage", "check", NULL };
    int rc = mn_manage_main(&shop_project, 2, check);
    assert(rc == 0);
    assert(ready_called);

    char *custom[] = { "manage", "count_products", NULL };
    assert(mn_manage_main(&shop_project, 2, custom) == 0);

    char *unknown[] = { "manage", "count_product", NULL };
    assert(mn_manage_main(&shop_project, 2, unknown) != 0);
    return 0;
}
