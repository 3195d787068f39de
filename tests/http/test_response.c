#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>
#include "manouche.h"
#include "../../src/http/http_internal.h"

static mn_arena *a;
static mn_request *req;
static void setup(void)
{
    a = mn_arena_new("test", 0);
    const char *raw = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    req = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, NULL, NULL);
}
static void teardown(void) { mn_arena_free(a); }
TestSuite(response, .init = setup, .fini = teardown);

static const char *head_of(mn_response *r, int minor, bool keep)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    cr_assert_eq(mn__response_serialize_head(r, &b, minor, keep, false, "Sun, 06 Nov 1994 08:49:37 GMT", "Manouche"), MN_OK);
    return mn_buf_cstr(&b);
}

Test(response, defaults_and_headers)
{
    mn_response *r = mn_response_new(req, 200);
    cr_assert_eq(mn_response_status(r), 200);
    cr_assert(mn_str_eq_cstr(mn_response_reason(r), "OK"));
    mn_str v;
    cr_assert(mn_response_header(r, "content-type", &v) && mn_str_eq_cstr(v, "text/html; charset=utf-8"));
    cr_assert_eq(mn_response_set_header_cstr(r, "X-A", "1"), MN_OK);
    cr_assert_eq(mn_response_add_header(r, "x-a", MN_STR("2")), MN_OK);
    cr_assert_eq(mn_response_set_header_cstr(r, "Bad Name", "1"), MN_EINVAL);
    cr_assert_eq(mn_response_set_header_cstr(r, "X-Inject", "a\r\nSet-Cookie: x=1"), MN_EINVAL);
    cr_assert_eq(mn_response_write_str(r, MN_STR("hello ")), MN_OK);
    cr_assert_eq(mn_response_write(r, "world", 5), MN_OK);
    cr_assert(mn_str_eq_cstr(mn_response_body(r), "hello world"));
    cr_assert_str_eq(head_of(r, 1, true),
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-A: 1\r\nx-a: 2\r\n"
                     "Content-Length: 11\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: Manouche\r\n\r\n");
    cr_assert(mn_response_delete_header(r, "X-A"));
    cr_assert(!mn_response_header(r, "x-a", &v));
    mn_response_set_status(r, 299, "Custom");
    cr_assert(strstr(head_of(r, 0, true), "HTTP/1.1 299 Custom\r\n") != NULL);
    cr_assert(strstr(head_of(r, 0, true), "Connection: keep-alive\r\n") != NULL);
    cr_assert(strstr(head_of(r, 1, false), "Connection: close\r\n") != NULL);
}

Test(response, no_body_statuses_and_framing)
{
    mn_response *r = mn_response_new(req, 304);
    mn_response_set_header_cstr(r, "Content-Length", "99");
    const char *h = head_of(r, 1, true);
    cr_assert(strstr(h, "Content-Length") == NULL && strstr(h, "Content-Type") == NULL, "%s", h);
    mn_response *s = mn_response_stream(req, 200, "text/plain", NULL, NULL);
    cr_assert(strstr(head_of(s, 1, true), "Transfer-Encoding: chunked\r\n") != NULL);
    cr_assert(strstr(head_of(s, 0, false), "Transfer-Encoding") == NULL);
    cr_assert_eq(mn_response_write(s, "x", 1), MN_EINVAL);
}

Test(response, helpers)
{
    mn_response *j = mn_response_json_text(req, 201, MN_STR("{\"a\":1}"));
    mn_str v;
    cr_assert(mn_response_header(j, "Content-Type", &v) && mn_str_eq_cstr(v, "application/json"));
    cr_assert(mn_str_eq_cstr(mn_response_body(j), "{\"a\":1}"));
    mn_response *rd = mn_response_redirect(req, "/next", true);
    cr_assert_eq(mn_response_status(rd), 301);
    cr_assert(mn_response_header(rd, "Location", &v) && mn_str_eq_cstr(v, "/next"));
    cr_assert_eq(mn_response_status(mn_response_redirect(req, "/n", false)), 302);
    mn_response *e = mn_http_404(req);
    cr_assert(mn_str_eq_cstr(mn_response_body(e),
                             "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n"
                             "<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n"
                             "</body>\n</html>\n"));
    cr_assert(strstr(mn_response_body(mn_http_error(req, 500)).ptr, "<h1>Server Error (500)</h1>") != NULL);
    cr_assert_eq(mn_response_status(mn_response_file(req, "/nonexistent", NULL)), 404);
}

Test(response, file_range)
{
    const char *raw = "GET / HTTP/1.1\r\nHost: localhost\r\nRange: bytes=2-4\r\n\r\n";
    mn_request *rr = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, NULL, NULL);
    char path[] = "/tmp/mn-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(write(fd, "0123456789", 10) == 10);
    close(fd);
    mn_file_options o = { .as_attachment = true, .filename = "r\xc3\xa9sum\xc3\xa9.txt" };
    mn_response *r = mn_response_file(rr, path, &o);
    unlink(path);
    cr_assert_eq(mn_response_status(r), 206);
    mn_str v;
    cr_assert(mn_response_header(r, "Content-Range", &v) && mn_str_eq_cstr(v, "bytes 2-4/10"));
    cr_assert(mn_response_header(r, "Content-Disposition", &v) &&
              mn_str_eq_cstr(v, "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.txt"), "%.*s", MN_STR_FMT(v));
    off_t off, len;
    cr_assert_geq(mn__response_file(r, &off, &len), 0);
    cr_assert_eq(off, 2);
    cr_assert_eq(len, 3);
    cr_assert(strstr(head_of(r, 1, true), "Content-Length: 3\r\n") != NULL);
}

Test(response, json_from_value)
{
    cr_assert_not_null(req);
    mn_map *m = mn_map_new(a, 2);
    mn_map_set_cstr(m, "message", mn_value_cstr("Hello, World!"));
    mn_map_set_cstr(m, "price", mn_value_decimal(mn_decimal_make(1999, 2)));
    mn_response *r = mn_response_json(req, 201, mn_value_map(m), MN_JSON_COMPACT);
    cr_assert_not_null(r);
    cr_assert_eq(mn_response_status(r), 201);
    mn_str ct;
    cr_assert(mn_response_header(r, "Content-Type", &ct));
    cr_assert(mn_str_eq_cstr(ct, "application/json"));
    cr_assert(mn_str_eq_cstr(mn_response_body(r), "{\"message\":\"Hello, World!\",\"price\":19.99}"));
    /* JsonResponse's own bytes: json.dumps defaults. */
    mn_map *d = mn_map_new(mn_request_arena(req), 1);
    mn_map_set_cstr(d, "name", mn_value_cstr("café"));
    r = mn_response_json(req, 200, mn_value_map(d), MN_JSON_DJANGO);
    cr_assert(mn_str_eq_cstr(mn_response_body(r), "{\"name\": \"caf\\u00e9\"}"));
    /* NaN cannot be JSON: no response, the framework answers 500. */
    cr_assert_null(mn_response_json(req, 200, mn_value_float(0.0 / 0.0), MN_JSON_COMPACT));
}
