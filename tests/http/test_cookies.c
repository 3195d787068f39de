#include <criterion/criterion.h>
#include <string.h>
#include "manouche/http.h"
#include "../../src/http/http_internal.h"

static mn_arena *a;
static void setup(void) { a = mn_arena_new("test", 0); }
static void teardown(void) { mn_arena_free(a); }
TestSuite(cookies, .init = setup, .fini = teardown);

static mn_request *req_for(const char *raw)
{
    int st;
    mn_request *r = mn_request_from_raw(a, raw, strlen(raw), NULL, NULL, &st, NULL);
    cr_assert_not_null(r);
    return r;
}

Test(cookies, parse_like_django)
{
    /* Django: {'a': '3', 'b': 'x\\y;', '': 'd', 'e': 'f=g'} */
    mn_map *m = mn_map_new(a, 4);
    cr_assert_eq(mn_cookies_parse(a, MN_STR("a=1; b = \"x\\\\y\\073\" ; c; =d; e=f=g; ;a=3"), m), MN_OK);
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(m, "a").u.s, "3"));
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(m, "b").u.s, "x\\y;"));
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(m, "").u.s, "d"), "the last key-less chunk wins");
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(m, "e").u.s, "f=g"));
    cr_assert_eq(mn_map_len(m), 4);
    mn_map *m2 = mn_map_new(a, 4);
    mn_cookies_parse(a, MN_STR("q=\"\\351t\\351\""), m2);
    cr_assert(mn_str_eq_cstr(mn_map_get_cstr(m2, "q").u.s, "\xc3\xa9t\xc3\xa9"), "octal escapes are code points");
}

static mn_str set_cookie_line(mn_response *r, size_t i)
{
    mn_buf b;
    mn_buf_init(&b, a, 0);
    /* Set-Cookie lines only exist in the serialised head. */
    mn__response_serialize_head(r, &b, 1, true, false, NULL, NULL);
    mn_str s = mn_buf_str(&b), line;
    size_t pos = 0, n = 0;
    while (mn_str_next_field(s, '\n', &pos, &line))
        if (mn_str_starts_with(line, MN_STR("Set-Cookie: ")) && n++ == i)
            return mn_str_make(line.ptr + 12, line.len - 13);
    return MN_STR_EMPTY;
}

Test(cookies, set_cookie_matches_django)
{
    mn_request *req = req_for("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    mn_response *r = mn_response_new(req, 200);
    mn_cookie_options o = { .path = "/x", .domain = ".ex.com", .secure = true, .httponly = true,
                            .samesite = MN_SAMESITE_LAX };
    cr_assert_eq(mn_response_set_cookie(r, "q", MN_STR("\xc3\xa9\"x\\y,"), NULL), MN_OK);
    cr_assert_eq(mn_response_set_cookie(r, "a", MN_STR("b c;d"), &o), MN_OK);
    cr_assert_eq(mn_response_set_cookie(r, "n", MN_STR("ok:/=!#$%&*+-.^_`|~[]"), NULL), MN_OK);
    cr_assert_eq(mn_response_delete_cookie(r, "z", NULL, NULL, MN_SAMESITE_STRICT), MN_OK);
    cr_assert_eq(mn_response_set_cookie(r, "bad name", MN_STR("v"), NULL), MN_EINVAL);
    cr_assert_eq(mn_response_set_cookie(r, "v", MN_STR("a\r\nb"), NULL), MN_EINVAL);
    mn_str l0 = set_cookie_line(r, 0);
    cr_assert(mn_str_eq_cstr(l0, "a=\"b c\\073d\"; Domain=.ex.com; HttpOnly; Path=/x; SameSite=Lax; Secure"),
              "%.*s", MN_STR_FMT(l0));
    cr_assert(mn_str_eq_cstr(set_cookie_line(r, 1), "n=\"ok:/=!#$%&*+-.^_`|~[]\"; Path=/"));
    mn_str l2 = set_cookie_line(r, 2);
    cr_assert(mn_str_eq_cstr(l2, "q=\"\\351\\\"x\\\\y\\054\"; Path=/"), "%.*s", MN_STR_FMT(l2));
    cr_assert(mn_str_eq_cstr(set_cookie_line(r, 3),
                             "z=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Strict"));
    mn_cookie_options m = { .has_max_age = true, .max_age = 10 };
    mn_response_set_cookie(r, "a", MN_STR("plain"), &m);
    mn_str l = set_cookie_line(r, 0);
    cr_assert(mn_str_starts_with(l, MN_STR("a=plain; expires=")), "same name replaces");
    cr_assert(mn_str_ends_with(l, MN_STR(" GMT; Max-Age=10; Path=/")));
    mn_response_delete_cookie(r, "__Secure-x", "/p", "d.com", MN_SAMESITE_UNSET);
    cr_assert(mn_str_eq_cstr(set_cookie_line(r, 0),
                             "__Secure-x=\"\"; Domain=d.com; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/p; Secure"));
}

Test(cookies, http_date)
{
    char buf[32];
    cr_assert_eq(mn_http_date(784111777, buf), 29);
    cr_assert_str_eq(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
}

Test(cookies, request_cookies)
{
    mn_request *req = req_for("GET / HTTP/1.1\r\nHost: localhost\r\nCookie: a=1; b=2\r\nCookie: c=3\r\n\r\n");
    mn_str v;
    cr_assert(mn_request_cookie(req, "b", &v) && mn_str_eq_cstr(v, "2"));
    cr_assert(mn_request_cookie(req, "c", &v) && mn_str_eq_cstr(v, "3"), "several Cookie fields joined");
    cr_assert(!mn_request_cookie(req, "d", &v));
}
