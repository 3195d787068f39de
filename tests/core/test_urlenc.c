#include "text_test.h"

Test(urlenc, quote_matches_python)
{
    CHECK_PAIRS(case_quote, mn_url_quote(&b, s, NULL));
    CHECK_PAIRS(case_quote_empty_safe, mn_url_quote(&b, s, ""));
    CHECK_PAIRS(case_quote_plus, mn_url_quote_plus(&b, s, NULL));
    CHECK_PAIRS(case_iri_to_uri, mn_url_iri_to_uri(&b, s));
}

Test(urlenc, quote_bytes_and_safe)
{
    mn_buf b = RUN(mn_url_quote, "a\0b\xFF/ :", "é:");
    cr_assert_eq(b.len, 15);
    cr_assert_str_eq(mn_buf_cstr(&b), "a%00b%FF%2F%20:");
    mn_buf_free(&b);
}

Test(urlenc, unquote_matches_python)
{
    CHECK_PAIRS(case_unquote, mn_url_unquote(&b, s, MN_UNQUOTE_REPLACE, NULL));
    CHECK_PAIRS(case_unquote_plus, mn_url_unquote_plus(&b, s, MN_UNQUOTE_REPLACE, NULL));
}

Test(urlenc, unquote_strict_reports_bad_utf8)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_url_unquote(&b, MN_STR("ok%C3%A9"), MN_UNQUOTE_STRICT, &err), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "oké");
    mn_buf_reset(&b);
    cr_assert_eq(mn_url_unquote(&b, MN_STR("ab%C3%28"), MN_UNQUOTE_STRICT, &err), MN_EPARSE);
    cr_assert_eq(err.code, MN_EPARSE);
    cr_assert(strstr(err.msg, "byte 2") != NULL, "%s", err.msg);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(mn_url_unquote_plus(&b, MN_STR("a+%ED%A0%80"), MN_UNQUOTE_STRICT, NULL), MN_EPARSE);
    cr_assert_eq(mn_url_unquote_plus(&b, MN_STR("a+b"), MN_UNQUOTE_STRICT, NULL), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "a b");
    mn_buf_free(&b);
}

Test(urlenc, smart_urlquote_matches_django)
{
    CHECK_PAIRS(case_smart_urlquote, mn_url_smart_quote(&b, s));
}

Test(urlenc, idna_matches_python)
{
    CHECK_PAIRS(case_idna, mn_url_idna_encode(&b, s, NULL));
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("a..b"), &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "label") != NULL);
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("ü..b"), NULL), MN_EINVAL);
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("xn--ü.de"), NULL), MN_EINVAL);
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("a\xEE\x80\x80.de"), NULL), MN_EINVAL); /* private use */
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), NULL),
                 MN_EINVAL); /* 64 characters */
    /* RFC 3454 bidi rules: Hebrew next to Latin letters is refused */
    cr_assert_eq(mn_url_idna_encode(&b, MN_STR("a\xD7\x90.com"), &err), MN_EINVAL);
    cr_assert(strstr(err.msg, "BIDI") != NULL, "%s", err.msg);
    cr_assert_eq(b.len, 0);
    mn_buf_free(&b);
}
