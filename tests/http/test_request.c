#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "manouche/http.h"

static mn_arena *a;
static void setup(void) { a = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(a); }
TestSuite(request, .init = setup, .fini = teardown);

static mn_request *mk(const char *raw, const mn_http_settings *s)
{
    int st = 0;
    mn_err err = { 0 };
    mn_request *r = mn_request_from_raw(a, raw, strlen(raw), "10.0.0.1", s, &st, &err);
    cr_assert_not_null(r, "status %d: %s", st, err.msg);
    return r;
}

Test(request, basics_and_meta)
{
    mn_request *r = mk("GET /caf%C3%A9/x?q=1&q=2 HTTP/1.1\r\nHost: localhost:8000\r\n"
                       "User-Agent: t\r\nX-Multi: a\r\nx-multi: b\r\nX_Under: no\r\n\r\n", NULL);
    cr_assert(mn_str_eq_cstr(mn_request_method(r), "GET"));
    cr_assert(mn_request_is_method(r, "GET"));
    cr_assert(mn_str_eq_cstr(mn_request_path(r), "/caf\xc3\xa9/x"));
    cr_assert(mn_str_eq_cstr(mn_request_full_path(r), "/caf%C3%A9/x?q=1&q=2"));
    cr_assert(mn_str_eq_cstr(mn_request_query_string(r), "q=1&q=2"));
    cr_assert_eq(mn_querydict_count(mn_request_query(r), "q"), 2);
    mn_str v;
    cr_assert(mn_request_header(r, "user-agent", &v) && mn_str_eq_cstr(v, "t"));
    cr_assert(mn_request_header(r, "X-MULTI", &v) && mn_str_eq_cstr(v, "a, b"));
    cr_assert(mn_request_meta(r, "HTTP_USER_AGENT", &v) && mn_str_eq_cstr(v, "t"));
    cr_assert(mn_request_meta(r, "HTTP_X_MULTI", &v) && mn_str_eq_cstr(v, "a,b"));
    cr_assert(!mn_request_meta(r, "HTTP_X_UNDER", &v), "underscore headers are dropped from META");
    cr_assert(mn_request_meta(r, "REMOTE_ADDR", &v) && mn_str_eq_cstr(v, "10.0.0.1"));
    cr_assert(mn_request_meta(r, "SERVER_PROTOCOL", &v) && mn_str_eq_cstr(v, "HTTP/1.1"));
    cr_assert(mn_request_meta(r, "REQUEST_METHOD", &v) && mn_str_eq_cstr(v, "GET"));
    cr_assert(mn_request_meta(r, "SERVER_PORT", &v) && mn_str_eq_cstr(v, "80"));
    cr_assert(!mn_request_meta(r, "NOPE", &v));
    size_t n;
    mn_request_headers(r, &n);
    cr_assert_eq(n, 5);
    cr_assert(mn_request_is_http11(r));
}

Test(request, bad_requests)
{
    int st = 0;
    const char *bad = "GET /%ff HTTP/1.1\r\nHost: h\r\n\r\n";
    cr_assert_null(mn_request_from_raw(a, bad, strlen(bad), NULL, NULL, &st, NULL));
    cr_assert_eq(st, 400);
    const char *smug = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n";
    cr_assert_null(mn_request_from_raw(a, smug, strlen(smug), NULL, NULL, &st, NULL));
    cr_assert_eq(st, 400);
    const char *shortb = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc";
    cr_assert_null(mn_request_from_raw(a, shortb, strlen(shortb), NULL, NULL, &st, NULL));
}

Test(request, bodies_and_json)
{
    mn_request *r = mk("POST /j HTTP/1.1\r\nHost: localhost\r\nContent-Type: Application/JSON; charset=utf-8\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n7\r\n{\"a\": [\r\n8\r\n1, 2.5]}\r\n0\r\n\r\n", NULL);
    cr_assert(mn_str_eq_cstr(mn_request_body(r), "{\"a\": [1, 2.5]}"));
    cr_assert(mn_str_eq_cstr(mn_request_content_type(r), "application/json"));
    mn_value v;
    mn_err err = { 0 };
    cr_assert_eq(mn_request_json(r, &v, &err), MN_OK, "%s", err.msg);
    mn_value arr = mn_map_get_cstr(v.u.map, "a");
    cr_assert_eq(mn_list_len(arr.u.list), 2);
    cr_assert_eq(mn_list_get(arr.u.list, 0).u.i, 1);
    mn_request *bad = mk("POST /j HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n{\"a\":", NULL);
    cr_assert_eq(mn_request_json(bad, &v, &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "JSON parse error") != NULL);
    cr_assert_eq(mn_querydict_pairs(mn_request_post(r)), 0, "POST is empty for JSON bodies");
}

Test(request, allowed_hosts_like_django)
{
    static const char *const hosts[] = { ".example.com", "exact.org", NULL };
    mn_http_settings s;
    mn_http_settings_init(&s);
    s.allowed_hosts = hosts;
    mn_str h;
    mn_err err = { 0 };
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: a.b.Example.com:80\r\n\r\n", &s), &h, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(h, "a.b.Example.com:80"));
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", &s), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: exact.org.\r\n\r\n", &s), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: badexample.com\r\n\r\n", &s), &h, &err), MN_EPERM);
    cr_assert_str_eq(err.msg, "Invalid HTTP_HOST header: 'badexample.com'. You may need to add 'badexample.com' to ALLOWED_HOSTS.");
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: a_b.com\r\n\r\n", &s), &h, &err), MN_EPERM);
    cr_assert_str_eq(err.msg, "Invalid HTTP_HOST header: 'a_b.com'. The domain name provided is not valid according to RFC 1034/1035.");
    /* The domain named in the message is lower-cased, as Django's. */
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: BadExample.COM:80\r\n\r\n", &s), &h, &err), MN_EPERM);
    cr_assert_str_eq(err.msg, "Invalid HTTP_HOST header: 'BadExample.COM:80'. You may need to add 'badexample.com' to ALLOWED_HOSTS.");
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: EXACT.ORG.:8080\r\n\r\n", &s), &h, &err), MN_OK);
    cr_assert(mn_str_eq_cstr(h, "EXACT.ORG.:8080"));
    static const char *const bad_ports[] = { "exact.org:", "exact.org:8x", "exact.org::80", ":80", "exact.org:80:" };
    for (size_t i = 0; i < sizeof bad_ports / sizeof bad_ports[0]; i++) {
        char raw[96];
        snprintf(raw, sizeof raw, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", bad_ports[i]);
        int st = 0;
        mn_request *r = mn_request_from_raw(a, raw, strlen(raw), "10.0.0.1", &s, &st, NULL);
        if (!r) {
            cr_assert_eq(st, 400, "%s", bad_ports[i]); /* the parser already refuses it */
            continue;
        }
        cr_assert_eq(mn_request_get_host(r, &h, &err), MN_EPERM, "%s", bad_ports[i]);
        cr_assert(strstr(err.msg, "not valid according to RFC 1034/1035"), "%s: %s", bad_ports[i], err.msg);
    }
    static const char *const v6[] = { "[::abcd]", NULL };
    mn_http_settings s6;
    mn_http_settings_init(&s6);
    s6.allowed_hosts = v6;
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: [::ABCD]:8000\r\n\r\n", &s6), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: [::Abcd]\r\n\r\n", &s6), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: [::abce]\r\n\r\n", &s6), &h, &err), MN_EPERM);
    cr_assert_str_eq(err.msg, "Invalid HTTP_HOST header: '[::abce]'. You may need to add '[::abce]' to ALLOWED_HOSTS.");
    /* default (DEBUG) list */
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n", NULL), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n", NULL), &h, &err), MN_OK);
    cr_assert_eq(mn_request_get_host(mk("GET / HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n", NULL), &h, &err), MN_EPERM);
}

Test(request, scheme_and_absolute_uri)
{
    mn_http_settings s;
    mn_http_settings_init(&s);
    s.secure_proxy_ssl_header = "HTTP_X_FORWARDED_PROTO";
    s.secure_proxy_ssl_value = "https";
    mn_request *r = mk("GET /a/b/c?x=1 HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n", &s);
    cr_assert(mn_request_is_secure(r));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, NULL), "https://localhost/a/b/c?x=1"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "/z"), "https://localhost/z"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "d"), "https://localhost/a/b/d"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "../d?q"), "https://localhost/a/d?q"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "/x/./y/../z/"), "https://localhost/x/z/"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "?p=2"), "https://localhost/a/b/c?p=2"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "//cdn.org/x"), "https://cdn.org/x"));
    cr_assert(mn_str_eq_cstr(mn_request_build_absolute_uri(r, "http://o.org/\xc3\xa9"), "http://o.org/%C3%A9"));
    mn_request *r2 = mk("GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: http\r\n\r\n", &s);
    cr_assert(!mn_request_is_secure(r2));
    mn_request *r3 = mk("GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n", NULL);
    cr_assert(!mn_request_is_secure(r3), "the proxy header is not trusted by default");
}

Test(request, urlencoded_post)
{
    mn_request *r = mk("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: 17\r\n\r\nname=J%C3%A9r+o&x", NULL);
    mn_str v;
    cr_assert(mn_querydict_get(mn_request_post(r), "name", &v) && mn_str_eq_cstr(v, "J\xc3\xa9r o"));
    cr_assert(mn_querydict_has(mn_request_post(r), "x"));
    cr_assert_null(mn_request_error(r));
}
