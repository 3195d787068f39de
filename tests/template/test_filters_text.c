#include "helpers.h"

TestSuite(template_filters_text, .init = t_setup, .fini = t_teardown);

static mn_map *one(const char *key, mn_value v)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, key, v);
    return m;
}

Test(template_filters_text, case_and_slug)
{
    mn_map *m = one("a", mn_value_cstr("hello <World> straße"));
    T_EXPECT("{{ a|upper }}", m, "HELLO &lt;WORLD&gt; STRASSE");
    T_EXPECT("{{ a|lower }}|{{ a|capfirst }}", m, "hello &lt;world&gt; straße|Hello &lt;World&gt; straße");
    T_EXPECT("{{ \"joe's crab shack\"|title }}", NULL, "Joe's Crab Shack");
    T_EXPECT("{{ ' Jack & Jill like 1,2 '|slugify }}", NULL, "jack-jill-like-12");
}

Test(template_filters_text, safety)
{
    mn_map *m = one("s", mn_value_safe(MN_STR("<b>x</b>")));
    T_EXPECT("{{ s|upper }}", m, "&lt;B&gt;X&lt;/B&gt;");
    T_EXPECT("{{ s|lower }}", m, "<b>x</b>");
    T_EXPECT("{{ s|escapejs }}", m, "\\u003Cb\\u003Ex\\u003C/b\\u003E");
}

Test(template_filters_text, truncation)
{
    mn_map *m = one("a", mn_value_cstr("Testing, testing one two three"));
    T_EXPECT("{{ a|truncatechars:10 }}", m, "Testing, \xe2\x80\xa6");
    T_EXPECT("{{ a|truncatewords:2 }}", m, "Testing, testing \xe2\x80\xa6");
    T_EXPECT("{{ a|truncatewords:'x' }}", m, "Testing, testing one two three");
    T_EXPECT("{{ '<p>one two three</p>'|truncatewords_html:2 }}", NULL, "<p>one two \xe2\x80\xa6</p>");
}

Test(template_filters_text, linebreaks_urlize_wrap)
{
    mn_map *m = one("a", mn_value_cstr("a <b>\n\nc"));
    T_EXPECT("{{ a|linebreaks }}", m, "<p>a &lt;b&gt;</p>\n\n<p>c</p>");
    T_EXPECT("{{ a|linebreaksbr }}", m, "a &lt;b&gt;<br><br>c");
    T_EXPECT("{{ 'see www.example.com'|urlize }}", NULL,
             "see <a href=\"http://www.example.com\" rel=\"nofollow\">www.example.com</a>");
    T_EXPECT("{{ 'a bb ccc dddd'|wordwrap:4 }}", NULL, "a bb\nccc\ndddd");
}

Test(template_filters_text, striptags)
{
    T_EXPECT("{{ '<p>some <b>html</b> &amp; text</p>'|striptags }}", NULL, "some html &amp; text");
    mn_map *m = t_map();
    mn_map_set_cstr(m, "v", mn_value_cstr("<i>a</i> < b"));
    T_EXPECT("{{ v|striptags }}", m, "a &lt; b");
}

Test(template_filters_text, encoding)
{
    T_EXPECT("{{ 'a b/c?d'|urlencode }}|{{ 'a b/c'|urlencode:'' }}", NULL, "a%20b/c%3Fd|a%20b%2Fc");
    T_EXPECT("{{ \"it's\"|addslashes }}", NULL, "it\\'s");
    mn_map *m = one("v", mn_value_cstr("</script>&"));
    T_EXPECT("{{ v|json_script:'data' }}", m,
             "<script id=\"data\" type=\"application/json\">\"\\u003C/script\\u003E\\u0026\"</script>");
    T_EXPECT("{{ 'a b  c'|wordcount }}", NULL, "3");
}
