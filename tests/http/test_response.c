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

/* A file response to a request carrying extra header lines. */
static mn_response *file_with(const char *headers, const char *path)
{
    char *raw = mn_arena_sprintf(a, "GET / HTTP/1.1\r\nHost: localhost\r\n%s\r\n", headers);
    mn_request *rr = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, NULL, NULL);
    cr_assert_not_null(rr);
    return mn_response_file(rr, path, NULL);
}

Test(response, file_byteranges)
{
    char path[] = "/tmp/mn-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(write(fd, "0123456789", 10) == 10);
    close(fd);
    mn_response *r = file_with("Range: bytes=1-2, ,-3\r\n", path);
    cr_assert_eq(mn_response_status(r), 206);
    mn_str ct;
    cr_assert(mn_response_header(r, "Content-Type", &ct));
    cr_assert(mn_str_starts_with(ct, MN_STR("multipart/byteranges; boundary=")));
    mn_str bd = mn_str_make(ct.ptr + 31, ct.len - 31);
    cr_assert_eq(bd.len, 20);
    cr_assert(!mn_response_header(r, "Content-Range", &ct), "no Content-Range on the whole response");
    off_t off, len;
    cr_assert_geq(mn__response_file(r, &off, &len), 0);
    cr_assert_eq(len, 0, "sent by parts");
    mn_str prefix;
    cr_assert(mn__response_file_part(r, 0, &prefix, &off, &len));
    char *want = mn_arena_sprintf(a, "\r\n--%.*s\r\nContent-Type: application/octet-stream\r\n"
                                     "Content-Range: bytes 1-2/10\r\n\r\n", MN_STR_FMT(bd));
    cr_assert(mn_str_eq_cstr(prefix, want), "%.*s", MN_STR_FMT(prefix));
    cr_assert_eq(off, 1);
    cr_assert_eq(len, 2);
    size_t total = prefix.len + 2;
    cr_assert(mn__response_file_part(r, 1, &prefix, &off, &len));
    cr_assert(strstr(prefix.ptr, "Content-Range: bytes 7-9/10\r\n\r\n") != NULL);
    cr_assert_eq(off, 7);
    cr_assert_eq(len, 3);
    total += prefix.len + 3;
    cr_assert(mn__response_file_part(r, 2, &prefix, &off, &len));
    cr_assert(mn_str_eq_cstr(prefix, mn_arena_sprintf(a, "\r\n--%.*s--\r\n", MN_STR_FMT(bd))));
    cr_assert_eq(len, 0);
    total += prefix.len;
    cr_assert(!mn__response_file_part(r, 3, &prefix, &off, &len));
    char *cl = mn_arena_sprintf(a, "Content-Length: %zu\r\n", total);
    cr_assert(strstr(head_of(r, 1, true), cl) != NULL);

    /* Ignored: other units, bad syntax anywhere, overlapping abuse, too many. */
    static const char *const whole[] = {
        "Range: items=1-2,3-4\r\n", "Range: bytes=1-2,x\r\n", "Range: bytes=5-3,0-1\r\n",
        "Range: bytes=0-,0-\r\n", "Range: bytes=0-0,-9,2-3\r\n", "Range: bytes=,\r\n",
        "Range: bytes=1-2\r\nIf-Range: \"etag\"\r\n",
        "Range: bytes=1-2\r\nIf-Range: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
    };
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
        r = file_with(whole[i], path);
        cr_assert_eq(mn_response_status(r), 200, "%s", whole[i]);
        cr_assert_geq(mn__response_file(r, &off, &len), 0);
        cr_assert_eq(len, 10);
    }
    mn_buf many;
    mn_buf_init(&many, a, 0);
    mn_buf_puts(&many, "Range: bytes=0-0");
    for (int i = 1; i < 65; i++)
        mn_buf_printf(&many, ",%d-%d", i % 10, i % 10);
    mn_buf_puts(&many, "\r\n");
    cr_assert_eq(mn_response_status(file_with(mn_buf_cstr(&many), path)), 200, "65 ranges: ignored");
    /* Unsatisfiable ones are dropped; none left: 416. */
    r = file_with("Range: bytes=20-30,4-4\r\n", path);
    cr_assert_eq(mn_response_status(r), 206);
    cr_assert(mn_response_header(r, "Content-Range", &ct) && mn_str_eq_cstr(ct, "bytes 4-4/10"));
    cr_assert_eq(mn_response_status(file_with("Range: bytes=20-30,10-\r\n", path)), 416);
    /* If-Range with the file's Last-Modified applies the range. */
    mn_response *plain = file_with("", path);
    mn_str lm;
    cr_assert(mn_response_header(plain, "Last-Modified", &lm));
    char *hdr = mn_arena_sprintf(a, "Range: bytes=1-2\r\nIf-Range: %.*s\r\n", MN_STR_FMT(lm));
    cr_assert_eq(mn_response_status(file_with(hdr, path)), 206);
    unlink(path);
}

/* Range numbers beyond off_t (2^63 and up) must not wrap into negative
 * offsets: they are past the end of any file. */
Test(response, file_range_overflow)
{
    char path[] = "/tmp/mn-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(write(fd, "0123456789", 10) == 10);
    close(fd);
    static const char *const past[] = {
        "Range: bytes=9223372036854775808-\r\n",
        "Range: bytes=18446744073709551615-18446744073709551615\r\n",
        "Range: bytes=9223372036854775808-9223372036854775809,20-\r\n",
    };
    for (size_t i = 0; i < sizeof past / sizeof *past; i++)
        cr_assert_eq(mn_response_status(file_with(past[i], path)), 416, "%s", past[i]);
    off_t off, len;
    mn_response *r = file_with("Range: bytes=2-18446744073709551615\r\n", path);
    cr_assert_eq(mn_response_status(r), 206);
    mn__response_file(r, &off, &len);
    cr_assert_eq(off, 2);
    cr_assert_eq(len, 8);
    r = file_with("Range: bytes=-18446744073709551615\r\n", path);
    cr_assert_eq(mn_response_status(r), 206);
    mn__response_file(r, &off, &len);
    cr_assert_eq(off, 0);
    cr_assert_eq(len, 10);
    unlink(path);
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
