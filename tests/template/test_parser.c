#include "helpers.h"

TestSuite(template_parser, .init = t_setup, .fini = t_teardown);

Test(template_parser, literals)
{
    T_EXPECT("{{ 1 }} {{ -2 }} {{ 1.5 }} {{ 1e3 }} {{ 'a' }} {{ \"b\" }}", NULL, "1 -2 1.5 1000.0 a b");
    T_EXPECT("{{ 'a\\'b' }}", NULL, "a'b");
    T_EXPECT("{{ True }} {{ None }}", NULL, "True None");
    T_EXPECT("{{ '<b>' }}", NULL, "<b>");
    T_EXPECT("{{ _('x%') }}", NULL, "x%%");
}

Test(template_parser, filter_syntax_errors)
{
    T_EXPECT_ERROR("{{ a b }}", NULL, "TemplateSyntaxError: Could not parse the remainder: ' b' from 'a b'");
    T_EXPECT_ERROR("{{ a|nope }}", NULL, "TemplateSyntaxError: Invalid filter: 'nope'");
    T_EXPECT_ERROR("{{ a|default }}", NULL, "TemplateSyntaxError: default requires 2 arguments, 1 provided");
    T_EXPECT_ERROR("{{ a|length:1 }}", NULL, "TemplateSyntaxError: length requires 1 arguments, 2 provided");
    T_EXPECT_ERROR("{{ _a }}", NULL, "TemplateSyntaxError: Variables and attributes may not begin with underscores: '_a'");
    T_EXPECT_ERROR("{{ |x }}", NULL, "TemplateSyntaxError: Could not find variable at start of |x.");
    T_EXPECT_ERROR("{{ a !|upper }}", NULL, "TemplateSyntaxError: Could not parse some characters");
}

Test(template_parser, block_errors)
{
    T_EXPECT_ERROR("{% %}", NULL, "TemplateSyntaxError: Empty block tag on line 1");
    T_EXPECT_ERROR("{% if a %}", NULL, "TemplateSyntaxError: Unclosed tag on line 1: 'if'. Looking for one of: elif, else, endif.");
    T_EXPECT_ERROR("{% if a %}{% endfor %}", NULL,
                   "TemplateSyntaxError: Invalid block tag on line 1: 'endfor', expected 'elif', 'else' or 'endif'. "
                   "Did you forget to register or load this tag?");
}

Test(template_parser, split_contents_keeps_quotes)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "a", mn_value_null());
    T_EXPECT("{% firstof a 'x y' %}", m, "x y");
    T_EXPECT("{% firstof a _(\"x y\") %}", m, "x y");
}

Test(template_parser, custom_filter_and_load)
{
    mn_template_library *lib = mn_template_library_new(T_arena, "mylib");
    cr_assert(lib);
    cr_assert_eq(mn_template_engine_add_library(T_engine, lib, false), MN_OK);
    T_EXPECT_ERROR("{% load nolib %}", NULL, "TemplateSyntaxError: 'nolib' is not a registered tag library.");
    T_EXPECT("{% load mylib %}ok", NULL, "ok");
}
