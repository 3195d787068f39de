/* The welcome page of a new project (Django's default_urlconf). */
#include "web_test.h"

static mn_arena *arena;
static mn_settings settings;

static void setup(void)
{
    arena = mn_arena_new("test", 0);
    settings = mn_settings_defaults();
    settings.DEBUG = true;
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
}

static void teardown(void)
{
    mn_arena_free(arena);
}

TestSuite(welcome, .init = setup, .fini = teardown);

static mn_response *get(const mn_urlconf *urls, const char *path)
{
    mn_err err = { 0 };
    mn_site_config c = { .settings = &settings, .urlconf = urls };
    mn_site *site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
    mn_response *r = mn_site_handle(site, web_request(arena, "GET", path, NULL));
    mn_site_free(site);
    return r;
}

static const mn_url_pattern empty_patterns[] = { MN_URL_END };
static const mn_urlconf empty_urls = { .patterns = empty_patterns };

Test(welcome, empty_urlconf_in_debug)
{
    mn_response *r = get(&empty_urls, "/");
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert(web_body_has(r, "The install worked successfully! Congratulations!"));
    cr_assert(web_header_is(r, "Content-Type", "text/html; charset=utf-8"));
    /* Django shows it for any path while the URLconf is empty. */
    r = get(&empty_urls, "/anything/");
    cr_assert_eq(mn_response_status(r), 200);
}

Test(welcome, not_without_debug)
{
    settings.DEBUG = false;
    settings.ALLOWED_HOSTS = (mn_strlist)MN_STRLIST("localhost");
    mn_response *r = get(&empty_urls, "/");
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert_not(web_body_has(r, "Congratulations"));
}

static mn_response *view(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, NULL, MN_STR("hello"));
}
static const mn_url_pattern admin_patterns[] = { MN_PATH("login/", view, "login"), MN_URL_END };
static const mn_urlconf admin_urls = { .app_name = "admin", .patterns = admin_patterns };
static const mn_url_pattern only_admin[] = { MN_INCLUDE("admin/", &admin_urls, NULL), MN_URL_END };
static const mn_urlconf only_admin_urls = { .patterns = only_admin };
static const mn_url_pattern some[] = { MN_PATH("about/", view, "about"), MN_URL_END };
static const mn_urlconf some_urls = { .patterns = some };

Test(welcome, only_admin_shows_it_at_the_root)
{
    cr_assert_eq(mn_response_status(get(&only_admin_urls, "/")), 200);
    cr_assert(web_body_has(get(&only_admin_urls, "/"), "Congratulations"));
    /* Elsewhere it is the technical 404. */
    mn_response *r = get(&only_admin_urls, "/nope/");
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert_not(web_body_has(r, "Congratulations"));
}

Test(welcome, routes_give_the_technical_404)
{
    mn_response *r = get(&some_urls, "/");
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "Page not found"));
    cr_assert_eq(mn_response_status(get(&some_urls, "/about/")), 200);
}
