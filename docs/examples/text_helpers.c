/* The text helpers behind Django's string filters, in C.
 * Each result is checked against what Django 3.2 prints. */
#include <stdio.h>
#include <string.h>
#include <manouche.h>

static int failures;

static void expect(const char *what, mn_buf *b, const char *want)
{
    const char *got = mn_buf_cstr(b);
    printf("%-22s %s\n", what, got);
    if (mn_buf_error(b) || strcmp(got, want) != 0) {
        fprintf(stderr, "%s: got \"%s\", want \"%s\"\n", what, got, want);
        failures++;
    }
    mn_buf_reset(b);
}

int main(void)
{
    mn_arena *arena = mn_arena_new("request", 0);
    mn_buf b;
    mn_buf_init(&b, arena, 0); /* results live in the request arena */

    mn_text_upper(&b, MN_STR("Straße"));
    expect("upper", &b, "STRASSE");
    mn_text_django_title(&b, MN_STR("they're 1st in the uk"));
    expect("title", &b, "They're 1st In The Uk");
    mn_text_slugify(&b, MN_STR(" Crème Brûlée: 100% délicieux! "), false);
    expect("slugify", &b, "creme-brulee-100-delicieux");
    mn_text_slugify(&b, MN_STR("你好 World"), true);
    expect("slugify (unicode)", &b, "你好-world");
    mn_text_truncate_chars(&b, MN_STR("Joel is a slug"), 7);
    expect("truncatechars:7", &b, "Joel i…");
    mn_text_truncate_words(&b, MN_STR("Joel is a slug"), 2);
    expect("truncatewords:2", &b, "Joel is …");
    mn_text_truncate_words_html(&b, MN_STR("<p>Joel is <b>a slug</b></p>"), 3);
    expect("truncatewords_html:3", &b, "<p>Joel is <b>a …</b></p>");
    mn_text_wordwrap(&b, MN_STR("Joel is a slug"), 5);
    expect("wordwrap:5", &b, "Joel\nis a\nslug");
    mn_text_linebreaks(&b, MN_STR("Tom & Jerry\nwent home\n\nThe end"), true);
    expect("linebreaks", &b, "<p>Tom &amp; Jerry<br>went home</p>\n\n<p>The end</p>");
    mn_html_escape(&b, MN_STR("<a href=\"x\">'hi'</a>"));
    expect("escape", &b, "&lt;a href=&quot;x&quot;&gt;&#x27;hi&#x27;&lt;/a&gt;");
    mn_html_escapejs(&b, MN_STR("</script>"));
    expect("escapejs", &b, "\\u003C/script\\u003E");
    mn_html_strip_tags(&b, MN_STR("<p>Hello <b>World</b></p>"), NULL);
    expect("striptags", &b, "Hello World");
    mn_html_urlize(&b, MN_STR("See www.djangoproject.com."), -1, MN_URLIZE_NOFOLLOW | MN_URLIZE_AUTOESCAPE);
    expect("urlize", &b, "See <a href=\"http://www.djangoproject.com\" rel=\"nofollow\">www.djangoproject.com</a>.");
    mn_url_quote(&b, MN_STR("/I ♥ Django/"), NULL);
    expect("urlencode", &b, "/I%20%E2%99%A5%20Django/");
    mn_url_iri_to_uri(&b, MN_STR("/blog/for/Jürgen Münster/"));
    expect("iriencode", &b, "/blog/for/J%C3%BCrgen%20M%C3%BCnster/");

    /* The HTTP layer decodes strictly: bad UTF-8 is an error, not U+FFFD. */
    mn_err err = { 0 };
    int rc = mn_url_unquote(&b, MN_STR("caf%C3%A9"), MN_UNQUOTE_STRICT, &err);
    expect("unquote", &b, "café");
    rc = mn_url_unquote(&b, MN_STR("caf%E9"), MN_UNQUOTE_STRICT, &err);
    printf("%-22s %s (%s)\n", "unquote (bad UTF-8)", mn_strerror(rc), err.msg);
    if (rc != MN_EPARSE)
        failures++;

    mn_arena_free(arena);
    return failures != 0;
}
