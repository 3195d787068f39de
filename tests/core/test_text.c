#include "text_test.h"

Test(text, case_mapping_matches_python)
{
    CHECK_PAIRS(case_lower, mn_text_lower(&b, s));
    CHECK_PAIRS(case_upper, mn_text_upper(&b, s));
    CHECK_PAIRS(case_title, mn_text_title(&b, s));
    CHECK_PAIRS(case_capitalize, mn_text_capitalize(&b, s));
    CHECK_PAIRS(case_django_title, mn_text_django_title(&b, s));
    CHECK_PAIRS(case_capfirst, mn_text_capfirst(&b, s));
}

Test(text, case_mapping_examples)
{
    mn_buf b = RUN(mn_text_upper, "straße");
    cr_assert_str_eq(mn_buf_cstr(&b), "STRASSE");
    mn_buf_free(&b);
    b = RUN(mn_text_lower, "ΟΔΟΣ ΣΑΣ");
    cr_assert_str_eq(mn_buf_cstr(&b), "οδος σας");
    mn_buf_free(&b);
    b = RUN(mn_text_django_title, "they're 1st");
    cr_assert_str_eq(mn_buf_cstr(&b), "They're 1st");
    mn_buf_free(&b);
    b = RUN(mn_text_capfirst, "ßx");
    cr_assert_str_eq(mn_buf_cstr(&b), "SSx");
    mn_buf_free(&b);
}

Test(text, case_mapping_invalid_utf8)
{
    mn_buf b = RUN(mn_text_upper, "a\xFF" "b");
    cr_assert_str_eq(mn_buf_cstr(&b), "A\xEF\xBF\xBD" "B");
    mn_buf_free(&b);
    b = RUN(mn_text_title, "\xC3x");
    cr_assert_str_eq(mn_buf_cstr(&b), "\xEF\xBF\xBDX");
    mn_buf_free(&b);
    b = RUN(mn_text_capfirst, "\xE2\x82z");
    cr_assert_str_eq(mn_buf_cstr(&b), "\xEF\xBF\xBDz");
    mn_buf_free(&b);
    b = RUN(mn_text_lower, "");
    cr_assert_str_eq(mn_buf_cstr(&b), "");
    mn_buf_free(&b);
}

Test(text, slugify_matches_django)
{
    CHECK_PAIRS(case_slugify, mn_text_slugify(&b, s, false));
    CHECK_PAIRS(case_slugify_unicode, mn_text_slugify(&b, s, true));
}

Test(text, truncation_matches_django)
{
    CHECK_TRIPLES(case_truncatechars, mn_text_truncate_chars(&b, s, n));
    CHECK_TRIPLES(case_truncatewords, mn_text_truncate_words(&b, s, n));
    CHECK_TRIPLES(case_truncatechars_html, mn_text_truncate_chars_html(&b, s, n));
    CHECK_TRIPLES(case_truncatewords_html, mn_text_truncate_words_html(&b, s, n));
}

Test(text, truncate_html_edge_cases)
{
    /* An unmatched closing tag is ignored; open tags close in LIFO order. */
    mn_buf b = RUN(mn_text_truncate_words_html, "<div><p>one</span> two three</p></div>", 1);
    cr_assert_str_eq(mn_buf_cstr(&b), "<div><p>one …</p></div>");
    mn_buf_free(&b);
    /* A lone '<' without '>' counts as a character. */
    b = RUN(mn_text_truncate_chars_html, "a<b c d e f", 4);
    cr_assert_str_eq(mn_buf_cstr(&b), "a<b…");
    mn_buf_free(&b);
    /* Invalid UTF-8 counts one U+FFFD per bad sequence. */
    b = RUN(mn_text_truncate_chars, "\xFF\xFF\xFF\xFF", 3);
    cr_assert_str_eq(mn_buf_cstr(&b), "\xEF\xBF\xBD\xEF\xBF\xBD…");
    mn_buf_free(&b);
}

Test(text, wordwrap_matches_django)
{
    CHECK_TRIPLES(case_wordwrap, mn_text_wordwrap(&b, s, n));
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_text_wordwrap(&b, MN_STR("x"), 0), MN_EINVAL);
    cr_assert_eq(mn_text_wordwrap(&b, MN_STR("x"), -3), MN_EINVAL);
    mn_buf_free(&b);
}

static int wordcount_str(mn_buf *b, mn_str s)
{
    return mn_buf_printf(b, "%zu", mn_text_wordcount(s));
}

Test(text, wordcount_matches_django)
{
    CHECK_TRIPLES(case_wordcount, wordcount_str(&b, s));
    cr_assert_eq(mn_text_wordcount(MN_STR("a\xA0" "b")), 1); /* an invalid byte is a character (U+FFFD) */
    cr_assert_eq(mn_text_wordcount(MN_STR("a\xC2\xA0" "b")), 2); /* U+00A0 is whitespace */
}

Test(text, linebreaks_match_django)
{
    CHECK_TRIPLES(case_linebreaks, mn_text_linebreaks(&b, s, n != 0));
    CHECK_TRIPLES(case_linebreaksbr, mn_text_linebreaksbr(&b, s, n != 0));
}

Test(text, addslashes_matches_django)
{
    CHECK_PAIRS(case_addslashes, mn_text_addslashes(&b, s));
}

Test(text, results_in_an_arena)
{
    mn_arena *a = mn_arena_new("t", 0);
    mn_buf b;
    mn_buf_init(&b, a, 0);
    cr_assert_eq(mn_text_slugify(&b, MN_STR("Héllo Wörld"), false), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "hello-world");
    mn_arena_free(a);
}

/* Invalid UTF-8 in a kept word reads as U+FFFD; in a dropped word it does
 * not matter. */
Test(text, truncate_words_invalid_utf8)
{
    mn_buf b = RUN(mn_text_truncate_words, "a\xFF" "b c d", 2);
    cr_assert_str_eq(mn_buf_cstr(&b), "a\xEF\xBF\xBD" "b c \xE2\x80\xA6");
    mn_buf_free(&b);
    b = RUN(mn_text_truncate_words, "a b c\xFF", 2);
    cr_assert_str_eq(mn_buf_cstr(&b), "a b \xE2\x80\xA6");
    mn_buf_free(&b);
    b = RUN(mn_text_truncate_words, "a\xED\xA0\x80", 2);
    cr_assert_str_eq(mn_buf_cstr(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    mn_buf_free(&b);
    /* appends after what the buffer already holds */
    mn_buf_init(&b, NULL, 0);
    mn_buf_puts(&b, "[");
    cr_assert_eq(mn_text_truncate_words(&b, mn_str_from(" x\xF0 y "), 5), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "[x\xEF\xBF\xBD y");
    mn_buf_free(&b);
}

/* Output that fits a buffer's limit exactly is written whole. */
Test(text, truncate_words_fits_the_limit_exactly)
{
    mn_buf b;
    mn_buf_init(&b, NULL, 6);
    cr_assert_eq(mn_text_truncate_words(&b, mn_str_from("  ab    cd  ef gh"), 1), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "ab \xE2\x80\xA6");
    mn_buf_free(&b);
    mn_buf_init(&b, NULL, 5);
    cr_assert_eq(mn_text_truncate_words(&b, mn_str_from("ab\t\t\tcd"), 2), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "ab cd");
    mn_buf_free(&b);
}
