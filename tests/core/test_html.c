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

/* Long text with entities spread over 8-byte words (the in-place path), and
 * a builder whose limit the worst case exceeds but the output fits exactly
 * (the run-by-run path, which must not refuse it). */
Test(html, escape_long_and_near_limit)
{
    const char *in = "plain text, long enough <for> words & \"quotes\" 'and' more plain text at the end&";
    const char *want = "plain text, long enough &lt;for&gt; words &amp; &quot;quotes&quot; &#x27;and&#x27; more "
                       "plain text at the end&amp;";
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    mn_buf_puts(&b, "x");
    cr_assert_eq(mn_html_escape(&b, mn_str_from(in)), MN_OK);
    cr_assert_eq(mn_html_escape(&b, mn_str_from("no specials in this one")), MN_OK);
    char full[256];
    snprintf(full, sizeof full, "x%sno specials in this one", want);
    cr_assert_str_eq(mn_buf_cstr(&b), full);
    mn_buf_free(&b);
    mn_buf_init(&b, NULL, strlen(want));
    cr_assert_eq(mn_html_escape(&b, mn_str_from(in)), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), want);
    cr_assert_eq(mn_html_escape(&b, mn_str_from("&")), MN_ELIMIT);
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

/* Invalid UTF-8 is read as U+FFFD (Python's errors='replace'), also when it
 * comes after a link has been written (urlize then starts over). */
Test(html, urlize_invalid_utf8_after_link)
{
    mn_buf b = RUN(mn_html_urlize, "http://a.com x\xFFy <b>", -1, MN_URLIZE_NOFOLLOW | MN_URLIZE_AUTOESCAPE);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "<a href=\"http://a.com\" rel=\"nofollow\">http://a.com</a> x\xEF\xBF\xBDy &lt;b&gt;");
    mn_buf_free(&b);
    b = RUN(mn_html_urlize, "a\xE2\x80\xFF www.b.org", -1, MN_URLIZE_NOFOLLOW | MN_URLIZE_AUTOESCAPE);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "a\xEF\xBF\xBD\xEF\xBF\xBD <a href=\"http://www.b.org\" rel=\"nofollow\">www.b.org</a>");
    mn_buf_free(&b);
    /* appends after what the buffer already holds */
    mn_buf_init(&b, NULL, 0);
    mn_buf_puts(&b, "<p>");
    cr_assert_eq(mn_html_urlize(&b, mn_str_from("xy.com \xC3"), -1, MN_URLIZE_AUTOESCAPE), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), "<p><a href=\"http://xy.com\">xy.com</a> \xEF\xBF\xBD");
    mn_buf_free(&b);
}

/* A word longer than the on-stack scratch, and link targets that need
 * escaping after smart_urlquote. */
Test(html, urlize_long_word_and_escaped_target)
{
    char in[3000], want[7000];
    memcpy(in, "http://x.com/", 13);
    memset(in + 13, 'a', 1500);
    in[1513] = '\0';
    snprintf(want, sizeof want, "<a href=\"%s\">%s</a>", in, in);
    mn_buf b;
    mn_buf_init(&b, NULL, 0);
    cr_assert_eq(mn_html_urlize(&b, mn_str_from(in), -1, 0), MN_OK);
    cr_assert_str_eq(mn_buf_cstr(&b), want);
    mn_buf_free(&b);
    b = RUN(mn_html_urlize, "http://x.com/?a=1&b=2&amp;c", -1, MN_URLIZE_AUTOESCAPE);
    cr_assert_str_eq(mn_buf_cstr(&b),
                     "<a href=\"http://x.com/?a=1&amp;b=2&amp;c=\">http://x.com/?a=1&amp;b=2&amp;amp;c</a>");
    mn_buf_free(&b);
}

/* Output that fits a buffer's limit exactly is written whole, although
 * the fast paths reserve room generously. */
Test(html, urlize_fits_the_limit_exactly)
{
    static const char *const in[] = { "é <x> http://a.com/é 'q' (www.b.org).", "a\xE2\x80\xA6 https://x.com/p",
                                      "ü@ä.com and <b>", "" };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        mn_buf want;
        mn_buf_init(&want, NULL, 0);
        cr_assert_eq(mn_html_urlize(&want, mn_str_from(in[i]), -1, MN_URLIZE_AUTOESCAPE | MN_URLIZE_NOFOLLOW), MN_OK);
        mn_buf b;
        mn_buf_init(&b, NULL, want.len ? want.len : 1);
        cr_assert_eq(mn_html_urlize(&b, mn_str_from(in[i]), -1, MN_URLIZE_AUTOESCAPE | MN_URLIZE_NOFOLLOW), MN_OK,
                     "case %zu", i);
        cr_assert_str_eq(mn_buf_cstr(&b), mn_buf_cstr(&want));
        mn_buf_free(&b);
        mn_buf_free(&want);
    }
}

/* The vector and word scans against a byte-by-byte reference: every length
 * up to 40, each of the five characters (and a plain high byte) at every
 * position, alone and in pairs; mn_html_escape_span gives the first one. */
static void naive_escape(char *dst, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *r = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                      : s[i] == '"' ? "&quot;" : s[i] == '\'' ? "&#x27;" : NULL;
        if (r) {
            memcpy(dst + k, r, strlen(r));
            k += strlen(r);
        } else {
            dst[k++] = s[i];
        }
    }
    dst[k] = '\0';
}

Test(html, escape_scans_every_position)
{
    static const char specials[] = "&<>\"'\xe9";
    char in[48], want[48 * 6 + 1];
    for (size_t n = 0; n <= 40; n++) {
        for (size_t a = 0; a <= n; a++) {
            for (size_t c = 0; c < sizeof specials - 1; c++) {
                for (size_t b = a; b <= n; b += 7) {
                    for (size_t i = 0; i < n; i++)
                        in[i] = (char)('a' + i % 26);
                    if (a < n)
                        in[a] = specials[c];
                    if (b < n && b != a)
                        in[b] = specials[(c + 1) % 5];
                    size_t first = n;
                    for (size_t i = 0; i < n; i++)
                        if (strchr("&<>\"'", in[i]) && in[i]) {
                            first = i;
                            break;
                        }
                    cr_assert_eq(mn_html_escape_span(mn_str_make(in, n)), first, "n=%zu a=%zu b=%zu", n, a, b);
                    naive_escape(want, in, n);
                    mn_buf out;
                    mn_buf_init(&out, NULL, 0);
                    mn_buf_puts(&out, "#");
                    cr_assert_eq(mn_html_escape(&out, mn_str_make(in, n)), MN_OK);
                    cr_assert_str_eq(mn_buf_cstr(&out) + 1, want, "n=%zu a=%zu b=%zu", n, a, b);
                    mn_buf_free(&out);
                }
            }
        }
    }
}
