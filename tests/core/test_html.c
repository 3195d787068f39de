#include "text_test.h"

Test(html, escape_matches_django)
{
    CHECK_PAIRS(case_escape, mn_html_escape(&b, s));
    CHECK_PAIRS(case_escapejs, mn_html_escapejs(&b, s));
}

Test(html, escape_keeps_invalid_bytes)
{
    mn_buf b = RUN(mn_html_escape, "<\xFF>");
    cr_assert_str_eq(mn_buf_cstr(&b), "&lt;\xFF&gt;");
    mn_buf_free(&b);
    b = RUN(mn_html_escapejs, "\xE2\x80\xA8\xE2\x80");
    cr_assert_str_eq(mn_buf_cstr(&b), "\\u2028\xE2\x80");
    mn_buf_free(&b);
}

Test(html, unescape_matches_python)
{
    CHECK_PAIRS(case_unescape, mn_html_unescape(&b, s));
}

Test(html, urlize_matches_django)
{
    CHECK_TRIPLES(case_urlize, mn_html_urlize(&b, s, -1, (unsigned)n));
    CHECK_TRIPLES(case_urlizetrunc,
                  mn_html_urlize(&b, s, n, MN_URLIZE_NOFOLLOW | MN_URLIZE_AUTOESCAPE));
}

Test(html, urlize_long_and_odd_input)
{
    mn_buf b = RUN(mn_html_urlize, "((((((((((((xy.com))))))))))))", -1, 0);
    cr_assert_str_eq(mn_buf_cstr(&b), "((((((((((((<a href=\"http://xy.com\">xy.com</a>))))))))))))");
    mn_buf_free(&b);
    b = RUN(mn_html_urlize, "\xFF" "http://a.com", -1, MN_URLIZE_AUTOESCAPE);
    cr_assert_str_eq(mn_buf_cstr(&b), "\xEF\xBF\xBDhttp://a.com");
    mn_buf_free(&b);
    b = RUN(mn_html_escapejs, "a\0b");
    cr_assert_eq(b.len, 8);
    cr_assert_eq(memcmp(b.data, "a\\u0000b", 8), 0);
    mn_buf_free(&b);
    b = RUN(mn_html_urlize, "", -1, 0);
    cr_assert_str_eq(mn_buf_cstr(&b), "");
    mn_buf_free(&b);
}
