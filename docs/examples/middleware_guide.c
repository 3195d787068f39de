/* docs/middleware.md: every middleware of the guide's Middleware chapter,
 * installed in a site and exercised with requests. */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <manouche.h>

static mn_logger log_mw = MN_LOGGER_INIT("myapp.middleware");

/* class SimpleMiddleware */
static mn_response *simple(mn_request *req, mn_next *next)
{
    /* Code executed for each request BEFORE the view */
    mn_str method = mn_request_method(req), path = mn_request_path(req);
    mn_logf(&log_mw, MN_LOG_INFO, "Request: %.*s %.*s", MN_STR_FMT(method), MN_STR_FMT(path));
    /* Call the next middleware or view */
    mn_response *resp = mn_next_call(next, req);
    /* Code executed for each request AFTER the view */
    mn_logf(&log_mw, MN_LOG_INFO, "Response status: %d", mn_response_status(resp));
    return resp;
}
static const mn_middleware simple_middleware = { .name = "myapp.SimpleMiddleware", .call = simple };

/* class RequestLoggingMiddleware: log all requests with timing */
static mn_response *request_logging(mn_request *req, mn_next *next)
{
    double start = mn_request_elapsed(req);
    mn_str method = mn_request_method(req), path = mn_request_path(req);
    mn_logf(&log_mw, MN_LOG_INFO, "%.*s %.*s", MN_STR_FMT(method), MN_STR_FMT(path));
    mn_response *resp = mn_next_call(next, req);
    double duration = mn_request_elapsed(req) - start;
    mn_logf(&log_mw, MN_LOG_INFO, "Response %d - %.2fs", mn_response_status(resp), duration);
    return resp;
}
static const mn_middleware request_logging_middleware = { .name = "myapp.RequestLoggingMiddleware",
                                                          .call = request_logging };

/* class CustomHeaderMiddleware: add custom headers to all responses */
static mn_response *custom_header(mn_request *req, mn_next *next)
{
    mn_response *resp = mn_next_call(next, req);
    mn_response_set_header_cstr(resp, "X-Custom-Header", "My Value");
    mn_response_set_header_cstr(resp, "X-Request-ID", mn_request_id(req));
    return resp;
}
static const mn_middleware custom_header_middleware = { .name = "myapp.CustomHeaderMiddleware",
                                                        .call = custom_header };

/* class APIKeyAuthMiddleware: check the API key of every API request */
static bool is_valid_key(mn_str key)
{
    /* The guide checks the database; a constant stands in for it here. */
    return mn_str_eq_cstr(key, "secret-key-1");
}
static mn_response *api_key_auth(mn_request *req, mn_next *next)
{
    if (mn_str_starts_with(mn_request_path(req), MN_STR("/api/"))) {
        mn_str api_key;
        if (!mn_request_header(req, "X-API-Key", &api_key) || !is_valid_key(api_key)) {
            /* Return 401 without calling the view */
            mn_map *body = mn_map_new(mn_request_arena(req), 1);
            mn_map_set_cstr(body, "error", mn_value_cstr("Invalid API key"));
            return mn_json_response(req, 401, mn_value_map(body));
        }
    }
    return mn_next_call(next, req);
}
static const mn_middleware api_key_middleware = { .name = "myapp.APIKeyAuthMiddleware",
                                                  .call = api_key_auth };

/* class ExceptionHandlingMiddleware: handle view failures in one place */
static mn_response *handle_exception(mn_request *req, const char *message, const void *data)
{
    (void)data;
    mn_log_error(&log_mw, "Exception", MN_LOG_STR("error", message),
                 MN_LOG_STR("request_id", mn_request_id(req)));
    mn_map *body = mn_map_new(mn_request_arena(req), 2);
    mn_map_set_cstr(body, "error", mn_value_cstr("An error occurred"));
    mn_map_set_cstr(body, "message", mn_value_cstr(message));
    return mn_json_response(req, 500, mn_value_map(body));
}
static const mn_middleware exception_middleware = { .name = "myapp.ExceptionHandlingMiddleware",
                                                    .process_exception = handle_exception };

/* Views */
static mn_response *api_products(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_json_text(req, 200, MN_STR("[]"));
}
static mn_response *checkout(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_view_fail(req, "payment gateway timed out");
}
static const mn_url_pattern patterns[] = {
    MN_PATH("api/products/", api_products, "api-products"),
    MN_PATH("checkout/", checkout, "checkout"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

/* MIDDLEWARE = [...]: processed top-to-bottom for requests, bottom-to-top
 * for responses. */
static const mn_middleware *const middleware[] = {
    &mn_security_middleware,
    &mn_common_middleware,
    &mn_xframe_options_middleware,
    &simple_middleware,
    &request_logging_middleware,
    &custom_header_middleware,
    &api_key_middleware,
    &exception_middleware,
    NULL,
};

static mn_response *get(mn_site *site, mn_arena *a, const char *path, const char *headers)
{
    char *raw = mn_arena_sprintf(a, "GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n", path, headers);
    int status;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &status, &err);
    assert(req);
    return mn_site_handle(site, req);
}

int main(void)
{
    mn_settings settings = mn_settings_defaults();
    mn_site_config config = { .settings = &settings, .urlconf = &urls, .middleware = middleware };
    mn_err err = { 0 };
    mn_site *site = mn_site_new(&config, &err);
    assert(site);
    mn_arena *a = mn_arena_new("requests", 0);
    mn_str v;

    mn_response *r = get(site, a, "/api/products/", "");
    printf("no key: %d %s\n", mn_response_status(r), mn_response_body(r).ptr);
    assert(mn_response_status(r) == 401);
    assert(strcmp(mn_response_body(r).ptr, "{\"error\": \"Invalid API key\"}") == 0);

    r = get(site, a, "/api/products/", "X-API-Key: secret-key-1\r\n");
    assert(mn_response_status(r) == 200);
    assert(mn_response_header(r, "X-Custom-Header", &v) && mn_str_eq_cstr(v, "My Value"));
    assert(mn_response_header(r, "X-Frame-Options", &v) && mn_str_eq_cstr(v, "DENY"));
    assert(mn_response_header(r, "X-Request-ID", &v) && v.len == 16);
    printf("with key: %d, X-Request-ID: %.*s\n", mn_response_status(r), MN_STR_FMT(v));

    r = get(site, a, "/checkout/", "");
    printf("failure: %d %s\n", mn_response_status(r), mn_response_body(r).ptr);
    assert(mn_response_status(r) == 500);
    assert(strstr(mn_response_body(r).ptr, "\"message\": \"payment gateway timed out\""));

    r = get(site, a, "/checkout", "");
    assert(mn_response_status(r) == 301); /* CommonMiddleware's APPEND_SLASH */
    assert(mn_response_header(r, "Location", &v) && mn_str_eq_cstr(v, "/checkout/"));

    mn_arena_free(a);
    mn_site_free(site);
    return 0;
}
