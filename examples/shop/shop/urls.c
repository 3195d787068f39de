/* urls.py: the root URL configuration. */
#include "shop/shop.h"
#include "products/products.h"

static const mn_url_pattern root_patterns[] = {
    MN_PATH("", shop_home, "home"),
    MN_INCLUDE("products/", &products_urls, NULL),
    MN_INCLUDE("api/", &products_api_urls, NULL),
    MN_URL_END
};

const mn_urlconf shop_urls = { .patterns = root_patterns };
