/* docs/views.md: function views, shortcuts, decorators and errors. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

typedef struct product {
    int64_t id;
    const char *name;
    mn_decimal price;
} product;
static const product catalog[] = {
    { 1, "Moka Pot", { .lo = 3499, .scale = 2 } },
    { 2, "Grinder", { .lo = 12900, .scale = 2 } },
};

/* def product_detail(request, pk) */
static mn_response *product_detail(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    for (size_t i = 0; i < 2; i++) {
        if (catalog[i].id != pk)
            continue;
        mn_map *data = mn_map_new(mn_request_arena(req), 3);
        mn_map_set_cstr(data, "id", mn_value_int(catalog[i].id));
        mn_map_set_cstr(data, "name", mn_value_cstr(catalog[i].name));
        mn_map_set_cstr(data, "price", mn_value_decimal(catalog[i].price));
        return mn_json_response(req, 200, mn_value_map(data)); /* JsonResponse(data) */
    }
    return mn_view_not_found(req, "No product matches the given query."); /* raise Http404 */
}

/* @require_http_methods(["GET", "POST"]) def product_create(request) */
static mn_response *product_create_impl(mn_request *req, const mn_url_args *args)
{
    (void)args;
    if (mn_request_is_method(req, "POST")) {
        mn_map *kw = mn_map_new(mn_request_arena(req), 1);
        mn_map_set_cstr(kw, "pk", mn_value_int(3));
        return mn_redirect_to_view(req, "detail", NULL, kw, false); /* redirect('detail', pk=3) */
    }
    return mn_response_text(req, 200, NULL, MN_STR("<form method=\"post\"></form>"));
}
MN_REQUIRE_HTTP_METHODS(product_create, product_create_impl, "GET", "POST")

/* A view that fails: the handler turns it into a 500 and logs it. */
static mn_response *report(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_view_fail(req, "report backend unavailable");
}

static const mn_url_pattern patterns[] = {
    MN_PATH("products/<int:pk>/", product_detail, "detail"),
    MN_PATH("products/new/", product_create, "create"),
    MN_PATH("report/", report, "report"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static mn_response *request(mn_site *site, mn_arena *a, const char *method, const char *path)
{
    char *raw = mn_arena_sprintf(a, "%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", method, path);
    int status;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &status, &err);
    assert(req);
    return mn_site_handle(site, req);
}

int main(void)
{
    mn_log_set_level(NULL, MN_LOG_CRITICAL); /* keep the example's output short */
    mn_settings settings = mn_settings_defaults();
    mn_site_config config = { .settings = &settings, .urlconf = &urls };
    mn_err err = { 0 };
    mn_site *site = mn_site_new(&config, &err);
    assert(site);
    mn_arena *a = mn_arena_new("requests", 0);
    mn_str v;

    mn_response *r = request(site, a, "GET", "/products/1/");
    printf("%d %s\n", mn_response_status(r), mn_response_body(r).ptr);
    assert(strcmp(mn_response_body(r).ptr, "{\"id\": 1, \"name\": \"Moka Pot\", \"price\": \"34.99\"}") == 0);

    r = request(site, a, "GET", "/products/9/");
    assert(mn_response_status(r) == 404);

    r = request(site, a, "POST", "/products/new/");
    assert(mn_response_status(r) == 302);
    assert(mn_response_header(r, "Location", &v) && mn_str_eq_cstr(v, "/products/3/"));

    r = request(site, a, "DELETE", "/products/new/");
    assert(mn_response_status(r) == 405);
    assert(mn_response_header(r, "Allow", &v) && mn_str_eq_cstr(v, "GET, POST"));

    r = request(site, a, "GET", "/report/");
    assert(mn_response_status(r) == 500); /* production: Django's plain page */
    assert(strstr(mn_response_body(r).ptr, "Server Error (500)"));

    settings.DEBUG = true; /* the technical page, with the message and a backtrace */
    r = request(site, a, "GET", "/report/");
    assert(strstr(mn_response_body(r).ptr, "report backend unavailable"));
    printf("DEBUG 500 page: %zu bytes\n", mn_response_body(r).len);

    mn_arena_free(a);
    mn_site_free(site);
    return 0;
}
