/* apps.py and urls.py of the products app. */
#include "products/products.h"

mn_response *product_list(mn_request *req, const mn_url_args *args);
mn_response *product_detail(mn_request *req, const mn_url_args *args);
mn_response *api_product_list(mn_request *req, const mn_url_args *args);
mn_response *api_product_detail(mn_request *req, const mn_url_args *args);

static const mn_url_pattern product_patterns[] = {
    MN_PATH("", product_list, "list"),
    MN_PATH("<int:pk>/", product_detail, "detail"),
    MN_URL_END
};
const mn_urlconf products_urls = { .app_name = "products", .patterns = product_patterns };

static const mn_url_pattern api_patterns[] = {
    MN_PATH("products/", api_product_list, "product-list"),
    MN_PATH("products/<int:pk>/", api_product_detail, "product-detail"),
    MN_URL_END
};
const mn_urlconf products_api_urls = { .app_name = "api", .patterns = api_patterns };

/* A management command of the app: ./manage stock_report [--low N] */
static int stock_report(mn_command_ctx *ctx)
{
    int64_t low = mn_command_has(ctx, "low") ? mn_command_int(ctx, "low") : 10;
    int n = 0;
    for (size_t i = 0; i < n_products; i++) {
        if (products[i].stock > low)
            continue;
        mn_command_out(ctx, products[i].stock ? MN_STYLE_WARNING : MN_STYLE_ERROR, "%-32s %d in stock",
                       products[i].name, products[i].stock);
        n++;
    }
    mn_command_out(ctx, MN_STYLE_SUCCESS, "%d product%s at or below %lld", n, n == 1 ? "" : "s",
                   (long long)low);
    return 0;
}

static const mn_command_arg stock_report_args[] = {
    MN_ARG_OPTION("--low", MN_ARG_INT, "Stock level considered low (default 10)"),
    MN_ARG_END
};
static const mn_command stock_report_command = {
    .name = "stock_report",
    .help = "Lists products whose stock is low",
    .args = stock_report_args,
    .handle = stock_report,
};
static const mn_command *const commands[] = { &stock_report_command, NULL };

const mn_app products_app = {
    .name = "shop.products",
    .label = "products",
    .urls = &products_urls,
    .commands = commands,
    .static_dir = "products/static",
    .templates_dir = "products/templates",
};
