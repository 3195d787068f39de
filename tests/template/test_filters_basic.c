#include "helpers.h"

TestSuite(template_filters_basic, .init = t_setup, .fini = t_teardown);

Test(template_filters_basic, numbers)
{
    T_EXPECT("{{ 2|add:'3' }} {{ 'a'|add:'b' }} [{{ 'a'|add:1 }}]", NULL, "5 ab []");
    T_EXPECT("{{ 4|divisibleby:2 }} {{ 123|get_digit:2 }}", NULL, "True 2");
    T_EXPECT("{{ 1023|filesizeformat }}|{{ 1048576|filesizeformat }}", NULL, "1023\xc2\xa0" "bytes|1.0\xc2\xa0MB");
    T_EXPECT_ERROR("{{ 4|divisibleby:0 }}", NULL, "ZeroDivisionError");
}

Test(template_filters_basic, strings)
{
    T_EXPECT("[{{ 'ab'|center:6 }}][{{ 'ab'|ljust:4 }}][{{ 'ab'|rjust:4 }}]", NULL, "[  ab  ][ab  ][  ab]");
    T_EXPECT("{{ 'a b c'|cut:' ' }} {{ '1-800-FLOWERS'|phone2numeric }}", NULL, "abc 1-800-3569377");
    T_EXPECT("{{ 'a b  c'|wordcount }} {{ 'héllo'|length }} {{ 'abcdef'|slice:'1:-1' }}", NULL, "3 5 bcde");
    T_EXPECT("{{ 5|stringformat:'03d' }} {{ 1.5|stringformat:'.2f' }} {{ 'x'|stringformat:'r' }}", NULL,
             "005 1.50 'x'");
}

Test(template_filters_basic, sequences)
{
    const char *items[] = { "b<", "a" };
    mn_map *m = t_map();
    mn_map_set_cstr(m, "l", mn_value_list(t_list_str(items, 2)));
    T_EXPECT("{{ l|join:', ' }} {{ l|first }} {{ l|last }} {{ l|length }}", m, "b&lt;, a b&lt; a 2");
    T_EXPECT("{{ l|length_is:2 }} {{ l|slice:'::-1'|join:'' }}", m, "True ab&lt;");
    T_EXPECT("{{ l|unordered_list }}", m, "\t<li>b&lt;</li>\n\t<li>a</li>");
    T_EXPECT("{{ l|safeseq|join:'' }}", m, "b<a");
}

Test(template_filters_basic, choices)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "n", mn_value_int(2));
    mn_map_set_cstr(m, "z", mn_value_null());
    T_EXPECT("{{ n|pluralize }} {{ n|pluralize:'y,ies' }} {{ 1|pluralize:'y,ies' }}", m, "s ies y");
    T_EXPECT("{{ True|yesno }} {{ z|yesno }} {{ z|yesno:'a,b' }}", m, "yes maybe b");
    T_EXPECT("{{ z|default:'d' }} {{ z|default_if_none:'e' }} {{ ''|default_if_none:'e' }}", m, "d e ");
}

Test(template_filters_basic, dictsort)
{
    mn_map *m = t_map();
    mn_list *l = mn_list_new(T_arena, 3);
    const char *names[] = { "c", "a", "b" };
    int ages[] = { 30, 10, 20 };
    for (int i = 0; i < 3; i++) {
        mn_map *p = mn_map_new(T_arena, 2);
        mn_map_set_cstr(p, "name", mn_value_cstr(names[i]));
        mn_map_set_cstr(p, "age", mn_value_int(ages[i]));
        mn_list_push(l, mn_value_map(p));
    }
    mn_map_set_cstr(m, "people", mn_value_list(l));
    T_EXPECT("{% for p in people|dictsort:'age' %}{{ p.name }}{% endfor %}", m, "abc");
    T_EXPECT("{% for p in people|dictsortreversed:'name' %}{{ p.name }}{% endfor %}", m, "cba");
}

Test(template_filters_basic, humanize)
{
    T_EXPECT("{% load humanize %}{{ 1|ordinal }} {{ 12|ordinal }} {{ 23|ordinal }}", NULL, "1st 12th 23rd");
    T_EXPECT("{% load humanize %}{{ 1234567|intcomma }} {{ 4|apnumber }} {{ 12|apnumber }}", NULL,
             "1,234,567 four 12");
}
