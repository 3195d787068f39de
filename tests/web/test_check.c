/* System checks: URL patterns, apps, settings, and the report format. */
#include "web_test.h"

static mn_response *v(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_new(req, 200);
}

static mn_arena *arena;
static mn_settings settings;
static void setup(void)
{
    arena = mn_arena_new("test", 0);
    settings = mn_settings_defaults();
    settings.SECRET_KEY = "a-long-enough-secret-key-for-the-checks-0123456789-abcdefghijkl";
    settings.DEBUG = true;
}
static void teardown(void) { mn_arena_free(arena); }
TestSuite(check, .init = setup, .fini = teardown);

static const mn_check_message *find(const mn_check_list *l, const char *id)
{
    for (size_t i = 0; i < l->len; i++)
        if (!strcmp(l->items[i].id, id))
            return &l->items[i];
    return NULL;
}

Test(check, url_warnings_with_django_messages)
{
    static const mn_url_pattern inner[] = { MN_PATH("x/", v, "x"), MN_URL_END };
    static const mn_urlconf inner_conf = { .app_name = "blog", .patterns = inner };
    static const mn_url_pattern p[] = {
        MN_PATH("/products", v, "products"),
        MN_PATH("^archive/$", v, NULL),
        MN_PATH("a/", v, "bad:name"),
        MN_RE_PATH("^/legacy$", v, NULL),
        MN_PATH("/ok/", v, NULL),
        MN_INCLUDE("blog/", &inner_conf, NULL),
        MN_INCLUDE("blog2/", &inner_conf, NULL),
        MN_URL_END
    };
    static const mn_urlconf conf = { .patterns = p };
    mn_check_list l = { 0 };
    cr_assert_eq(mn_urls_check(&conf, &settings, arena, &l), MN_OK);
    const mn_check_message *m = find(&l, "urls.W002");
    cr_assert(m);
    cr_assert_str_eq(m->msg, "Your URL pattern '/products' [name='products'] has a route beginning with a "
                             "'/'. Remove this slash as it is unnecessary. If this pattern is targeted in "
                             "an include(), ensure the include() pattern has a trailing '/'.");
    m = find(&l, "2_0.W001");
    cr_assert(m);
    cr_assert_str_eq(m->msg, "Your URL pattern '^archive/$' has a route that contains '(?P<', begins with "
                             "a '^', or ends with a '$'. This was likely an oversight when migrating to "
                             "django.urls.path().");
    m = find(&l, "urls.W003");
    cr_assert(m);
    cr_assert_str_eq(m->msg, "Your URL pattern 'a/' [name='bad:name'] has a name including a ':'. Remove "
                             "the colon, to avoid ambiguous namespace references.");
    m = find(&l, "urls.W005");
    cr_assert(m);
    cr_assert_str_eq(m->msg, "URL namespace 'blog' isn't unique. You may not be able to reverse all URLs "
                             "in this namespace");
    size_t w002 = 0;
    for (size_t i = 0; i < l.len; i++)
        w002 += !strcmp(l.items[i].id, "urls.W002");
    cr_assert_eq(w002, 2, "'/products' and '^/legacy$'; '/ok/' ends with a slash");
    settings.APPEND_SLASH = false;
    mn_check_list l2 = { 0 };
    mn_urls_check(&conf, &settings, arena, &l2);
    cr_assert_null(find(&l2, "urls.W002"));
}

Test(check, broken_patterns_are_errors)
{
    static const mn_url_pattern p[] = { MN_RE_PATH("^(unclosed/$", v, NULL), MN_URL_END };
    static const mn_urlconf conf = { .patterns = p };
    mn_check_list l = { 0 };
    mn_urls_check(&conf, &settings, arena, &l);
    const mn_check_message *m = find(&l, "urls.E004");
    cr_assert(m);
    cr_assert_eq(m->level, MN_CHECK_ERROR);
}

Test(check, project_checks_apps_and_settings)
{
    static const mn_app a1 = { .name = "shop.products", .label = "products" };
    static const mn_app a2 = { .name = "other.products", .label = "products" };
    static const mn_app *const apps[] = { &a1, &a2, NULL };
    static const mn_url_pattern p[] = { MN_PATH("", v, "home"), MN_URL_END };
    static const mn_urlconf conf = { .patterns = p };
    mn_project proj = { .name = "t", .apps = apps, .urlconf = &conf };
    settings.SECRET_KEY = "";
    mn_check_list l = { 0 };
    cr_assert_eq(mn_project_check(&proj, &settings, false, arena, &l), MN_OK);
    cr_assert(find(&l, "manouche.E001"));
    cr_assert(find(&l, "settings.E001"), "empty SECRET_KEY");
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    cr_assert(mn_check_report(&l, &b));
    const char *out = mn_buf_cstr(&b);
    cr_assert(strstr(out, "SystemCheckError: System check identified some issues:\n\nERRORS:\n?: ("), "%s", out);
    cr_assert(strstr(out, "\n\nSystem check identified 2 issues (0 silenced).\n"), "%s", out);
}

Test(check, report_format)
{
    mn_check_list empty = { 0 };
    mn_buf b;
    mn_buf_init(&b, arena, 0);
    cr_assert(!mn_check_report(&empty, &b));
    cr_assert_str_eq(mn_buf_cstr(&b), "System check identified no issues (0 silenced).\n");
    mn_check_message w = { .level = MN_CHECK_WARNING, .id = "urls.W002", .msg = "m", .hint = "h" };
    mn_check_list one = { .items = &w, .len = 1 };
    mn_buf_reset(&b);
    cr_assert(!mn_check_report(&one, &b));
    cr_assert_str_eq(mn_buf_cstr(&b), "System check identified some issues:\n\nWARNINGS:\n?: (urls.W002) m\n"
                                      "\tHINT: h\n\nSystem check identified 1 issue (0 silenced).\n");
}
