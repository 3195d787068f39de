#include "text_test.h"

Test(utf8, valid_and_invalid)
{
    cr_assert(mn_utf8_valid(MN_STR("")));
    cr_assert(mn_utf8_valid(MN_STR("plain ascii")));
    cr_assert(mn_utf8_valid(MN_STR("é日本😀\xF4\x8F\xBF\xBF")));
    cr_assert(!mn_utf8_valid(MN_STR("\xC0\xAF")));             /* overlong '/' */
    cr_assert(!mn_utf8_valid(MN_STR("\xE0\x80\xAF")));         /* overlong */
    cr_assert(!mn_utf8_valid(MN_STR("\xF0\x80\x80\xAF")));     /* overlong */
    cr_assert(!mn_utf8_valid(MN_STR("\xED\xA0\x80")));         /* surrogate D800 */
    cr_assert(!mn_utf8_valid(MN_STR("\xED\xBF\xBF")));         /* surrogate DFFF */
    cr_assert(!mn_utf8_valid(MN_STR("\xF4\x90\x80\x80")));     /* > U+10FFFF */
    cr_assert(!mn_utf8_valid(MN_STR("\xF5\x80\x80\x80")));
    cr_assert(!mn_utf8_valid(MN_STR("\xFF")));
    cr_assert(!mn_utf8_valid(MN_STR("\x80")));
    cr_assert(!mn_utf8_valid(MN_STR("abc\xE2\x82")));          /* truncated */
    size_t off = 99;
    cr_assert_eq(mn_utf8_check(MN_STR("ab\xC3\xA9\xC3("), &off), MN_EPARSE);
    cr_assert_eq(off, 4);
    cr_assert_eq(mn_utf8_check(MN_STR("ok"), &off), MN_OK);
}

Test(utf8, next_reports_errors)
{
    mn_str s = MN_STR("a\xC3\xA9\xE2\x82" "b\xF0\x9F\x98\x80\xED\xA0\x80");
    size_t pos = 0;
    uint32_t cp;
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_OK);
    cr_assert_eq(cp, 'a');
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_OK);
    cr_assert_eq(cp, 0xE9);
    cr_assert_eq(pos, 3);
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_EPARSE); /* E2 82 truncated: one U+FFFD */
    cr_assert_eq(cp, 0xFFFD);
    cr_assert_eq(pos, 5);
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_OK);
    cr_assert_eq(cp, 'b');
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_OK);
    cr_assert_eq(cp, 0x1F600);
    for (int k = 0; k < 3; k++) { /* ED A0 80: three maximal subparts */
        cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_EPARSE);
        cr_assert_eq(cp, 0xFFFD);
    }
    cr_assert_eq(pos, s.len);
    cr_assert_eq(mn_utf8_next(s, &pos, &cp), MN_ENOTFOUND);
}

Test(utf8, encode_and_append)
{
    char buf[4];
    cr_assert_eq(mn_utf8_encode('A', buf), 1);
    cr_assert_eq(mn_utf8_encode(0xE9, buf), 2);
    cr_assert_eq(memcmp(buf, "\xC3\xA9", 2), 0);
    cr_assert_eq(mn_utf8_encode(0x20AC, buf), 3);
    cr_assert_eq(memcmp(buf, "\xE2\x82\xAC", 3), 0);
    cr_assert_eq(mn_utf8_encode(0x10FFFF, buf), 4);
    cr_assert_eq(memcmp(buf, "\xF4\x8F\xBF\xBF", 4), 0);
    cr_assert_eq(mn_utf8_encode(0xD800, buf), 0);
    cr_assert_eq(mn_utf8_encode(0x110000, buf), 0);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_utf8_append(&b, 0x1F600), MN_OK);
    cr_assert_eq(mn_utf8_append(&b, 0xDC00), MN_EINVAL);
    cr_assert_str_eq(mn_buf_cstr(&b), "😀");
    mn_buf_free(&b);
}

Test(utf8, count_and_offset)
{
    cr_assert_eq(mn_utf8_count(MN_STR("")), 0);
    cr_assert_eq(mn_utf8_count(MN_STR("héllo😀")), 6);
    cr_assert_eq(mn_utf8_count(MN_STR("\xE2\x82" "a\xFF")), 3); /* as Python: '\ufffda\ufffd' */
    mn_str s = MN_STR("aé日😀");
    cr_assert_eq(mn_utf8_offset(s, 0), 0);
    cr_assert_eq(mn_utf8_offset(s, 1), 1);
    cr_assert_eq(mn_utf8_offset(s, 2), 3);
    cr_assert_eq(mn_utf8_offset(s, 3), 6);
    cr_assert_eq(mn_utf8_offset(s, 4), 10);
    cr_assert_eq(mn_utf8_offset(s, 5), -1);
}

Test(utf8, sanitize_matches_python_replace)
{
    /* b'a\xe2\x82b\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80z'.decode('utf-8', 'replace') */
    mn_buf b = RUN(mn_utf8_sanitize, "a\xe2\x82" "b\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80z");
    cr_assert_str_eq(mn_buf_cstr(&b), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                                      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz");
    mn_buf_free(&b);
    b = RUN(mn_utf8_sanitize, "valid é");
    cr_assert_str_eq(mn_buf_cstr(&b), "valid é");
    mn_buf_free(&b);
    b = RUN(mn_utf8_sanitize, "");
    cr_assert_str_eq(mn_buf_cstr(&b), "");
    mn_buf_free(&b);
}

Test(utf8, isspace_matches_python)
{
    const uint32_t yes[] = { ' ', '\t', '\n', 0x0B, 0x0C, '\r', 0x1C, 0x1F, 0x85, 0xA0, 0x1680, 0x2000, 0x200A,
                             0x2028, 0x2029, 0x202F, 0x205F, 0x3000 };
    const uint32_t no[] = { 'a', 0, 0x08, 0x200B, 0xFEFF, 0x180E, 0x21 };
    for (size_t i = 0; i < NELEM(yes); i++)
        cr_assert(mn_unicode_isspace(yes[i]), "U+%04X", yes[i]);
    for (size_t i = 0; i < NELEM(no); i++)
        cr_assert(!mn_unicode_isspace(no[i]), "U+%04X", no[i]);
}

Test(utf8, buffer_limit_is_reported)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 4);
    cr_assert_eq(mn_utf8_sanitize(&b, MN_STR("abc\xFF")), MN_ELIMIT);
    mn_buf_free(&b);
}
