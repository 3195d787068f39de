/* Views: the HttpResponse family, JsonResponse, redirect(), decorators,
 * view markers and deferred responses. */
#include <math.h>
#include "web_test.h"

static mn_response *detail(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, "text/plain", MN_STR("detail"));
}

static mn_response *edit_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, "text/plain", MN_STR("edited"));
}
MN_REQUIRE_HTTP_METHODS(edit, edit_impl, "GET", "POST")
MN_REQUIRE_GET(only_get, edit_impl)
MN_REQUIRE_POST(only_post, edit_impl)
MN_REQUIRE_SAFE(only_safe, edit_impl)

static const mn_url_pattern item_patterns[] = { MN_PATH("<int:pk>/", detail, "detail"), MN_URL_END };
static const mn_urlconf item_urls = { .app_name = "items", .patterns = item_patterns };
static const mn_url_pattern patterns[] = {
    MN_INCLUDE("items/", &item_urls, NULL),
    MN_PATH("edit/", edit, "edit"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static mn_settings settings;
static mn_arena *arena;
static mn_site *site;

static void setup(void)
{
    settings = mn_settings_defaults();
    arena = mn_arena_new("test", 0);
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
    mn_site_config c = { .settings = &settings, .urlconf = &urls };
    mn_err err = { 0 };
    site = mn_site_new(&c, &err);
    cr_assert(site, "%s", err.msg);
}
static void teardown(void)
{
    mn_site_free(site);
    mn_arena_free(arena);
}
TestSuite(views, .init = setup, .fini = teardown);

/* A request attached to the site (as inside a view). */
static mn_request *in_site(const char *method, const char *target)
{
    mn_request *req = web_request(arena, method, target, "Content-Length: 0\r\n");
    mn_site_handle(site, req);
    return req;
}

Test(views, response_family)
{
    mn_request *req = web_request(arena, "GET", "/", NULL);
    struct {
        mn_response *(*fn)(mn_request *, mn_str);
        int status;
    } cases[] = { { mn_response_not_found, 404 }, { mn_response_forbidden, 403 },
                  { mn_response_bad_request, 400 }, { mn_response_gone, 410 },
                  { mn_response_server_error, 500 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mn_response *r = cases[i].fn(req, MN_STR("<p>x</p>"));
        cr_assert_eq(mn_response_status(r), cases[i].status);
        cr_assert_str_eq(mn_response_body(r).ptr, "<p>x</p>");
        cr_assert(web_header_is(r, "Content-Type", "text/html; charset=utf-8"));
    }
    static const char *const methods[] = { "GET", "HEAD", NULL };
    mn_response *r = mn_response_not_allowed(req, methods);
    cr_assert_eq(mn_response_status(r), 405);
    cr_assert(web_header_is(r, "Allow", "GET, HEAD"));
}

Test(views, json_response_like_django)
{
    mn_request *req = web_request(arena, "GET", "/", NULL);
    mn_map *m = mn_map_new(arena, 4);
    mn_decimal price;
    cr_assert_eq(mn_decimal_parse_cstr("19.90", &price, NULL), MN_OK);
    mn_map_set_cstr(m, "name", mn_value_cstr("caf\xc3\xa9 <b>"));
    mn_map_set_cstr(m, "price", mn_value_decimal(price));
    mn_map_set_cstr(m, "ok", mn_value_bool(true));
    mn_response *r = mn_json_response(req, 201, mn_value_map(m));
    cr_assert_eq(mn_response_status(r), 201);
    cr_assert(web_header_is(r, "Content-Type", "application/json"));
    /* json.dumps({"name": "café <b>", "price": Decimal("19.90"), "ok": True}, cls=DjangoJSONEncoder) */
    cr_assert_str_eq(mn_response_body(r).ptr,
                     "{\"name\": \"caf\\u00e9 <b>\", \"price\": \"19.90\", \"ok\": true}");
    r = mn_json_response(req, 200, mn_value_float(INFINITY));
    cr_assert_null(r);
    cr_assert(mn_request_failure(req));
}

Test(views, redirects)
{
    mn_request *req = in_site("GET", "/edit/");
    mn_response *r = mn_redirect(req, "/somewhere/", false);
    cr_assert_eq(mn_response_status(r), 302);
    cr_assert(web_header_is(r, "Location", "/somewhere/"));
    r = mn_redirect(req, "https://example.com/", true);
    cr_assert_eq(mn_response_status(r), 301);
    cr_assert_null(mn_redirect(req, "", false));

    mn_map *kw = mn_map_new(arena, 1);
    mn_map_set_cstr(kw, "pk", mn_value_int(42));
    r = mn_redirect_to_view(req, "items:detail", NULL, kw, false);
    cr_assert(web_header_is(r, "Location", "/items/42/"));
    cr_assert_null(mn_redirect_to_view(req, "items:nope", NULL, NULL, false));
    cr_assert(strstr(mn_request_failure(req), "Reverse for 'nope' not found"), "%s", mn_request_failure(req));
}

static int thing_attr(const void *obj, mn_str name, mn_arena *a, mn_value *out)
{
    (void)a;
    if (!mn_str_eq_cstr(name, "get_absolute_url"))
        return MN_ENOTFOUND;
    *out = mn_value_cstr((const char *)obj);
    return MN_OK;
}

Test(views, redirect_to_object)
{
    static const mn_type thing = { .name = "Thing", .get_attr = thing_attr };
    mn_request *req = in_site("GET", "/edit/");
    mn_response *r = mn_redirect_to_object(req, mn_value_object(&thing, "/things/9/"), false);
    cr_assert(web_header_is(r, "Location", "/things/9/"));
    cr_assert_null(mn_redirect_to_object(req, mn_value_int(3), false));
    static const mn_type bare = { .name = "Bare" };
    cr_assert_null(mn_redirect_to_object(req, mn_value_object(&bare, NULL), false));
}

Test(views, require_http_methods)
{
    mn_response *r = mn_site_handle(site, web_request(arena, "GET", "/edit/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    r = mn_site_handle(site, web_request(arena, "DELETE", "/edit/", NULL));
    cr_assert_eq(mn_response_status(r), 405);
    cr_assert(web_header_is(r, "Allow", "GET, POST"));
    mn_request *req = web_request(arena, "POST", "/edit/", "Content-Length: 0\r\n");
    cr_assert_eq(mn_response_status(only_get(req, NULL)), 405);
    cr_assert_eq(mn_response_status(only_post(req, NULL)), 200);
    cr_assert_eq(mn_response_status(only_safe(req, NULL)), 405);
    req = web_request(arena, "HEAD", "/edit/", NULL);
    cr_assert_eq(mn_response_status(only_safe(req, NULL)), 200);
    cr_assert(web_header_is(only_post(req, NULL), "Allow", "POST"));
}

static mn_response *unmarked(mn_request *req, const mn_url_args *args)
{
    return detail(req, args);
}

Test(views, markers)
{
    cr_assert_eq(mn_view_flags(unmarked), 0);
    cr_assert_eq(mn_csrf_exempt(detail), MN_OK);
    cr_assert_eq(mn_view_mark(detail, MN_VIEW_GZIP_EXEMPT), MN_OK);
    cr_assert_eq(mn_view_flags(detail), MN_VIEW_CSRF_EXEMPT | MN_VIEW_GZIP_EXEMPT);
    mn_request *req = in_site("GET", "/items/1/");
    cr_assert(mn_request_view_has(req, MN_VIEW_CSRF_EXEMPT));
    cr_assert(!mn_request_view_has(req, MN_VIEW_XFRAME_EXEMPT));
    req = web_request(arena, "GET", "/items/1/", NULL);
    cr_assert(!mn_request_view_has(req, MN_VIEW_CSRF_EXEMPT), "no match before resolving");
}

static int render_fail(mn_request *req, const mn_map *ctx, void *data, mn_buf *out, mn_err *err)
{
    (void)req; (void)ctx; (void)data; (void)out;
    return mn_err_set(err, MN_ENOTFOUND, "TemplateDoesNotExist: %s", (const char *)data);
}

Test(views, deferred_response_context_and_failure)
{
    mn_request *req = web_request(arena, "GET", "/", NULL);
    mn_response *r = mn_deferred_response(req, 200, NULL, render_fail, "shop/list.html", NULL);
    mn_map *ctx = mn_response_context(req, r);
    cr_assert(ctx);
    cr_assert_eq(mn_map_len(ctx), 0);
    cr_assert_null(mn_response_context(req, mn_response_new(req, 200)));
}

Test(views, request_helpers_outside_a_site)
{
    mn_request *req = web_request(arena, "GET", "/", NULL);
    mn_str out;
    mn_err err = { 0 };
    cr_assert_eq(mn_request_reverse(req, "x", NULL, NULL, &out, &err), MN_EINVAL);
    cr_assert_null(mn_request_resolver(req));
    cr_assert_eq(mn_request_elapsed(req), 0);
    mn_response *r = mn_view_not_found(req, "gone %d", 1);
    cr_assert_eq(mn_response_status(r), 404);
}
