/* Fuzz target: a whole request through the web handler: the middleware
 * that parse request headers (conditional GET dates and ETags, Accept-
 * Encoding, APPEND_SLASH, user agents), static path resolution and the
 * DEBUG error pages. The input is a raw HTTP request. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manouche.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mn_response *page(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_response *r = mn_response_text(req, 200, NULL, MN_STR("<p>The quick brown fox jumps over the lazy dog.</p>"
        "<p>The quick brown fox jumps over the lazy dog.</p><p>The quick brown fox jumps over the lazy dog.</p>"
        "<p>The quick brown fox jumps over the lazy dog.</p><p>The quick brown fox jumps over the lazy dog.</p>"));
    mn_response_set_header_cstr(r, "Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
    return r;
}

static mn_response *fail(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_view_fail(req, "fuzz failure");
}

static const mn_url_pattern patterns[] = {
    MN_PATH("", page, "home"),
    MN_PATH("p/<int:pk>/", page, "p"),
    MN_PATH("fail/", fail, "fail"),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };
static const char *const agents[] = { "^Bad", "evil[0-9]+", NULL };
static const mn_common_options common_opts = { .disallowed_user_agents = agents };
static const mn_middleware common = { .name = "Common", .call = mn_common_middleware_call,
                                      .data = &common_opts };
static const mn_middleware *const middleware[] = {
    &mn_gzip_middleware, &mn_security_middleware, &mn_conditional_get_middleware, &common,
    &mn_xframe_options_middleware, NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mn_settings settings;
    static mn_site *site;
    if (!site) {
        mn_log_set_level(NULL, MN_LOG_CRITICAL);
        settings = mn_settings_defaults();
        settings.DEBUG = true;
        settings.PREPEND_WWW = size % 2;
        static const char *const dirs[] = { "/nonexistent-static-root", NULL };
        mn_site_config c = { .settings = &settings, .urlconf = &urls, .middleware = middleware,
                             .serve_static = true, .static_dirs = dirs };
        site = mn_site_new(&c, NULL);
        if (!site)
            abort();
    }
    mn_arena *a = mn_arena_new("fuzz", 1 << 24);
    int status = 0;
    mn_request *req = mn_request_from_raw(a, (const char *)data, size, NULL, NULL, &status, NULL);
    if (req) {
        mn_response *r = mn_site_handle(site, req);
        if (!r)
            abort();
        int st = mn_response_status(r);
        if (st < 100 || st > 599)
            abort();
        const char *out;
        mn_str path = mn_request_path(req);
        int rc = mn_static_resolve(a, "/tmp", path.len ? mn_str_slice(path, 1, path.len) : path, &out);
        if (rc == MN_OK && strncmp(out, "/tmp/", 5))
            abort();
    }
    mn_arena_free(a);
    return 0;
}
