/* The request handler: middleware chain order, early answers, hooks,
 * failures, 404/500 handling, signals, deferred responses. */
#include "web_test.h"

static char trace[256];
static void tr(const char *s) { strncat(trace, s, sizeof trace - strlen(trace) - 1); }

static mn_response *hello(mn_request *req, const mn_url_args *args)
{
    (void)args;
    tr("view;");
    return mn_response_text(req, 200, "text/plain", MN_STR("hello"));
}

static mn_response *item(mn_request *req, const mn_url_args *args)
{
    int64_t pk = 0;
    mn_url_arg_int(args, "pk", &pk);
    if (pk == 404)
        return mn_view_not_found(req, "No item %lld here.", (long long)pk);
    char *s = mn_arena_sprintf(mn_request_arena(req), "item %lld", (long long)pk);
    return mn_response_text(req, 200, "text/plain", mn_str_from(s));
}

static mn_response *broken(mn_request *req, const mn_url_args *args)
{
    (void)args;
    tr("broken;");
    return mn_view_fail(req, "division by zero in <price>");
}

static mn_response *silent(mn_request *req, const mn_url_args *args)
{
    (void)req;
    (void)args;
    return NULL;
}

static int render_greeting(mn_request *req, const mn_map *ctx, void *data, mn_buf *out, mn_err *err)
{
    (void)req;
    (void)data;
    (void)err;
    mn_value who = mn_map_get_cstr(ctx, "who");
    mn_buf_puts(out, "Hello, ");
    mn_value_to_str(who, out);
    return mn_buf_error(out);
}

static mn_response *deferred(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_map *ctx = mn_map_new(mn_request_arena(req), 2);
    mn_map_set_cstr(ctx, "who", mn_value_cstr("view"));
    return mn_deferred_response(req, 200, "text/plain", render_greeting, NULL, ctx);
}

static mn_response *reversing(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_map *kw = mn_map_new(mn_request_arena(req), 1);
    mn_map_set_cstr(kw, "pk", mn_value_int(7));
    mn_str url;
    mn_err err = { 0 };
    cr_assert_eq(mn_request_reverse(req, "item", NULL, kw, &url, &err), MN_OK, "%s", err.msg);
    return mn_response_text(req, 200, "text/plain", url);
}

static const mn_url_pattern patterns[] = {
    MN_PATH("", hello, "home"),
    MN_PATH("items/<int:pk>/", item, "item"),
    MN_PATH("broken/", broken, "broken"),
    MN_PATH("silent/", silent, "silent"),
    MN_PATH("deferred/", deferred, "deferred"),
    MN_PATH("reverse/", reversing, "reverse"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

/* Middleware recording the order of the request and response phases. */
static mn_response *mw_a(mn_request *req, mn_next *next)
{
    tr("a>");
    mn_response *r = mn_next_call(next, req);
    tr("<a;");
    return r;
}
static mn_response *mw_b(mn_request *req, mn_next *next)
{
    tr("b>");
    mn_response *r = mn_next_call(next, req);
    mn_response_set_header_cstr(r, "X-B", (const char *)mn_next_data(next));
    tr("<b;");
    return r;
}
static const mn_middleware A = { .name = "A", .call = mw_a };
static const mn_middleware B = { .name = "B", .call = mw_b, .data = "from-b" };

static mn_settings settings;
static mn_arena *arena;

static void setup(void)
{
    settings = mn_settings_defaults();
    settings.SECRET_KEY = "super-secret-value-1234";
    arena = mn_arena_new("test", 0);
    trace[0] = 0;
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
}
static void teardown(void) { mn_arena_free(arena); }

static mn_site *site_with(const mn_middleware *const *mw)
{
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .urlconf_name = "test.urls",
                         .middleware = mw };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    cr_assert(s, "%s", err.msg);
    return s;
}

TestSuite(handler, .init = setup, .fini = teardown);

Test(handler, middleware_wraps_in_list_order)
{
    const mn_middleware *mw[] = { &A, &B, NULL };
    mn_site *s = site_with(mw);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert_str_eq(trace, "a>b>view;<b;<a;");
    cr_assert(web_header_is(r, "X-B", "from-b"));
    mn_site_free(s);
}

static mn_response *api_key(mn_request *req, mn_next *next)
{
    mn_str key;
    if (mn_str_starts_with(mn_request_path(req), MN_STR("/items/")) &&
        (!mn_request_header(req, "X-API-Key", &key) || !mn_str_eq_cstr(key, "k3y"))) {
        mn_map *m = mn_map_new(mn_request_arena(req), 1);
        mn_map_set_cstr(m, "error", mn_value_cstr("Invalid API key"));
        return mn_json_response(req, 401, mn_value_map(m));
    }
    return mn_next_call(next, req);
}

Test(handler, middleware_answers_early)
{
    const mn_middleware key = { .name = "APIKey", .call = api_key };
    const mn_middleware *mw[] = { &A, &key, &B, NULL };
    mn_site *s = site_with(mw);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/items/3/", NULL));
    cr_assert_eq(mn_response_status(r), 401);
    cr_assert_str_eq(mn_response_body(r).ptr, "{\"error\": \"Invalid API key\"}");
    cr_assert_str_eq(trace, "a><a;", "inner middleware and view must not run: %s", trace);
    r = mn_site_handle(s, web_request(arena, "GET", "/items/3/", "X-API-Key: k3y\r\n"));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert(web_body_has(r, "item 3"));
    mn_site_free(s);
}

static mn_response *pv(mn_request *req, mn_view_fn view, const mn_url_args *args, const void *data)
{
    (void)data;
    int64_t pk;
    cr_assert_eq(view, item);
    if (!mn_url_arg_int(args, "pk", &pk) && pk == 13)
        return mn_response_text(req, 403, "text/plain", MN_STR("unlucky"));
    return NULL;
}

Test(handler, process_view_sees_the_view_and_may_answer)
{
    const mn_middleware m = { .name = "PV", .process_view = pv };
    const mn_middleware *mw[] = { &m, NULL };
    mn_site *s = site_with(mw);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/items/13/", NULL));
    cr_assert_eq(mn_response_status(r), 403);
    r = mn_site_handle(s, web_request(arena, "GET", "/items/12/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    mn_site_free(s);
}

static mn_response *pe(mn_request *req, const char *message, const void *data)
{
    (void)data;
    tr("pe;");
    mn_map *m = mn_map_new(mn_request_arena(req), 2);
    mn_map_set_cstr(m, "error", mn_value_cstr("An error occurred"));
    mn_map_set_cstr(m, "message", mn_value_cstr(message));
    return mn_json_response(req, 500, mn_value_map(m));
}

Test(handler, process_exception_handles_failures)
{
    const mn_middleware m = { .name = "Exc", .process_exception = pe };
    const mn_middleware *mw[] = { &A, &m, NULL };
    mn_site *s = site_with(mw);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/broken/", NULL));
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert_str_eq(mn_response_body(r).ptr,
                     "{\"error\": \"An error occurred\", \"message\": \"division by zero in <price>\"}");
    cr_assert_str_eq(trace, "a>broken;pe;<a;");
    mn_site_free(s);
}

Test(handler, failures_in_production_are_plain_500s)
{
    mn_site *s = site_with(NULL);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/broken/", NULL));
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_body_has(r, "<h1>Server Error (500)</h1>"));
    cr_assert(!web_body_has(r, "division"));
    mn_site_free(s);
}

Test(handler, debug_500_page_shows_message_backtrace_and_masks_secrets)
{
    settings.DEBUG = true;
    mn_site *s = site_with(NULL);
    mn_response *r = mn_site_handle(
        s, web_request(arena, "GET", "/broken/?q=1&api_key=zzz", "Authorization: Bearer tok\r\n"));
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_body_has(r, "division by zero in &lt;price&gt;"));
    cr_assert(web_body_has(r, "Backtrace"));
    cr_assert(web_body_has(r, "SECRET_KEY"));
    cr_assert(!web_body_has(r, "super-secret-value-1234"), "SECRET_KEY must be masked");
    cr_assert(!web_body_has(r, "Bearer tok"), "Authorization must be masked");
    cr_assert(!web_body_has(r, "zzz"), "api_key must be masked");
    cr_assert(web_body_has(r, "[name='broken']"));
    mn_site_free(s);
}

Test(handler, view_returning_null_without_message)
{
    settings.DEBUG = true;
    mn_site *s = site_with(NULL);
    mn_request *req = web_request(arena, "GET", "/silent/", NULL);
    mn_response *r = mn_site_handle(s, req);
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_body_has(r, "The view &#x27;silent&#x27; didn&#x27;t return a response."));
    mn_site_free(s);
}

static mn_response *null_mw(mn_request *req, mn_next *next)
{
    (void)req;
    (void)next;
    return NULL;
}

Test(handler, middleware_returning_null_becomes_500_for_outer_ones)
{
    const mn_middleware bad = { .name = "Bad", .call = null_mw };
    const mn_middleware *mw[] = { &B, &bad, NULL };
    mn_site *s = site_with(mw);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/", NULL));
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_header_is(r, "X-B", "from-b"));
    mn_site_free(s);
}

Test(handler, not_found_in_production)
{
    mn_site *s = site_with(NULL);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/nowhere/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "<h1>Not Found</h1>"));
    cr_assert(!web_body_has(r, "items/"));
    mn_site_free(s);
}

Test(handler, debug_404_lists_the_patterns_tried)
{
    settings.DEBUG = true;
    mn_site *s = site_with(NULL);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/nowhere/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "Page not found at /nowhere/"));
    cr_assert(web_body_has(r, "<code>test.urls</code>"));
    cr_assert(web_body_has(r, "<li>items/&lt;int:pk&gt;/ [name=&#x27;item&#x27;]</li>"));
    cr_assert(web_body_has(r, "The current path, <code>nowhere/</code>, didn't match any of these."));
    r = mn_site_handle(s, web_request(arena, "GET", "/items/404/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert(web_body_has(r, "No item 404 here."));
    mn_site_free(s);
}

static mn_response *custom404(mn_request *req, const char *message)
{
    char *b = mn_arena_sprintf(mn_request_arena(req), "custom 404: %s", message);
    return mn_response_text(req, 404, "text/plain", mn_str_from(b));
}
static mn_response *custom500(mn_request *req, const char *message)
{
    (void)message;
    return mn_response_text(req, 500, "text/plain", MN_STR("custom 500"));
}

Test(handler, custom_error_handlers)
{
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .handler404 = custom404,
                         .handler500 = custom500 };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/items/404/", NULL));
    cr_assert_eq(mn_response_status(r), 404);
    cr_assert_str_eq(mn_response_body(r).ptr, "custom 404: No item 404 here.");
    r = mn_site_handle(s, web_request(arena, "GET", "/broken/", NULL));
    cr_assert_str_eq(mn_response_body(r).ptr, "custom 500");
    mn_site_free(s);
}

static int started, finished, exceptions;
static int on_started(const mn_signal_call *c, mn_value *resp, mn_err *err)
{
    (void)c; (void)resp; (void)err;
    started++;
    return MN_OK;
}
static int on_finished(const mn_signal_call *c, mn_value *resp, mn_err *err)
{
    (void)c; (void)resp; (void)err;
    finished++;
    return MN_OK;
}
static int on_exception(const mn_signal_call *c, mn_value *resp, mn_err *err)
{
    (void)resp; (void)err;
    cr_assert_str_eq(mn_value_as_str(mn_signal_arg(c, "error"), NULL, NULL).ptr, "division by zero in <price>");
    exceptions++;
    return MN_OK;
}

Test(handler, request_signals)
{
    mn_signal_connect(&mn_request_started, on_started, NULL);
    mn_signal_connect(&mn_request_finished, on_finished, NULL);
    mn_signal_connect(&mn_got_request_exception, on_exception, NULL);
    mn_site *s = site_with(NULL);
    mn_arena *a = mn_arena_new("req", 0);
    mn_site_handle(s, web_request(a, "GET", "/", NULL));
    cr_assert_eq(started, 1);
    cr_assert_eq(finished, 0, "request_finished waits for the end of the request");
    mn_arena_free(a);
    cr_assert_eq(finished, 1);
    mn_site_handle(s, web_request(arena, "GET", "/broken/", NULL));
    cr_assert_eq(exceptions, 1);
    mn_signal_disconnect_all(&mn_request_started);
    mn_signal_disconnect_all(&mn_request_finished);
    mn_signal_disconnect_all(&mn_got_request_exception);
    mn_site_free(s);
    mn_signal_collect();
}

static mn_response *ptr_hook(mn_request *req, mn_response *resp, mn_map *ctx, const void *data)
{
    (void)req;
    (void)data;
    mn_map_set_cstr(ctx, "who", mn_value_cstr("middleware"));
    return resp;
}

Test(handler, process_template_response_changes_the_context)
{
    const mn_middleware m = { .name = "T", .process_template_response = ptr_hook };
    mn_site *s = site_with(NULL);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/deferred/", NULL));
    cr_assert_str_eq(mn_response_body(r).ptr, "Hello, view");
    mn_site_free(s);
    const mn_middleware *mw[] = { &m, NULL };
    s = site_with(mw);
    r = mn_site_handle(s, web_request(arena, "GET", "/deferred/", NULL));
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert_str_eq(mn_response_body(r).ptr, "Hello, middleware");
    cr_assert(web_header_is(r, "Content-Type", "text/plain"));
    mn_site_free(s);
}

Test(handler, request_state)
{
    mn_site *s = site_with(NULL);
    mn_request *req = web_request(arena, "GET", "/items/5/", NULL);
    cr_assert_str_eq(mn_request_id(req), "");
    cr_assert_null(mn_request_settings(req));
    mn_site_handle(s, req);
    cr_assert_eq(strlen(mn_request_id(req)), 16);
    cr_assert_eq(mn_request_settings(req), &settings);
    cr_assert_eq(mn_request_resolver(req), mn_site_resolver(s));
    const mn_url_match *m = mn_request_match(req);
    cr_assert(m);
    cr_assert_str_eq(m->url_name, "item");
    cr_assert(mn_request_elapsed(req) >= 0);
    mn_request *other = web_request(arena, "GET", "/", NULL);
    mn_site_handle(s, other);
    cr_assert_str_neq(mn_request_id(req), mn_request_id(other));
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/reverse/", NULL));
    cr_assert_str_eq(mn_response_body(r).ptr, "/items/7/");
    mn_site_free(s);
}

Test(handler, site_needs_valid_urls)
{
    static const mn_url_pattern bad[] = { MN_PATH("<nope:x>/", hello, NULL), MN_URL_END };
    static const mn_urlconf badconf = { .patterns = bad };
    mn_site_config c = { .settings = &settings, .urlconf = &badconf };
    mn_err err = { 0 };
    cr_assert_null(mn_site_new(&c, &err));
    cr_assert(strstr(err.msg, "nope"), "%s", err.msg);
    mn_site_config none = { .settings = &settings };
    cr_assert_null(mn_site_new(&none, &err));
}
