/* The built-in middleware, each through a site with only it installed. */
#include <zlib.h>
#include "web_test.h"

static mn_response *page(mn_request *req, const mn_url_args *args)
{
    (void)args;
    mn_buf b;
    mn_buf_init(&b, mn_request_arena(req), 0);
    for (int i = 0; i < 40; i++)
        mn_buf_puts(&b, "<p>Lorem ipsum dolor sit amet</p>\n");
    return mn_response_text(req, 200, NULL, mn_buf_str(&b));
}

static mn_response *tiny(mn_request *req, const mn_url_args *args)
{
    (void)args;
    return mn_response_text(req, 200, "text/plain", MN_STR("tiny"));
}

static mn_response *png(mn_request *req, const mn_url_args *args)
{
    (void)args;
    char *body = mn_arena_alloc(mn_request_arena(req), 1000);
    memset(body, 'x', 1000);
    return mn_response_text(req, 200, "image/png", mn_str_make(body, 1000));
}

static mn_response *framed(mn_request *req, const mn_url_args *args)
{
    mn_response *r = page(req, args);
    mn_response_set_header_cstr(r, "X-Frame-Options", "SAMEORIGIN");
    mn_response_set_header_cstr(r, "Referrer-Policy", "no-referrer");
    return r;
}

static mn_response *secret(mn_request *req, const mn_url_args *args)
{
    return page(req, args);
}

static mn_response *dated(mn_request *req, const mn_url_args *args)
{
    mn_response *r = tiny(req, args);
    mn_response_set_header_cstr(r, "Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT");
    return r;
}

static mn_response *nostore(mn_request *req, const mn_url_args *args)
{
    mn_response *r = tiny(req, args);
    mn_response_set_header_cstr(r, "Cache-Control", "private, no-store");
    return r;
}

static const mn_url_pattern patterns[] = {
    MN_PATH("", page, "home"),
    MN_PATH("tiny/", tiny, NULL),
    MN_PATH("png/", png, NULL),
    MN_PATH("framed/", framed, NULL),
    MN_PATH("secret/", secret, NULL),
    MN_PATH("dated/", dated, NULL),
    MN_PATH("nostore/", nostore, NULL),
    MN_PATH("items/<int:pk>/", tiny, NULL),
    MN_URL_END
};
static const mn_urlconf urls = { .patterns = patterns };

static mn_settings settings;
static mn_arena *arena;

static void setup(void)
{
    settings = mn_settings_defaults();
    arena = mn_arena_new("test", 0);
    mn_log_set_level(NULL, MN_LOG_CRITICAL);
}
static void teardown(void) { mn_arena_free(arena); }
TestSuite(mw, .init = setup, .fini = teardown);

static mn_response *run(const mn_middleware *m, const char *method, const char *target,
                        const char *headers)
{
    const mn_middleware *list[] = { m, NULL };
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .middleware = list };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    cr_assert(s, "%s", err.msg);
    mn_response *r = mn_site_handle(s, web_request(arena, method, target, headers));
    mn_site_free(s);
    cr_assert(r);
    return r;
}

/* ---- SecurityMiddleware ---- */

Test(mw, security_default_headers)
{
    mn_response *r = run(&mn_security_middleware, "GET", "/", NULL);
    cr_assert(web_header_is(r, "X-Content-Type-Options", "nosniff"));
    cr_assert(web_header_is(r, "Referrer-Policy", "same-origin"));
    cr_assert(web_header_is(r, "Cross-Origin-Opener-Policy", "same-origin"));
    cr_assert(!web_has_header(r, "Strict-Transport-Security"), "no HSTS over http");
    cr_assert(!web_has_header(r, "X-XSS-Protection"));
    r = run(&mn_security_middleware, "GET", "/framed/", NULL);
    cr_assert(web_header_is(r, "Referrer-Policy", "no-referrer"), "the view's value is kept");
}

Test(mw, security_ssl_redirect)
{
    settings.SECURE_SSL_REDIRECT = true;
    mn_response *r = run(&mn_security_middleware, "GET", "/tiny/?a=1", "Host: example.com\r\n");
    cr_assert_eq(mn_response_status(r), 400, "example.com is not in the default ALLOWED_HOSTS");
    r = run(&mn_security_middleware, "GET", "/tiny/?a=1", "Host: localhost:8000\r\n");
    cr_assert_eq(mn_response_status(r), 301);
    cr_assert(web_header_is(r, "Location", "https://localhost:8000/tiny/?a=1"));
    settings.SECURE_SSL_HOST = "secure.example.com";
    r = run(&mn_security_middleware, "GET", "/tiny/", NULL);
    cr_assert(web_header_is(r, "Location", "https://secure.example.com/tiny/"));
}

Test(mw, security_hsts_on_secure_requests)
{
    static const char *const proxy[] = { "HTTP_X_FORWARDED_PROTO", "https" };
    (void)proxy;
    settings.SECURE_HSTS_SECONDS = 3600;
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = true;
    settings.SECURE_HSTS_PRELOAD = true;
    settings.SECURE_BROWSER_XSS_FILTER = true;
    settings.SECURE_REFERRER_POLICY = "no-referrer, strict-origin-when-cross-origin";
    /* A request that the proxy header marks as https. */
    const char *raw = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n";
    mn_http_settings hs;
    mn_http_settings_init(&hs);
    hs.secure_proxy_ssl_header = "X-Forwarded-Proto";
    hs.secure_proxy_ssl_value = "https";
    int st;
    mn_err err = { 0 };
    mn_request *req = mn_request_from_raw(arena, raw, strlen(raw), NULL, &hs, &st, &err);
    const mn_middleware *list[] = { &mn_security_middleware, NULL };
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .middleware = list };
    mn_site *s = mn_site_new(&c, &err);
    mn_response *r = mn_site_handle(s, req);
    cr_assert(web_header_is(r, "Strict-Transport-Security", "max-age=3600; includeSubDomains; preload"));
    cr_assert(web_header_is(r, "X-XSS-Protection", "1; mode=block"));
    cr_assert(web_header_is(r, "Referrer-Policy", "no-referrer,strict-origin-when-cross-origin"));
    mn_site_free(s);
}

/* ---- CommonMiddleware ---- */

Test(mw, append_slash_redirects_when_the_slash_url_resolves)
{
    mn_response *r = run(&mn_common_middleware, "GET", "/tiny?x=1", NULL);
    cr_assert_eq(mn_response_status(r), 301);
    cr_assert(web_header_is(r, "Location", "/tiny/?x=1"));
    r = run(&mn_common_middleware, "GET", "/items/3", NULL);
    cr_assert(web_header_is(r, "Location", "/items/3/"));
    r = run(&mn_common_middleware, "GET", "/missing", NULL);
    cr_assert_eq(mn_response_status(r), 404, "no redirect when the slash URL does not resolve either");
    settings.APPEND_SLASH = false;
    r = run(&mn_common_middleware, "GET", "/tiny", NULL);
    cr_assert_eq(mn_response_status(r), 404);
}

Test(mw, append_slash_escapes_leading_double_slash)
{
    static const mn_url_pattern p[] = { MN_RE_PATH("^/evil.com/$", tiny, NULL), MN_URL_END };
    static const mn_urlconf conf = { .patterns = p };
    const mn_middleware *list[] = { &mn_common_middleware, NULL };
    mn_site_config c = { .settings = &settings, .urlconf = &conf, .middleware = list };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    cr_assert(s, "%s", err.msg);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "//evil.com", NULL));
    cr_assert_eq(mn_response_status(r), 301);
    cr_assert(web_header_is(r, "Location", "/%2Fevil.com/"));
    mn_site_free(s);
}

Test(mw, append_slash_post_in_debug_fails)
{
    settings.DEBUG = true;
    mn_response *r = run(&mn_common_middleware, "POST", "/tiny", "Content-Length: 0\r\n");
    cr_assert_eq(mn_response_status(r), 500);
    cr_assert(web_body_has(r, "APPEND_SLASH"));
    settings.DEBUG = false;
    r = run(&mn_common_middleware, "POST", "/tiny", "Content-Length: 0\r\n");
    cr_assert_eq(mn_response_status(r), 301);
}

Test(mw, prepend_www)
{
    settings.PREPEND_WWW = true;
    static const char *const hosts[] = { "example.com", "www.example.com" };
    (void)hosts;
    mn_response *r = run(&mn_common_middleware, "GET", "/tiny/?q=1", "Host: localhost\r\n");
    cr_assert_eq(mn_response_status(r), 301);
    cr_assert(web_header_is(r, "Location", "http://www.localhost/tiny/?q=1"));
    r = run(&mn_common_middleware, "GET", "/tiny", "Host: localhost\r\n");
    cr_assert(web_header_is(r, "Location", "http://www.localhost/tiny/"));
}

Test(mw, disallowed_user_agents)
{
    static const char *const agents[] = { "^BadBot", "evil[0-9]+", NULL };
    static const mn_common_options opts = { .disallowed_user_agents = agents };
    const mn_middleware m = { .name = "Common", .call = mn_common_middleware_call, .data = &opts };
    mn_response *r = run(&m, "GET", "/tiny/", "User-Agent: BadBot/1.0\r\n");
    cr_assert_eq(mn_response_status(r), 403);
    r = run(&m, "GET", "/tiny/", "User-Agent: Mozilla evil42\r\n");
    cr_assert_eq(mn_response_status(r), 403);
    r = run(&m, "GET", "/tiny/", "User-Agent: Mozilla/5.0 GoodBot\r\n");
    cr_assert_eq(mn_response_status(r), 200);
    r = run(&m, "GET", "/tiny/", NULL);
    cr_assert_eq(mn_response_status(r), 200);
}

/* ---- XFrameOptionsMiddleware ---- */

Test(mw, xframe_options)
{
    mn_response *r = run(&mn_xframe_options_middleware, "GET", "/", NULL);
    cr_assert(web_header_is(r, "X-Frame-Options", "DENY"));
    r = run(&mn_xframe_options_middleware, "GET", "/framed/", NULL);
    cr_assert(web_header_is(r, "X-Frame-Options", "SAMEORIGIN"));
    settings.X_FRAME_OPTIONS = "sameorigin";
    r = run(&mn_xframe_options_middleware, "GET", "/", NULL);
    cr_assert(web_header_is(r, "X-Frame-Options", "SAMEORIGIN"));
    cr_assert_eq(mn_view_mark(tiny, MN_VIEW_XFRAME_EXEMPT), MN_OK);
    r = run(&mn_xframe_options_middleware, "GET", "/tiny/", NULL);
    cr_assert(!web_has_header(r, "X-Frame-Options"));
}

/* ---- GZipMiddleware ---- */

static mn_str gunzip(mn_str z)
{
    static char out[8192];
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (Bytef *)z.ptr;
    zs.avail_in = (uInt)z.len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = sizeof out;
    cr_assert_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t n = sizeof out - zs.avail_out;
    inflateEnd(&zs);
    return mn_str_make(out, n);
}

Test(mw, gzip_compresses_text_for_clients_that_accept_it)
{
    mn_response *plain = run(&mn_gzip_middleware, "GET", "/", NULL);
    cr_assert(!web_has_header(plain, "Content-Encoding"));
    cr_assert(web_header_is(plain, "Vary", "Accept-Encoding"));
    mn_str original = mn_response_body(plain);
    mn_response *r = run(&mn_gzip_middleware, "GET", "/", "Accept-Encoding: br, gzip;q=0.8\r\n");
    cr_assert(web_header_is(r, "Content-Encoding", "gzip"));
    cr_assert(web_header_is(r, "Vary", "Accept-Encoding"));
    mn_str z = mn_response_body(r);
    cr_assert_lt(z.len, original.len);
    cr_assert(mn_str_eq(gunzip(z), original));
}

Test(mw, gzip_skips_small_incompressible_and_exempt_responses)
{
    mn_response *r = run(&mn_gzip_middleware, "GET", "/tiny/", "Accept-Encoding: gzip\r\n");
    cr_assert(!web_has_header(r, "Content-Encoding"));
    r = run(&mn_gzip_middleware, "GET", "/png/", "Accept-Encoding: gzip\r\n");
    cr_assert(!web_has_header(r, "Content-Encoding"), "images are not compressed");
    r = run(&mn_gzip_middleware, "GET", "/", "Accept-Encoding: gzipx\r\n");
    cr_assert(!web_has_header(r, "Content-Encoding"));
    cr_assert_eq(mn_view_mark(secret, MN_VIEW_GZIP_EXEMPT), MN_OK);
    r = run(&mn_gzip_middleware, "GET", "/secret/", "Accept-Encoding: gzip\r\n");
    cr_assert(!web_has_header(r, "Content-Encoding"), "views reflecting secrets are never compressed");
}

Test(mw, gzip_length_varies_against_breach)
{
    size_t lens[16];
    bool varied = false;
    for (int i = 0; i < 16; i++) {
        mn_response *r = run(&mn_gzip_middleware, "GET", "/", "Accept-Encoding: gzip\r\n");
        lens[i] = mn_response_body(r).len;
        varied = varied || lens[i] != lens[0];
    }
    cr_assert(varied, "the gzip header padding must change the length");
}

Test(mw, gzip_weakens_etags)
{
    const mn_middleware *list[] = { &mn_gzip_middleware, &mn_conditional_get_middleware, NULL };
    mn_site_config c = { .settings = &settings, .urlconf = &urls, .middleware = list };
    mn_err err = { 0 };
    mn_site *s = mn_site_new(&c, &err);
    mn_response *r = mn_site_handle(s, web_request(arena, "GET", "/", "Accept-Encoding: gzip\r\n"));
    mn_str etag;
    cr_assert(mn_response_header(r, "ETag", &etag));
    cr_assert(mn_str_starts_with(etag, MN_STR("W/\"")));
    mn_site_free(s);
}

/* ---- ConditionalGetMiddleware ---- */

Test(mw, conditional_get_etag_and_304)
{
    mn_response *r = run(&mn_conditional_get_middleware, "GET", "/tiny/", NULL);
    /* md5("tiny") */
    cr_assert(web_header_is(r, "ETag", "\"d60cadf1a41c651e1f0ade50136bad43\""));
    mn_str etag;
    mn_response_header(r, "ETag", &etag);
    char *h = mn_arena_sprintf(arena, "If-None-Match: W/%.*s\r\n", MN_STR_FMT(etag));
    r = run(&mn_conditional_get_middleware, "GET", "/tiny/", h);
    cr_assert_eq(mn_response_status(r), 304);
    cr_assert_eq(mn_response_body(r).len, 0);
    cr_assert(!web_has_header(r, "Content-Type"));
    r = run(&mn_conditional_get_middleware, "GET", "/tiny/", "If-None-Match: \"other\"\r\n");
    cr_assert_eq(mn_response_status(r), 200);
    r = run(&mn_conditional_get_middleware, "GET", "/tiny/", "If-None-Match: *\r\n");
    cr_assert_eq(mn_response_status(r), 304);
    r = run(&mn_conditional_get_middleware, "GET", "/tiny/", "If-Match: \"other\"\r\n");
    cr_assert_eq(mn_response_status(r), 412);
    h = mn_arena_sprintf(arena, "If-Match: %.*s\r\n", MN_STR_FMT(etag));
    r = run(&mn_conditional_get_middleware, "GET", "/tiny/", h);
    cr_assert_eq(mn_response_status(r), 200);
    r = run(&mn_conditional_get_middleware, "POST", "/tiny/", "Content-Length: 0\r\n");
    cr_assert(!web_has_header(r, "ETag"), "only GET gets an ETag");
    r = run(&mn_conditional_get_middleware, "GET", "/nostore/", NULL);
    cr_assert(!web_has_header(r, "ETag"), "no-store responses get no ETag");
}

Test(mw, conditional_get_last_modified)
{
    mn_response *r = run(&mn_conditional_get_middleware, "GET", "/dated/",
                         "If-None-Match: \"x\"\r\nIf-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
    cr_assert_eq(mn_response_status(r), 200, "If-None-Match takes precedence");
    r = run(&mn_conditional_get_middleware, "GET", "/nostore/",
            "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
    cr_assert_eq(mn_response_status(r), 200, "no validator, no 304");
    const mn_middleware *list[] = { &mn_conditional_get_middleware, NULL };
    (void)list;
    /* Without an ETag from the middleware (no-store) the date decides. */
    mn_request *req = web_request(arena, "GET", "/", "If-Modified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
    mn_response *resp = mn_response_text(req, 200, "text/plain", MN_STR("x"));
    cr_assert_eq(mn_response_status(mn_conditional_response(req, resp, MN_STR_EMPTY, 1445412480)), 304);
    req = web_request(arena, "GET", "/", "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n");
    resp = mn_response_text(req, 200, "text/plain", MN_STR("x"));
    cr_assert_eq(mn_response_status(mn_conditional_response(req, resp, MN_STR_EMPTY, 784111777)), 304);
    req = web_request(arena, "GET", "/", "If-Modified-Since: Sun Nov  6 08:49:37 1994\r\n");
    resp = mn_response_text(req, 200, "text/plain", MN_STR("x"));
    cr_assert_eq(mn_response_status(mn_conditional_response(req, resp, MN_STR_EMPTY, 784111778)), 200,
                 "modified after the client's date");
    req = web_request(arena, "GET", "/", "If-Modified-Since: garbage\r\n");
    resp = mn_response_text(req, 200, "text/plain", MN_STR("x"));
    cr_assert_eq(mn_response_status(mn_conditional_response(req, resp, MN_STR_EMPTY, 1)), 200);
    req = web_request(arena, "PUT", "/", "Content-Length: 0\r\nIf-Unmodified-Since: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
    resp = mn_response_text(req, 200, "text/plain", MN_STR("x"));
    cr_assert_eq(mn_response_status(mn_conditional_response(req, resp, MN_STR_EMPTY, 1445412481)), 412);
}
