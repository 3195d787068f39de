#include "helpers.h"

TestSuite(template_tags_core, .init = t_setup, .fini = t_teardown);

static mn_map *nums(void)
{
    mn_map *m = t_map();
    mn_list *l = mn_list_new(T_arena, 3);
    for (int i = 1; i <= 3; i++)
        mn_list_push(l, mn_value_int(i));
    mn_map_set_cstr(m, "l", mn_value_list(l));
    mn_map_set_cstr(m, "e", mn_value_list(mn_list_new(T_arena, 0)));
    return m;
}

Test(template_tags_core, if_precedence)
{
    mn_map *m = nums();
    T_EXPECT("{% if 1 or 0 and 0 %}y{% else %}n{% endif %}", m, "y");
    T_EXPECT("{% if not 0 and 1 %}y{% endif %}", m, "y");
    T_EXPECT("{% if 2 in l and 9 not in l %}y{% endif %}", m, "y");
    T_EXPECT("{% if x is None %}y{% endif %}{% if 1 is not None %}z{% endif %}", m, "yz");
    T_EXPECT("{% if 'a' > 1 %}y{% else %}n{% endif %}", m, "n");
    T_EXPECT("{% if l|length >= 3 %}y{% endif %}", m, "y");
    T_EXPECT("{% if e %}a{% elif l %}b{% else %}c{% endif %}", m, "b");
    T_EXPECT_ERROR("{% if 1 == %}{% endif %}", m, "TemplateSyntaxError: Unexpected end of expression in if tag.");
    T_EXPECT_ERROR("{% if a b %}{% endif %}", m, "TemplateSyntaxError: Unused 'b' at end of if expression.");
    T_EXPECT_ERROR("{% if == %}{% endif %}", m, "TemplateSyntaxError: Not expecting '==' in this position in if tag.");
}

Test(template_tags_core, for_loop)
{
    mn_map *m = nums();
    T_EXPECT("{% for x in l %}{{ forloop.counter }}{{ x }}{% if forloop.last %}.{% endif %}{% endfor %}", m, "112233.");
    T_EXPECT("{% for x in l reversed %}{{ x }}{% endfor %}", m, "321");
    T_EXPECT("{% for x in e %}x{% empty %}none{% endfor %}", m, "none");
    T_EXPECT("{% for x in l %}{% for y in l %}{{ forloop.parentloop.counter }}{% endfor %}{% endfor %}", m, "111222333");
    T_EXPECT_ERROR("{% for x in %}{% endfor %}", m, "TemplateSyntaxError: 'for' statements should have at least four words");
    T_EXPECT_ERROR("{% for a, b in l %}{% endfor %}", m, "ValueError: Need 2 values to unpack in for loop; got 1.");
}

Test(template_tags_core, with_cycle_firstof)
{
    mn_map *m = nums();
    T_EXPECT("{% with a=1 b='x' %}{{ a }}{{ b }}{% endwith %}[{{ a }}]", m, "1x[]");
    T_EXPECT("{% for x in l %}{% cycle 'a' 'b' %}{% endfor %}", m, "aba");
    T_EXPECT("{% cycle 'a' 'b' as c silent %}{% cycle c %}{{ c }}", m, "b");
    T_EXPECT("{% firstof e 0 'z' %}", m, "z");
    T_EXPECT_ERROR("{% with %}{% endwith %}", m, "TemplateSyntaxError: 'with' expected at least one variable assignment");
}

Test(template_tags_core, inheritance)
{
    mn_template *base = mn_template_engine_from_string(T_engine, MN_STR("<{% block a %}A{% endblock %}|{% block b %}B{% endblock %}>"), "base", &T_err);
    cr_assert(base);
    mn_map *m = t_map();
    mn_map_set_cstr(m, "base", mn_template_to_value(base));
    T_EXPECT("{% extends base %}{% block b %}[{{ block.super }}]{% endblock %}", m, "<A|[B]>");
    T_EXPECT("{% include base %}", m, "<A|B>");
    T_EXPECT_ERROR("{% block a %}{% endblock %}{% block a %}{% endblock %}", m,
                   "TemplateSyntaxError: 'block' tag with name 'a' appears more than once");
    T_EXPECT_ERROR("x{% if 1 %}{% endif %}{% extends base %}", m, "TemplateSyntaxError: <ExtendsNode: extends base> must be the first tag");
}

Test(template_tags_core, misc_tags)
{
    mn_map *m = nums();
    T_EXPECT("{% spaceless %} <p>  <b>x</b> </p> {% endspaceless %}", m, "<p><b>x</b></p>");
    T_EXPECT("{% templatetag openblock %}{% templatetag closevariable %}", m, "{%}}");
    T_EXPECT("{% widthratio 175 200 100 %}", m, "88");
    T_EXPECT("{% filter cut:'a' %}banana{% endfilter %}", m, "bnn");
    T_EXPECT("a{% comment %}{{ x }}{% endcomment %}b", m, "ab");
    T_EXPECT("{% for x in l %}{% ifchanged %}{{ x }}{% endifchanged %}{% endfor %}", m, "123");
    T_EXPECT_ERROR("{% filter safe %}{% endfilter %}", m, "TemplateSyntaxError: \"filter safe\" is not permitted.");
}

Test(template_tags_core, ifequal_ifnotequal)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "n", mn_value_int(3));
    mn_map_set_cstr(m, "f", mn_value_float(3.0));
    mn_map_set_cstr(m, "s", mn_value_cstr("3"));
    mn_map_set_cstr(m, "w", mn_value_cstr("two words"));
    /* Python ==: 3 == 3.0, but 3 != "3" */
    T_EXPECT("{% ifequal n f %}eq{% else %}ne{% endifequal %}", m, "eq");
    T_EXPECT("{% ifequal n s %}eq{% else %}ne{% endifequal %}", m, "ne");
    T_EXPECT("{% ifnotequal n s %}ne{% endifnotequal %}", m, "ne");
    T_EXPECT("{% ifnotequal n 3 %}ne{% else %}eq{% endifnotequal %}", m, "eq");
    /* quoted literals with spaces, filters on either side */
    T_EXPECT("{% ifequal w \"two words\" %}y{% endifequal %}", m, "y");
    T_EXPECT("{% ifequal w|upper 'TWO WORDS' %}y{% endifequal %}", m, "y");
    /* missing variables are None on both sides, so they are equal */
    T_EXPECT("{% ifequal nope alsonope %}y{% endifequal %}", m, "y");
    T_EXPECT("{% ifequal nope None %}y{% endifequal %}|{% ifequal nope 0 %}z{% endifequal %}", m, "y|");
    /* bodies nest and the else branch is optional */
    T_EXPECT("{% ifequal n 3 %}{% ifnotequal s 'x' %}in{% endifnotequal %}{% endifequal %}", m, "in");
    T_EXPECT("{% ifequal n 4 %}y{% endifequal %}", m, "");
    T_EXPECT_ERROR("{% ifequal n %}y{% endifequal %}", m, "TemplateSyntaxError: 'ifequal' takes two arguments");
    T_EXPECT_ERROR("{% ifnotequal a b c %}{% endifnotequal %}", m,
                   "TemplateSyntaxError: 'ifnotequal' takes two arguments");
    T_EXPECT_ERROR("{% ifequal a b %}y{% endifnotequal %}", m, "TemplateSyntaxError: Invalid block tag");
    T_EXPECT_ERROR("{% ifequal a b %}y", m, "TemplateSyntaxError: Unclosed tag");
}

Test(template_tags_core, if_missing_filter_argument_is_false)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "x", mn_value_cstr("v"));
    /* an unresolvable filter argument inside {% if %} makes the condition
     * false (Django's IfNode catches VariableDoesNotExist) */
    T_EXPECT("{% if x|default_if_none:y %}yes{% else %}no{% endif %}", m, "no");
    T_EXPECT("{% if nope|default:other %}a{% elif x %}b{% endif %}", m, "b");
    T_EXPECT("{% if x and x|add:missing %}a{% else %}c{% endif %}", m, "c");
    /* outside {% if %} the same expression is still an error */
    T_EXPECT_ERROR("{{ x|default_if_none:y }}", m, "VariableDoesNotExist");
}
