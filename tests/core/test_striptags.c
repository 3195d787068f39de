#include "text_test.h"

Test(striptags, matches_django)
{
    CHECK_PAIRS(case_strip_tags, mn_html_strip_tags(&b, s, NULL));
}

Test(striptags, suspicious_input_is_refused)
{
    /* Django raises SuspiciousOperation: an open tag with 50+ '<' and no '>'
     * within 1000 characters. */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_buf big;
    mn_buf_init(&big, NULL, 0);
    mn_buf_puts(&big, "<a");
    for (int i = 0; i < 60; i++)
        mn_buf_putc(&big, '<');
    for (int i = 0; i < 1000; i++)
        mn_buf_putc(&big, 'b');
    mn_err err = { 0 };
    cr_assert_eq(mn_html_strip_tags(&b, mn_buf_str(&big), &err), MN_ELIMIT);
    cr_assert(strstr(err.msg, "suspicious") != NULL, "%s", err.msg);
    /* 49 '<' is still fine */
    mn_buf_reset(&big);
    mn_buf_puts(&big, "<a");
    for (int i = 0; i < 48; i++)
        mn_buf_putc(&big, '<');
    for (int i = 0; i < 1000; i++)
        mn_buf_putc(&big, 'b');
    cr_assert_eq(mn_html_strip_tags(&b, mn_buf_str(&big), NULL), MN_OK);
    /* Deep nesting that needs more than 50 passes. */
    mn_buf_reset(&big);
    mn_buf_reset(&b);
    for (int i = 0; i < 60; i++)
        mn_buf_puts(&big, "<");
    mn_buf_puts(&big, "x");
    for (int i = 0; i < 60; i++)
        mn_buf_puts(&big, ">");
    cr_assert_eq(mn_html_strip_tags(&b, mn_buf_str(&big), NULL), MN_OK);
    /* Python gives 59 '<' then 59 '>' (one "<x>" tag goes). */
    cr_assert_eq(b.len, 118);
    cr_assert_eq(b.data[58], '<');
    cr_assert_eq(b.data[59], '>');
    mn_buf_free(&big);
    mn_buf_free(&b);
}

Test(striptags, malformed_marked_section_is_an_error)
{
    /* Python's parser raises AssertionError here; Django lets it through. */
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_err err = { 0 };
    cr_assert_eq(mn_html_strip_tags(&b, MN_STR("<![foo[x]]> <b>"), &err), MN_EPARSE);
    cr_assert(strstr(err.msg, "marked section") != NULL, "%s", err.msg);
    cr_assert_eq(mn_html_strip_tags(&b, MN_STR("<![ x]> <b>"), NULL), MN_EPARSE);
    mn_buf_free(&b);
}

Test(striptags, invalid_utf8_and_nul)
{
    mn_buf b = RUN(mn_html_strip_tags, "<b>\xFF</b>\0<i>", NULL);
    cr_assert_eq(b.len, 4);
    cr_assert_eq(memcmp(b.data, "\xEF\xBF\xBD\0", 4), 0);
    mn_buf_free(&b);
}
