#include "helpers.h"

TestSuite(template_lexer, .init = t_setup, .fini = t_teardown);

Test(template_lexer, text_and_tags)
{
    T_EXPECT("plain text", NULL, "plain text");
    T_EXPECT("", NULL, "");
    T_EXPECT("a{# comment #}b", NULL, "ab");
    T_EXPECT("{", NULL, "{");
    T_EXPECT("{{", NULL, "{{");
    T_EXPECT("x }} y %} z #}", NULL, "x }} y %} z #}");
}

Test(template_lexer, tags_do_not_span_lines)
{
    T_EXPECT("{{ a\n}}", NULL, "{{ a\n}}");
    T_EXPECT("{# a\nb #}", NULL, "{# a\nb #}");
    T_EXPECT("{% if\n1 %}", NULL, "{% if\n1 %}");
}

Test(template_lexer, shortest_match)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "a", mn_value_int(1));
    T_EXPECT("{{ a }}}", m, "1}");
    T_EXPECT_ERROR("{{{ a }}", NULL, "TemplateSyntaxError: Could not parse the remainder: '{ a' from '{ a'");
}

Test(template_lexer, verbatim)
{
    T_EXPECT("{% verbatim %}{{ x }}{% if %}{% endverbatim %}", NULL, "{{ x }}{% if %}");
    T_EXPECT("{% verbatim v %}{% endverbatim %}{% endverbatim v %}", NULL, "{% endverbatim %}");
}

Test(template_lexer, line_numbers_in_errors)
{
    T_EXPECT_ERROR("a\nb\n{% bogus %}", NULL, "TemplateSyntaxError: Invalid block tag on line 3: 'bogus'");
    cr_assert(strstr(T_err.msg, "line 3, column 1"), "%s", T_err.msg);
    T_EXPECT_ERROR("ab {{ }}", NULL, "TemplateSyntaxError: Empty variable tag on line 1");
    cr_assert(strstr(T_err.msg, "column 4"), "%s", T_err.msg);
}
