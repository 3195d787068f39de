/* settings.py: INSTALLED_APPS, MIDDLEWARE, ROOT_URLCONF, the base settings
 * and the development/production variants. Deployment values come from the
 * environment or BASE_DIR/.env; MANOUCHE_SETTINGS picks the variant. */
#include "shop/shop.h"
#include "products/products.h"

MN_SETTINGS_DEFINE(base,
    .BASE_DIR = SHOP_SOURCE_DIR,
    .DATABASE_URL = "sqlite:///db.sqlite3",
    .TIME_ZONE = "UTC",
    .STATIC_URL = "/static/",
    .MEDIA_URL = "/media/",
    .LOG_LEVEL = "INFO",
);

static void development(mn_settings *s)
{
    static const char *const hosts[] = { "localhost", "127.0.0.1", "[::1]" };
    s->DEBUG = true;
    s->SECRET_KEY = "django-insecure-shop-development-key-change-me-in-production";
    s->ALLOWED_HOSTS = MN_STRLIST_OF(hosts);
}

static void production(mn_settings *s)
{
    /* SECRET_KEY and ALLOWED_HOSTS come from the environment. */
    s->DEBUG = false;
    s->SECURE_HSTS_SECONDS = 31536000;
    s->SECURE_HSTS_INCLUDE_SUBDOMAINS = true;
    s->SECURE_HSTS_PRELOAD = true;
    s->SESSION_COOKIE_SECURE = true;
    s->CSRF_COOKIE_SECURE = true;
}

static const mn_settings_variant variants[] = {
    { .name = "development", .apply = development },
    { .name = "production", .apply = production, .production = true },
};

static const mn_app *const installed_apps[] = { &products_app, NULL };

/* Order matters: requests go down this list, responses come back up. */
static const mn_middleware *const middleware[] = {
    &mn_gzip_middleware,
    &mn_security_middleware,
    &mn_conditional_get_middleware,
    &mn_common_middleware,
    &mn_xframe_options_middleware,
    &shop_request_logging_middleware,
    &shop_custom_header_middleware,
    NULL,
};

/* runserver rebuilds with this command when a source file changes. */
static const char *const watch[] = { ".", NULL };

const mn_project shop_project = {
    .name = "shop",
    .apps = installed_apps,
    .urlconf = &shop_urls,
    .middleware = middleware,
    .settings = {
        .base = &base,
        .variants = variants,
        .n_variants = 2,
        .default_variant = "development",
    },
    .build_command = "ninja -C " SHOP_BUILD_ROOT " examples/shop/manage",
    .watch_dirs = watch,
};
