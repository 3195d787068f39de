#include "helpers.h"

TestSuite(template_filters_date, .init = t_setup, .fini = t_teardown);

static mn_map *dates(void)
{
    mn_map *m = t_map();
    mn_map_set_cstr(m, "d", mn_value_date((mn_date){ 2024, 1, 5 }));
    mn_map_set_cstr(m, "dt", mn_value_datetime(mn_datetime_naive((mn_date){ 2024, 3, 10 }, (mn_time){ 14, 30, 5, 0 })));
    mn_map_set_cstr(m, "t", mn_value_time((mn_time){ 0, 0, 0, 0 }));
    return m;
}

Test(template_filters_date, date_and_time)
{
    mn_map *m = dates();
    T_EXPECT("{{ d }}|{{ d|date:'Y-m-d' }}|{{ d|date:'D, jS F' }}", m, "Jan. 5, 2024|2024-01-05|Fri, 5th January");
    T_EXPECT("{{ dt }}|{{ dt|date:'H:i' }}|{{ dt|time }}|{{ t }}", m, "March 10, 2024, 2:30 p.m.|14:30|2:30 p.m.|midnight");
    T_EXPECT("[{{ 'x'|date }}][{{ none|date }}]", m, "[][]");
    T_EXPECT_ERROR("{{ d|date:'H' }}", m, "TypeError: The format for date objects may not contain time-related");
}

Test(template_filters_date, timesince)
{
    mn_map *m = dates();
    T_EXPECT("{{ d|timesince:dt }}|{{ dt|timeuntil:d }}|{{ dt|timesince:d }}", m,
             "2\xc2\xa0months|2\xc2\xa0months|0\xc2\xa0minutes");
    T_EXPECT_ERROR("{{ 'x'|timesince }}", m, "AttributeError: 'SafeString' object has no attribute 'year'");
}

Test(template_filters_date, humanize_and_now)
{
    mn_map *m = dates();
    T_EXPECT("{% load humanize %}{{ d|naturalday }} {{ d|naturalday:'Y' }}", m, "Jan. 5, 2024 2024");
    T_EXPECT("{% now 'Y' as y %}{{ y|length }}", m, "4");
    T_EXPECT_ERROR("{% now %}", m, "TemplateSyntaxError: 'now' statement takes one argument");
}
