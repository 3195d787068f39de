/* cache_page, vary_on_*, never_cache, cache_control and the cache
 * middleware through the test client. Expected headers and keys are
 * Django 3.2's (python3-django's RequestFactory on the same views). */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"

static mn_arena *arena;
static mn_settings settings;
static mn_site *site;
static mn_test_client *client;
static mn_template_engine *engine;
static char tpl_dir[32];
static int calls;

static mn_response *counter_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    calls++;
    return mn_response_text(req, 200, NULL,
                            mn_str_from(mn_arena_sprintf(mn_request_arena(req), "n=%d", calls)));
}
MN_VARY_ON_HEADERS(varied, counter_impl, "Accept-Language", "X-Thing")
MN_CACHE_PAGE(cached, varied, .timeout = 60)
MN_VARY_ON_COOKIE(per_cookie_impl, counter_impl)
MN_CACHE_PAGE(per_cookie, per_cookie_impl, .timeout = 60, .key_prefix = "site1")

static mn_response *missing_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    calls++;
    return mn_response_not_found(req, MN_STR("gone"));
}
MN_CACHE_PAGE(missing, missing_impl, .timeout = 60)

static mn_response *private_impl(mn_request *req, const mn_url_args *args)
{
    mn_response *r = counter_impl(req, args);
    mn_response_set_header_cstr(r, "Cache-Control", "private");
    return r;
}
MN_CACHE_PAGE(private_page, private_impl, .timeout = 60)

static mn_response *cookie_impl(mn_request *req, const mn_url_args *args)
{
    mn_response *r = counter_impl(req, args);
    mn_response_set_cookie(r, "seen", MN_STR("1"), NULL);
    return r;
}
MN_VARY_ON_COOKIE(cookie_vary, cookie_impl)
MN_CACHE_PAGE(sets_cookie, cookie_vary, .timeout = 60)

static mn_response *template_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    calls++;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 1);
    mn_map_set_cstr(ctx, "n", mn_value_int(calls));
    return mn_render(req, "page.html", ctx);
}
MN_CACHE_PAGE(templated, template_impl, .timeout = 30)

MN_NEVER_CACHE(never, counter_impl)
MN_CACHE_CONTROL(controlled, counter_impl, "max_age=3600", "public")

static const mn_url_pattern patterns[] = {
    MN_PATH("cached/", cached, "cached"),
    MN_PATH("cookie/", per_cookie, "cookie"),
    MN_PATH("missing/", missing, "missing"),
    MN_PATH("private/", private_page, "private"),
    MN_PATH("sets-cookie/", sets_cookie, "sets-cookie"),
    MN_PATH("template/", templated, "template"),
    MN_PATH("never/", never, "never"),
    MN_PATH("controlled/", controlled, "controlled"),
    MN_PATH("plain/", counter_impl, "plain"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static void make_site(const mn_middleware *const *middleware)
{
    mn_err err = { 0 };
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .templates = engine, .middleware = middleware };
    site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
    client = mn_test_client_new(site);
}

static void setup(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    arena = mn_arena_new("test", 0);
    settings = mn_settings_defaults();
    mn_settings_set_current(&settings);
    static const mn_cache_config caches[] = { { .alias = "default", .BACKEND = "locmem", .LOCATION = "views" } };
    mn_err err = { 0 };
    cr_assert_eq(mn_caches_configure(caches, 1, &err), MN_OK, "%s", err.msg);
    mn_cache_clear(mn_cache_default(), NULL);
    calls = 0;
    engine = mn_template_engine_new(NULL);
    snprintf(tpl_dir, sizeof tpl_dir, "/tmp/mn-cv-XXXXXX");
    cr_assert(mkdtemp(tpl_dir));
    FILE *f = fopen(mn_arena_sprintf(arena, "%s/page.html", tpl_dir), "w");
    fputs("<p>{{ n }}</p>", f);
    fclose(f);
    mn_template_engine_add_dir(engine, tpl_dir);
    make_site(NULL);
}

static void teardown(void)
{
    unlink(mn_arena_sprintf(arena, "%s/page.html", tpl_dir));
    rmdir(tpl_dir);
    mn_test_client_free(client);
    mn_site_free(site);
    mn_template_engine_free(engine);
    mn_caches_shutdown();
    mn_settings_set_current(NULL);
    mn_arena_free(arena);
}

TestSuite(cache_views, .init = setup, .fini = teardown);

static void md5hex(const char *s, char out[33])
{
    unsigned char d[16];
    unsigned int n;
    EVP_Digest(s, strlen(s), d, &n, EVP_md5(), NULL);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static const char *body(const mn_test_response *r)
{
    return mn_str_dup(arena, r->content);
}

Test(cache_views, cache_page_as_django)
{
    mn_test_response *r = mn_test_get(client, "/cached/?a=1", NULL);
    cr_assert_eq(r->status, 200);
    cr_assert_str_eq(body(r), "n=1");
    cr_assert_str_eq(mn_test_header(r, "Vary"), "Accept-Language, X-Thing");
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=60");
    cr_assert_not_null(mn_test_header(r, "Expires"));
    /* Django's keys: the header list and the page */
    char url[33], hdr[33];
    md5hex("http://testserver/cached/?a=1", url);
    md5hex("-,", hdr);
    mn_cache *c = mn_cache_default();
    const char *hk = mn_arena_sprintf(arena, "views.decorators.cache.cache_header..%s.en-us.America/Chicago", url);
    mn_value list;
    cr_assert_eq(mn_cache_get(c, hk, mn_value_null(), arena, &list, NULL), MN_OK, "%s", hk);
    cr_assert_eq(mn_list_len(list.u.list), 1, "Accept-Language is left out with USE_I18N");
    cr_assert(mn_str_eq_cstr(mn_list_get(list.u.list, 0).u.s, "HTTP_X_THING"));
    const char *pk =
        mn_arena_sprintf(arena, "views.decorators.cache.cache_page..GET.%s.%s.en-us.America/Chicago", url, hdr);
    cr_assert_eq(mn_cache_has_key(c, pk, NULL), 1, "%s", pk);
    /* a hit: the view does not run, the headers come back */
    r = mn_test_get(client, "/cached/?a=1", NULL);
    cr_assert_str_eq(body(r), "n=1");
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=60");
    cr_assert_str_eq(mn_test_header(r, "Content-Type"), "text/html; charset=utf-8");
    cr_assert_eq(calls, 1);
    /* HEAD is answered from the GET page */
    mn_test_request head = { .method = "HEAD", .path = "/cached/?a=1" };
    r = mn_test_client_request(client, &head, NULL);
    cr_assert_eq(calls, 1);
    /* another query string, another page; a varying header too */
    r = mn_test_get(client, "/cached/?a=2", NULL);
    cr_assert_str_eq(body(r), "n=2");
    mn_test_client_set_header(client, "X-Thing", "blue");
    r = mn_test_get(client, "/cached/?a=1", NULL);
    cr_assert_str_eq(body(r), "n=3");
    r = mn_test_get(client, "/cached/?a=1", NULL);
    cr_assert_str_eq(body(r), "n=3");
    /* POST is never cached nor answered from the cache */
    r = mn_test_post(client, "/cached/?a=1", NULL);
    cr_assert_str_eq(body(r), "n=4");
}

Test(cache_views, vary_on_cookie_and_prefix)
{
    mn_test_client_set_cookie(client, "sessionid", "alice");
    cr_assert_str_eq(body(mn_test_get(client, "/cookie/", NULL)), "n=1");
    cr_assert_str_eq(body(mn_test_get(client, "/cookie/", NULL)), "n=1");
    mn_test_client_set_cookie(client, "sessionid", "bob");
    cr_assert_str_eq(body(mn_test_get(client, "/cookie/", NULL)), "n=2");
    char url[33];
    md5hex("http://testserver/cookie/", url);
    const char *hk = mn_arena_sprintf(arena, "views.decorators.cache.cache_header.site1.%s.en-us.America/Chicago", url);
    cr_assert_eq(mn_cache_has_key(mn_cache_default(), hk, NULL), 1);
}

Test(cache_views, what_is_not_cached)
{
    mn_test_get(client, "/missing/", NULL);
    mn_test_get(client, "/missing/", NULL);
    cr_assert_eq(calls, 2, "a 404 is not cached");
    mn_test_get(client, "/private/", NULL);
    mn_test_response *r = mn_test_get(client, "/private/", NULL);
    cr_assert_eq(calls, 4, "Cache-Control: private is not cached");
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "private");
    mn_test_get(client, "/sets-cookie/", NULL);
    mn_test_get(client, "/sets-cookie/", NULL);
    cr_assert_eq(calls, 6, "a cookie set with Vary: Cookie is not cached");
}

Test(cache_views, template_response)
{
    mn_test_response *r = mn_test_get(client, "/template/", NULL);
    cr_assert_str_eq(body(r), "<p>1</p>");
    r = mn_test_get(client, "/template/", NULL);
    cr_assert_str_eq(body(r), "<p>1</p>");
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=30");
    cr_assert_eq(calls, 1);
}

Test(cache_views, never_cache_and_cache_control)
{
    mn_test_response *r = mn_test_get(client, "/never/", NULL);
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=0, no-cache, no-store, must-revalidate, private");
    cr_assert_not_null(mn_test_header(r, "Expires"));
    r = mn_test_get(client, "/controlled/", NULL);
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=3600, public");
}

Test(cache_views, middleware_pair)
{
    mn_test_client_free(client);
    mn_site_free(site);
    static const mn_cache_middleware_options opts = { .seconds = 120 };
    static const mn_middleware update = { .name = "update", .call = NULL };
    (void)update;
    static mn_middleware u, f;
    u = mn_update_cache_middleware;
    u.data = &opts;
    f = mn_fetch_from_cache_middleware;
    f.data = &opts;
    static const mn_middleware *mw[3];
    mw[0] = &u, mw[1] = &f, mw[2] = NULL;
    make_site(mw);
    mn_test_response *r = mn_test_get(client, "/plain/", NULL);
    cr_assert_str_eq(body(r), "n=1");
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=120");
    cr_assert_str_eq(body(mn_test_get(client, "/plain/", NULL)), "n=1");
    /* never_cache's max-age=0 keeps it out of the cache */
    mn_test_get(client, "/never/", NULL);
    mn_test_get(client, "/never/", NULL);
    cr_assert_eq(calls, 3);
    /* a page's own max-age wins over seconds */
    r = mn_test_get(client, "/controlled/", NULL);
    cr_assert_str_eq(mn_test_header(r, "Cache-Control"), "max-age=3600, public");
    mn_test_get(client, "/controlled/", NULL);
    cr_assert_eq(calls, 4);
}

/* ---- the header helpers ---- */

static mn_request *fake_request(void)
{
    static const char raw[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    int status = 0;
    mn_request *req = mn_request_from_raw(arena, raw, strlen(raw), NULL, NULL, &status, NULL);
    cr_assert_not_null(req);
    return req;
}

static const char *cc_after(const char *initial, const char *const *d)
{
    mn_response *r = mn_response_new(fake_request(), 200);
    if (initial)
        mn_response_set_header_cstr(r, "Cache-Control", initial);
    cr_assert_eq(mn_patch_cache_control(r, d), MN_OK);
    mn_str v;
    cr_assert(mn_response_header(r, "Cache-Control", &v));
    return mn_str_dup(arena, v);
}

Test(cache_views, patch_cache_control_as_django)
{
    const char *d1[] = { "max_age=50", "public", "no_cache", NULL };
    cr_assert_str_eq(cc_after("max-age=100, private, no-cache=Set-Cookie", d1), "max-age=50, no-cache, public");
    const char *d2[] = { "max_age=50", "no_store", NULL };
    cr_assert_str_eq(cc_after("max-age=10", d2), "max-age=10, no-store");
    const char *d3[] = { "private", NULL };
    cr_assert_str_eq(cc_after("public, max-age=5", d3), "max-age=5, private");
    const char *bad[] = { "max_age=soon", NULL };
    mn_response *r = mn_response_new(fake_request(), 200);
    cr_assert_eq(mn_patch_cache_control(r, bad), MN_EINVAL);
    int64_t age;
    mn_response_set_header_cstr(r, "Cache-Control", "public, max-age=77");
    cr_assert_eq(mn_get_max_age(r, &age), MN_OK);
    cr_assert_eq(age, 77);
    mn_response_set_header_cstr(r, "Cache-Control", "max-age=x");
    cr_assert_eq(mn_get_max_age(r, &age), MN_ENOTFOUND);
}

Test(cache_views, patch_vary_headers_as_django)
{
    mn_response *r = mn_response_new(fake_request(), 200);
    const char *a[] = { "Cookie", NULL }, *b[] = { "cookie", "Accept-Language", NULL }, *star[] = { "*", NULL };
    mn_patch_vary_headers(r, a);
    mn_patch_vary_headers(r, b);
    mn_str v;
    mn_response_header(r, "Vary", &v);
    cr_assert(mn_str_eq_cstr(v, "Cookie, Accept-Language"));
    cr_assert(mn_has_vary_header(r, "accept-language"));
    cr_assert_not(mn_has_vary_header(r, "X-Other"));
    mn_patch_vary_headers(r, star);
    mn_response_header(r, "Vary", &v);
    cr_assert(mn_str_eq_cstr(v, "*"));
}
