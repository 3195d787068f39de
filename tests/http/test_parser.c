#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "manouche/http.h"

static mn_header hdrs[128];
static mn_http_head head;

static ptrdiff_t parse(const char *s)
{
    return mn_http_parse_head(s, strlen(s), NULL, hdrs, 128, &head);
}

static ptrdiff_t parse_lim(const char *s, size_t line, size_t count, size_t size)
{
    mn_http_limits lim = { line, count, size };
    return mn_http_parse_head(s, strlen(s), &lim, hdrs, 128, &head);
}

Test(parser, simple_get)
{
    const char *r = "GET /a/b?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
    cr_assert_eq(parse(r), (ptrdiff_t)strlen(r));
    cr_assert(mn_str_eq_cstr(head.method, "GET"));
    cr_assert(mn_str_eq_cstr(head.target, "/a/b?x=1&y=2"));
    cr_assert(mn_str_eq_cstr(head.path, "/a/b"));
    cr_assert(mn_str_eq_cstr(head.query, "x=1&y=2"));
    cr_assert(mn_str_eq_cstr(head.host, "example.com"));
    cr_assert_eq(head.version_minor, 1);
    cr_assert_eq(head.nheaders, 2);
    cr_assert(mn_str_eq_cstr(head.headers[1].name, "Accept"));
    cr_assert(mn_str_eq_cstr(head.headers[1].value, "*/*"));
    cr_assert(head.keep_alive);
    cr_assert_eq(head.content_length, -1);
    cr_assert(!head.chunked);
}

Test(parser, incomplete_then_complete)
{
    const char *r = "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
    size_t full = strlen(r) - 3;
    for (size_t i = 0; i < full; i++)
        cr_assert_eq(mn_http_parse_head(r, i, NULL, hdrs, 128, &head), 0, "prefix %zu", i);
    cr_assert_eq(mn_http_parse_head(r, strlen(r), NULL, hdrs, 128, &head), (ptrdiff_t)full);
    cr_assert_eq(head.content_length, 3);
}

Test(parser, value_ows_trimmed_and_empty_value)
{
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost:h\r\nX-A: \t v w \t\r\nX-B:\r\n\r\n"), 0);
    cr_assert(mn_str_eq_cstr(head.headers[1].value, "v w"));
    cr_assert(mn_str_eq_cstr(head.headers[2].value, ""));
    cr_assert(mn_str_eq_cstr(head.host, "h"));
}

Test(parser, http10_and_keepalive)
{
    cr_assert_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);
    cr_assert_eq(head.version_minor, 0);
    cr_assert(!head.keep_alive);
    cr_assert(!head.has_host);
    cr_assert_gt(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
    cr_assert(head.keep_alive);
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n"), 0);
    cr_assert(!head.keep_alive);
}

Test(parser, leading_empty_lines_skipped)
{
    cr_assert_gt(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
    cr_assert(mn_str_eq_cstr(head.method, "GET"));
    cr_assert_eq(parse("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}

Test(parser, absolute_form_overrides_host)
{
    cr_assert_gt(parse("GET http://Example.org:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n"), 0);
    cr_assert(mn_str_eq_cstr(head.host, "Example.org:8080"));
    cr_assert(mn_str_eq_cstr(head.path, "/p"));
    cr_assert(mn_str_eq_cstr(head.query, "q"));
    cr_assert_gt(parse("GET https://e.org HTTP/1.1\r\nHost: e.org\r\n\r\n"), 0);
    cr_assert(mn_str_eq_cstr(head.path, "/"));
    cr_assert_eq(parse("GET ftp://e.org/ HTTP/1.1\r\nHost: e.org\r\n\r\n"), -400);
    cr_assert_eq(parse("GET http:/// HTTP/1.1\r\nHost: e.org\r\n\r\n"), -400);
}

Test(parser, asterisk_only_for_options)
{
    cr_assert_gt(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
    cr_assert(mn_str_eq_cstr(head.path, "*"));
    cr_assert_eq(parse("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}

Test(parser, smuggling_cl_and_te)
{
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"), -400);
}

Test(parser, content_length_strict)
{
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x10\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n"), -400);
    cr_assert_gt(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 007\r\n\r\n"), 0);
    cr_assert_eq(head.content_length, 7);
}

Test(parser, transfer_encoding_strict)
{
    cr_assert_gt(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"), 0);
    cr_assert(head.chunked);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
    cr_assert_eq(parse("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
}

Test(parser, obs_fold_and_whitespace)
{
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n\tb\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1 \r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET /  HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}

Test(parser, invalid_characters)
{
    cr_assert_eq(parse("G(T / HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-(a): b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\n: b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: h\nX-A: b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\nHost: h\r\n\r\n"), -400);
    static const char nul[] = "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\0b\r\n\r\n";
    cr_assert_eq(mn_http_parse_head(nul, sizeof nul - 1, NULL, hdrs, 128, &head), -400);
    /* obs-text is allowed in values */
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: caf\xc3\xa9\r\n\r\n"), 0);
}

Test(parser, host_rules)
{
    cr_assert_eq(parse("GET / HTTP/1.1\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: a:b\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), -400);
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n"), 0);
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\n"), 0);
    cr_assert_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);
}

Test(parser, versions)
{
    cr_assert_eq(parse("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), -505);
    cr_assert_eq(parse("GET / HTTP/0.9\r\nHost: h\r\n\r\n"), -505);
    cr_assert_eq(parse("GET / HTTP/1.10\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET / http/1.1\r\nHost: h\r\n\r\n"), -400);
    cr_assert_eq(parse("GET /\r\n\r\n"), -400);
    cr_assert_gt(parse("GET / HTTP/1.2\r\nHost: h\r\n\r\n"), 0);
    cr_assert_eq(head.version_minor, 1);
}

Test(parser, expect)
{
    cr_assert_gt(parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n"), 0);
    cr_assert(head.expect_continue);
    cr_assert_eq(parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n"), -417);
}

Test(parser, limits)
{
    char line[9000];
    memset(line, 'a', sizeof line);
    memcpy(line, "GET /", 5);
    line[sizeof line - 1] = '\0';
    cr_assert_eq(parse(line), -414, "a long incomplete line is 414 before the end");
    cr_assert_eq(parse_lim("GET /aaaaaaaaaa HTTP/1.1\r\nHost: h\r\n\r\n", 20, 0, 0), -414);
    cr_assert_gt(parse_lim("GET /aaa HTTP/1.1\r\nHost: h\r\n\r\n", 20, 0, 0), 0);
    cr_assert_eq(parse_lim("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", 0, 2, 0), -431);
    cr_assert_gt(parse_lim("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n", 0, 2, 0), 0);
    cr_assert_eq(parse_lim("GET / HTTP/1.1\r\nHost: h\r\nA: 0123456789012345678901234567890123456789\r\n\r\n", 0, 0, 40), -431);
    /* incomplete but already over the size limit */
    cr_assert_eq(parse_lim("GET / HTTP/1.1\r\nHost: h\r\nA: 0123456789012345678901234567890123456789", 0, 0, 40), -431);
}

/* The verdict on a head must not depend on how it is split into reads:
 * every prefix gives 0 or the whole head's verdict, and the size limit
 * counts the whole head (request line to the final empty line). */
Test(parser, limits_independent_of_segmentation)
{
    mn_http_limits lim = { 100, 10, 300 };
    for (size_t total = 290; total <= 310; total++) {
        char buf[400];
        int n = snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: x\r\nX-A: ");
        size_t pad = total - (size_t)n - 4;
        memset(buf + n, 'v', pad);
        memcpy(buf + n + pad, "\r\n\r\n", 4);
        ptrdiff_t whole = mn_http_parse_head(buf, total, &lim, hdrs, 128, &head);
        cr_assert_eq(whole, total <= 300 ? (ptrdiff_t)total : -431, "head of %zu bytes: %td", total, whole);
        for (size_t k = 0; k < total; k++) {
            ptrdiff_t r = mn_http_parse_head(buf, k, &lim, hdrs, 128, &head);
            cr_assert(r == 0 || r == whole, "head of %zu bytes: its first %zu give %td, the whole %td",
                      total, k, r, whole);
        }
    }
}

Test(parser, find_header_case_insensitive)
{
    cr_assert_gt(parse("GET / HTTP/1.1\r\nhOsT: h\r\nX-Thing: v\r\n\r\n"), 0);
    const mn_header *h = mn_http_find_header(head.headers, head.nheaders, MN_STR("x-thing"));
    cr_assert_not_null(h);
    cr_assert(mn_str_eq_cstr(h->value, "v"));
    cr_assert_null(mn_http_find_header(head.headers, head.nheaders, MN_STR("nope")));
}

static int dechunk(const char *in, char *out, size_t *outlen, size_t max)
{
    size_t n = strlen(in);
    memcpy(out, in, n);
    mn_http_chunked st = { 0 };
    size_t d = 0, r = 0;
    int rc = mn_http_chunked_decode(&st, out, &d, &r, n, max);
    *outlen = d;
    return rc;
}

Test(chunked, basic_and_extensions_and_trailers)
{
    char buf[256];
    size_t n;
    cr_assert_eq(dechunk("5\r\nhello\r\n6;a=b;c=\"d\"\r\n world\r\n0\r\nX-T: 1\r\n\r\n", buf, &n, 0), 1);
    cr_assert_eq(n, 11);
    cr_assert(!memcmp(buf, "hello world", 11));
    cr_assert_eq(dechunk("A\r\n0123456789\r\n0\r\n\r\n", buf, &n, 0), 1);
    cr_assert_eq(n, 10);
}

Test(chunked, byte_by_byte)
{
    const char *in = "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\nNEXT";
    char buf[128];
    size_t len = strlen(in);
    memcpy(buf, in, len);
    mn_http_chunked st = { 0 };
    size_t d = 0, r = 0;
    int rc = 0;
    for (size_t end = 1; end <= len && rc == 0; end++)
        rc = mn_http_chunked_decode(&st, buf, &d, &r, end, 0);
    cr_assert_eq(rc, 1);
    cr_assert_eq(d, 19);
    cr_assert(!memcmp(buf, "abc0123456789abcdef", 19));
    cr_assert(!memcmp(buf + r, "NEXT", 4));
}

Test(chunked, rejects_bad_framing)
{
    char buf[256];
    size_t n;
    cr_assert_eq(dechunk("g\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5\nhello\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5\r\nhelloX\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5\r\nhello\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("1234567890123456\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("-1\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk(" 5\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5\x01\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("0\r\n bad\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5;\r\nhello\r\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5;a=\r\nhello\r\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5 ;a\r\nhello\r\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5;a,b\r\nhello\r\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("5;a=\"x\xff\"\r\nhello\r\n0\r\n\r\n", buf, &n, 0), 1, "obs-text inside quotes");
    cr_assert_eq(dechunk("5;a=\"unterminated\r\nhello\r\n0\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("0\r\nnocolon\r\n\r\n", buf, &n, 0), -400);
    cr_assert_eq(dechunk("0\r\nX: a\rb\r\n\r\n", buf, &n, 0), -400);
}

Test(chunked, limit)
{
    char buf[256];
    size_t n;
    cr_assert_eq(dechunk("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", buf, &n, 8), -413);
    cr_assert_eq(dechunk("ffffffff\r\n", buf, &n, 1000), -413);
    cr_assert_eq(dechunk("5\r\nhello\r\n0\r\n\r\n", buf, &n, 5), 1);
}

Test(parser, reasons)
{
    cr_assert_str_eq(mn_http_reason(200), "OK");
    cr_assert_str_eq(mn_http_reason(431), "Request Header Fields Too Large");
    cr_assert_str_eq(mn_http_reason(299), "Unknown Status Code");
}
